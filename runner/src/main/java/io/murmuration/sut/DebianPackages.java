package io.murmuration.sut;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure a Debian package that a local server needs is installed: as root it runs {@code
 * apt-get update} and {@code apt-get install -y PKG} (output to a log file); otherwise it fails
 * with the one command line the user has to run.
 */
public final class DebianPackages {
  private static final long INSTALL_TIMEOUT_MINUTES = 15;

  private DebianPackages() {}

  /**
   * Returns at once when {@code binary} exists; installs {@code pkg} when running as root; throws
   * otherwise.
   *
   * @throws IllegalStateException whose message says what to run, or where the failed install
   *     logged
   */
  public static synchronized void ensure(String pkg, Path binary) {
    if (Files.isExecutable(binary)) {
      return;
    }
    if (!RunAs.isRoot()) {
      throw new IllegalStateException(
          pkg + " is not installed (no " + binary + "): run sudo apt-get install -y " + pkg);
    }
    Path log = Path.of(System.getProperty("java.io.tmpdir"), "murm-apt-" + pkg + ".log");
    run(List.of("apt-get", "update"), log, pkg);
    run(List.of("apt-get", "install", "-y", pkg), log, pkg);
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "apt-get installed " + pkg + " but " + binary + " is missing: see " + log);
    }
  }

  private static void run(List<String> command, Path log, String pkg) {
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process process = builder.start();
      if (!process.waitFor(INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", command)
                + " did not finish within 15 min while installing "
                + pkg
                + ": see "
                + log);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command)
                + " failed (exit "
                + process.exitValue()
                + ") while installing "
                + pkg
                + ": see "
                + log);
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while installing " + pkg, e);
    }
  }
}
