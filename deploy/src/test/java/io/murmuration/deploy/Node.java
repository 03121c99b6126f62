package io.murmuration.deploy;

import io.murmuration.testing.Prerequisites;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Node.js and the npm packages the offline checks use ({@code src/test/node/package.json}, pinned
 * by its lock file): installed once per test JVM with {@code npm ci} into {@code target/node}, next
 * to copies of the scripts in {@code src/test/node}. Node and npm are a prerequisite ({@code
 * apt-get install -y nodejs npm}); the packages come from the npm registry npm is configured with.
 */
final class Node {
  /** Where {@code npm ci} installs, and where the scripts are run from. */
  static final Path HOME = Path.of("target", "node").toAbsolutePath();

  private static final Path SOURCES = Path.of("src", "test", "node");
  private static boolean installed;

  private Node() {}

  /**
   * Runs {@code node SCRIPT ARGS…} in {@link #HOME}, with the packages installed.
   *
   * @param script a file of {@code src/test/node}, e.g. {@code hcl2json.js}
   */
  static Processes.Result node(String script, List<String> args) {
    install();
    List<String> command = new ArrayList<>(List.of("node", HOME.resolve(script).toString()));
    command.addAll(args);
    return Processes.run(command, HOME, Map.of());
  }

  /** Runs an installed package's command, e.g. {@code tsc}, from {@code node_modules/.bin}. */
  static Processes.Result bin(String name, List<String> args) {
    install();
    List<String> command =
        new ArrayList<>(List.of(HOME.resolve("node_modules/.bin").resolve(name).toString()));
    command.addAll(args);
    return Processes.run(command, HOME, Map.of());
  }

  private static synchronized void install() {
    if (installed) {
      return;
    }
    Prerequisites.require(
        "Node.js 18+ and npm (node, npm on PATH)",
        works(
                List.of(
                    "node",
                    "-e",
                    "process.exit(+process.versions.node.split('.')[0] >= 18 ? 0 : 1)"))
            && works(List.of("npm", "--version")),
        "apt-get install -y nodejs npm");
    try {
      Files.createDirectories(HOME);
      try (Stream<Path> files = Files.list(SOURCES)) {
        for (Path file : files.toList()) {
          Files.copy(
              file,
              HOME.resolve(file.getFileName().toString()),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Processes.Result ci =
        Processes.run(
            List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), HOME, Map.of());
    if (ci.exit() != 0) {
      throw new AssertionError(
          "npm ci in " + HOME + " failed (exit " + ci.exit() + "): " + ci.stderr().strip());
    }
    installed = true;
  }

  private static boolean works(List<String> command) {
    try {
      return Processes.run(command, Path.of("."), Map.of()).exit() == 0;
    } catch (UncheckedIOException e) {
      return false;
    }
  }
}
