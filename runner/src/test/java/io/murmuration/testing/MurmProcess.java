package io.murmuration.testing;

import io.murmuration.cli.Murm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code murm} in a JVM of its own, as an operator starts a worker node or a coordinator on another
 * machine: same classpath as the test, output kept in a file, killable with SIGKILL.
 */
public final class MurmProcess implements AutoCloseable {
  private final Process process;
  private final Path output;

  private MurmProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /** Starts {@code murm ARGS…}; its stdout and stderr go to {@code output}. */
  public static MurmProcess start(Path output, String... args) {
    List<String> command = new ArrayList<>(Murm.childCommand(args));
    command.add(1, "-Xmx512m");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      return new MurmProcess(p, output);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /** What it printed so far. */
  public String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** The first match of {@code pattern} in its output, waiting up to {@code timeout} for it. */
  public Matcher await(Pattern pattern, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = pattern.matcher(output());
      if (m.find()) {
        return m;
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(100);
    }
    Matcher m = pattern.matcher(output());
    if (m.find()) {
      return m;
    }
    throw new AssertionError(
        "no '" + pattern + "' within " + timeout.toSeconds() + " s; output:\n" + output());
  }

  /** Its exit code, waiting up to {@code timeout}; fails the test when it is still running. */
  public int exitCode(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          "still running after " + timeout.toSeconds() + " s; output:\n" + output());
    }
    return process.exitValue();
  }

  /** SIGKILL, as a crashed machine or an OOM killer would. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  /** A loopback port nothing listens on right now. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
