#!/usr/bin/env bash
# Microbenchmarks of the runner's per-message hot paths (JMH, module microbench): parsing a received
# chat message, building and encoding one to send, reading its TTD stamp, recording a TTD. Builds the
# module, runs JMH with its allocation profiler (-prof gc) and prints one row per benchmark: time per
# operation and bytes allocated per operation (gc.alloc.rate.norm). docs/performance.md says what
# each benchmark measures.
#   bench/micro.sh [REGEX …]   benchmarks whose name matches (default: all); further JMH options
#                              may follow, e.g. -prof stack
#   env: FORKS (1), WARMUP (5: iterations), ITERATIONS (5), TIME (1s: per iteration, warm-up too)
# Files: runs/micro/<UTC time>/ — result.json (JMH's), jmh.log (its console output), table.txt.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$here/bench/lib.sh" # find_jdk, java_major
forks="${FORKS:-1}"; warmup="${WARMUP:-5}"; iterations="${ITERATIONS:-5}"; time="${TIME:-1s}"
command -v jq >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -q jq >/dev/null; } || { echo "micro: needs jq: apt-get install -y jq" >&2; exit 2; }
command -v mvn >/dev/null || { echo "micro: Maven is missing: apt-get install -y maven" >&2; exit 2; }

JAVA_HOME="$(find_jdk)"; export JAVA_HOME
jvm_flags=()
# as ./murm: Pekko, Netty and Maven's Guava use sun.misc.Unsafe, which JDK 24+ warns about
if [ "$(java_major "$JAVA_HOME/bin/java")" -ge 24 ]; then
  jvm_flags=(--sun-misc-unsafe-memory-access=allow)
  export MAVEN_OPTS="${MAVEN_OPTS:-} ${jvm_flags[*]}"
fi

echo "micro: building the microbench module" >&2
build=(mvn -B -q package -pl microbench -am -DskipTests)
(cd "$here" && "${build[@]}" -o >/dev/null 2>&1) || (cd "$here" && "${build[@]}" >&2)
module="$here/microbench/target"
classpath="$module/classes:$(cat "$module/microbench.classpath")"

out="$here/runs/micro/$(date -u +%Y%m%d-%H%M%S)"; mkdir -p "$out"
echo "micro: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(hostname), nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg) at start; $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1); forks $forks, warm-up $warmup × $time, measured $iterations × $time; files in $out" | tee "$out/header.txt" >&2
jmh=(-bm avgt -tu ns -f "$forks" -wi "$warmup" -i "$iterations" -w "$time" -r "$time" -prof gc -foe true
  -rf json -rff "$out/result.json")
[ ${#jvm_flags[@]} -eq 0 ] || jmh+=(-jvmArgsAppend "${jvm_flags[*]}")
"$JAVA_HOME/bin/java" "${jvm_flags[@]}" -cp "$classpath" org.openjdk.jmh.Main "${jmh[@]}" "$@" 2>&1 \
  | tee "$out/jmh.log" | sed -n 's/^# Benchmark: io\.murmuration\./micro: /p' >&2 \
  || { echo "micro: JMH failed, see $out/jmh.log" >&2; tail -n 20 "$out/jmh.log" >&2; exit 1; }

{
  printf '%-36s %10s %10s %10s\n' benchmark "ns/op" "± 99.9 %" "bytes/op"
  jq -r '.[] | [ (.benchmark | sub("^io\\.murmuration\\.(xmpp\\.lean\\.|metrics\\.)?"; "")),
      .primaryMetric.score, .primaryMetric.scoreError,
      (.secondaryMetrics["gc.alloc.rate.norm"].score // "-") ] | @tsv' "$out/result.json" \
    | awk -F '\t' '{
        err = ($3 == "NaN" || $3 == "") ? "-" : sprintf("%.1f", $3)
        b = ($4 == "-") ? "-" : sprintf("%.0f", $4)
        printf "%-36s %10.1f %10s %10s\n", $1, $2, err, b }'
  echo "(ParseBench.tenMessages: per message of a read holding ten. ±: JMH's 99.9 % interval, none under 3 measured iterations)"
} | tee "$out/table.txt"
