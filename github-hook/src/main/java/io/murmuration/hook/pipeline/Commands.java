package io.murmuration.hook.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Runs the commands of one job, each in its own {@link ProcessGroup} recorded in the job's registry
 * folder, with the job's environment, a time limit, and the job's cancel flag: a cancelled or
 * timed-out command is stopped with its whole group at once. Each command's line and exit status go
 * into the step's log, before and after its output.
 */
final class Commands {
  /** How long a stopped command's group gets between SIGTERM and SIGKILL. */
  static final Duration STOP_GRACE = Duration.ofSeconds(3);

  private final Map<String, String> env;
  private final BooleanSupplier cancelled;
  private final Path registry;

  /**
   * @param registry the folder where each running group is recorded ({@link
   *     ProcessGroup#stopLeftovers})
   */
  Commands(Map<String, String> env, BooleanSupplier cancelled, Path registry) {
    this.env = Map.copyOf(env);
    this.cancelled = cancelled;
    this.registry = registry;
  }

  /** The same commands with {@code more} added to their environment (never to their logs). */
  Commands with(Map<String, String> more) {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.putAll(more);
    return new Commands(all, cancelled, registry);
  }

  /** The same commands, deaf to the cancel flag: for stopping the server after a cancel. */
  Commands uncancellable() {
    return new Commands(env, () -> false, registry);
  }

  /**
   * Runs {@code command} in {@code dir} to its end; output to {@code log} (stdout to {@code out}
   * when not null).
   *
   * @return its exit status, or null when it did not end before {@code deadlineNanos} (then it was
   *     stopped)
   * @throws CancellationException when the job was cancelled (the command was stopped)
   */
  Integer run(List<String> command, Path dir, Path log, Path out, long deadlineNanos) {
    checkCancelled();
    note(log, "$ " + redact(String.join(" ", command)));
    ProcessGroup group =
        ProcessGroup.start(command, dir, env, out == null ? log : out, log, registry);
    try {
      Integer status = group.await(deadlineNanos, cancelled);
      if (status == null) {
        group.stop(STOP_GRACE);
        checkCancelled();
        note(log, "(stopped: time limit reached)");
        return null;
      }
      group.stop(STOP_GRACE); // what the command left behind in its group
      note(log, "(exit status " + status + ")");
      return status;
    } catch (InterruptedException e) {
      group.stop(STOP_GRACE);
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted");
    }
  }

  /** Starts a long-running command (the server); the caller stops it. */
  ProcessGroup spawn(List<String> command, Path dir, Path log) {
    checkCancelled();
    note(log, "$ " + String.join(" ", command));
    return ProcessGroup.start(command, dir, env, log, log, registry);
  }

  void checkCancelled() {
    if (cancelled.getAsBoolean()) {
      throw new CancellationException("cancelled");
    }
  }

  /** Appends a line, stamped with the time, to {@code log}. */
  static void note(Path log, String line) {
    try {
      Files.writeString(
          log,
          "[" + Instant.now() + "] " + line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + log, e);
    }
  }

  /** {@code https://user:token@host/…} without its credentials, for logs. */
  static String redact(String text) {
    return text.replaceAll("://[^/@\\s]+@", "://***@");
  }

  /** The last {@code lines} lines of {@code log}, or a note that there is none. */
  static String tail(Path log, int lines) {
    try (var file = new java.io.RandomAccessFile(log.toFile(), "r")) {
      long from = Math.max(0, file.length() - 64 * 1024); // the end of a long build log
      byte[] bytes = new byte[(int) (file.length() - from)];
      file.seek(from);
      file.readFully(bytes);
      List<String> all = new String(bytes, StandardCharsets.UTF_8).lines().toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log " + log.getFileName() + ")";
    }
  }
}
