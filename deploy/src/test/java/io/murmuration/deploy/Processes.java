package io.murmuration.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one way these tests run a program (node, tsc, bash, the image's murm) to its end: its output
 * to files, so neither pipe can fill and stall it, and at most 5 minutes.
 */
final class Processes {
  private Processes() {}

  /** What a finished process said. */
  record Result(int exit, String stdout, String stderr) {}

  /**
   * Runs {@code command} in {@code dir} with {@code environment} added to this JVM's, its input
   * closed.
   *
   * @throws UncheckedIOException when it cannot start (e.g. the program is missing)
   */
  static Result run(List<String> command, Path dir, Map<String, String> environment) {
    try {
      Path out = Files.createTempFile("process-out", ".txt");
      Path err = Files.createTempFile("process-err", ".txt");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
          process.destroyForcibly();
          throw new AssertionError(String.join(" ", command) + ": no end within 5 minutes");
        }
        return new Result(
            process.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
