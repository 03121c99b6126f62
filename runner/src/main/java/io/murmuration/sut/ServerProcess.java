package io.murmuration.sut;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One server process started by a local server: its launcher (what {@link ProcessBuilder} started,
 * e.g. the {@code ejabberdctl} shell script) and the server's own process, whose PID the server
 * writes into its pid file (the Erlang VM, the Lua interpreter). Stops it with TERM, then KILL when
 * it lingers, and registers a JVM shutdown hook so that Ctrl-C never leaves a server behind.
 */
final class ServerProcess {
  private final String name;
  private final Process launcher;
  private final Path pidFile;
  private final Path removeAfterStop;
  private final Thread shutdownHook;
  private volatile long serverPid = -1;

  private ServerProcess(String name, Process launcher, Path pidFile, Path removeAfterStop) {
    this.name = name;
    this.launcher = launcher;
    this.pidFile = pidFile;
    this.removeAfterStop = removeAfterStop;
    this.shutdownHook = new Thread(() -> stop(Duration.ofSeconds(3)), "stop " + name);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts {@code command} in {@code folder} with {@code environment} added, output to {@code
   * console}; {@link #stop} removes {@code folder} afterwards when {@code removeFolder} is set.
   */
  static ServerProcess start(
      String name,
      List<String> command,
      Map<String, String> environment,
      Path folder,
      Path console,
      Path pidFile,
      boolean removeFolder) {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(folder.toFile())
            .redirectErrorStream(true)
            .redirectOutput(console.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().putAll(environment);
    try {
      Files.deleteIfExists(pidFile); // left by an earlier run in the same folder
      return new ServerProcess(name, builder.start(), pidFile, removeFolder ? folder : null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
    }
  }

  /** The server's PID from its pid file, once written; until then the launcher's. */
  long pid() {
    return readPid() ? serverPid : launcher.pid();
  }

  /** True while the server (or, before it wrote its pid file, its launcher) runs. */
  boolean isAlive() {
    return readPid() ? serverAlive() : launcher.isAlive();
  }

  /** Waits until the server wrote its pid file; fails when the launcher exits first. */
  long awaitPid(long deadlineNanos) throws TimeoutException {
    while (!readPid()) {
      if (!launcher.isAlive()) {
        throw new IllegalStateException(name + " exited with status " + launcher.exitValue());
      }
      if (System.nanoTime() > deadlineNanos) {
        throw new TimeoutException(name + " wrote no pid file " + pidFile);
      }
      sleep(20);
    }
    return serverPid;
  }

  /**
   * SIGKILL to the server and every process it started: simulates a crash. Leaves the folder (logs)
   * and the shutdown hook in place: {@link #stop} still cleans up.
   */
  void kill() {
    if (readPid()) {
      ProcessHandle.of(serverPid)
          .ifPresent(
              server -> {
                server.descendants().forEach(ProcessHandle::destroyForcibly);
                server.destroyForcibly();
              });
    }
    launcher.descendants().forEach(ProcessHandle::destroyForcibly);
    launcher.destroyForcibly();
    awaitExit(Duration.ofSeconds(5));
  }

  /** {@link #kill()} after a failed start: keeps the folder for diagnosis, drops the hook. */
  void killKeepingFolder() {
    kill();
    removeShutdownHook();
  }

  /**
   * SIGTERM to the server; SIGKILL to whatever still runs after {@code grace}; then removes the
   * folder if asked to at start.
   */
  void stop(Duration grace) {
    if (readPid() && serverAlive()) {
      ProcessHandle.of(serverPid).ifPresent(ProcessHandle::destroy);
    } else {
      launcher.destroy();
    }
    if (!awaitExit(grace)) {
      kill();
    }
    if (removeAfterStop != null) {
      Folders.delete(removeAfterStop);
    }
    removeShutdownHook();
  }

  private boolean awaitExit(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (readPid() && serverAlive()) {
        if (System.nanoTime() > deadline) {
          return false;
        }
        sleep(20);
      }
      long left = Math.max(0, deadline - System.nanoTime());
      return launcher.waitFor(left, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean serverAlive() {
    return ProcessHandle.of(serverPid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** True once the pid file gave the server's PID. */
  private boolean readPid() {
    if (serverPid < 0) {
      try {
        String text = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
        if (!text.isEmpty()) {
          serverPid = Long.parseLong(text);
        }
      } catch (IOException | NumberFormatException e) {
        return false;
      }
    }
    return serverPid >= 0;
  }

  /**
   * Drops the JVM shutdown hook: whoever started the server stops it at exit (a cluster stops its
   * nodes in order).
   */
  void removeShutdownHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs (or ran) anyway
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The last {@code lines} lines of {@code file}, or a note that it is missing. */
  /**
   * Waits until the server answers an XMPP stream for {@code domain} on {@code c2s} and {@code
   * ready} holds too, then for its pid file.
   *
   * @throws IllegalStateException when it exits, refuses the domain or is not ready within {@code
   *     timeout}, quoting {@code logTail}
   */
  void awaitReady(
      InetSocketAddress c2s,
      String domain,
      BooleanSupplier ready,
      Duration timeout,
      Supplier<String> logTail) {
    long deadlineNanos = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        if (!isAlive()) {
          throw new IllegalStateException(name + " exited while starting; " + logTail.get());
        }
        StreamProbe.Answer answer = StreamProbe.probe(c2s, domain, 1000);
        if (answer == StreamProbe.Answer.STREAM_ERROR) {
          throw new IllegalStateException(
              name + " on " + c2s + " refuses streams to " + domain + "; " + logTail.get());
        }
        if (answer == StreamProbe.Answer.READY && ready.getAsBoolean()) {
          awaitPid(deadlineNanos);
          return;
        }
        if (System.nanoTime() > deadlineNanos) {
          throw new TimeoutException();
        }
        Thread.sleep(50);
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          name
              + " did not accept streams on "
              + c2s
              + " within "
              + timeout.toSeconds()
              + " s; "
              + logTail.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting " + name, e);
    }
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no " + file + ")";
    }
  }
}
