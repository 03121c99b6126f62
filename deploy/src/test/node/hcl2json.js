// Prints every .tf file named on the command line as JSON, one object keyed by file name, as
// Terraform's own HCL parser (Go, compiled to WebAssembly in @cdktf/hcl2json) reads it. A file that
// does not parse is reported as `FILE:LINE,COLUMN: message` on stderr, and the exit status is 1.
'use strict';
const fs = require('fs');
const { parse } = require('@cdktf/hcl2json');

(async () => {
  const parsed = {};
  let failed = false;
  for (const file of process.argv.slice(2)) {
    try {
      parsed[file] = await parse(file, fs.readFileSync(file, 'utf8'));
    } catch (e) {
      failed = true;
      // "parse config: [FILE:6,7-7,1: Invalid expression; …]": one line per diagnostic
      const text = String((e && e.message) || e).replace(/^parse config: \[/, '').replace(/\]$/, '');
      process.stderr.write(text + '\n');
    }
  }
  process.stdout.write(JSON.stringify(parsed));
  process.exit(failed ? 1 : 0);
})();
