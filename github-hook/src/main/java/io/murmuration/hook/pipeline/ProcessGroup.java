package io.murmuration.hook.pipeline;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A command started in a process group of its own ({@code setsid}), so that everything it starts —
 * a build's compilers, a server's VM, a runner JVM — can be stopped together, including processes
 * that were re-parented when their parent exited. Output (stdout and stderr) is appended to a log
 * file; stdin is {@code /dev/null}. Linux only: group members are found in {@code /proc}.
 *
 * <p>The environment is exactly the one given: nothing of the service's own (tokens, keys) leaks
 * into commands a repository controls.
 */
final class ProcessGroup {
  private final Process leader;
  private final String description;

  private ProcessGroup(Process leader, String description) {
    this.leader = leader;
    this.description = description;
  }

  /**
   * Starts {@code command} in {@code dir}. {@code setsid} runs it in a new session whose id is the
   * leader's PID: the JVM's children are never group leaders, so {@code setsid} does not fork.
   */
  static ProcessGroup start(
      List<String> command, Path dir, Map<String, String> env, Path out, Path err) {
    List<String> full = new ArrayList<>();
    full.add("setsid");
    full.add("--");
    full.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(full)
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
    if (out.equals(err)) {
      builder.redirectErrorStream(true);
    } else {
      builder.redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()));
    }
    builder.environment().clear();
    builder.environment().putAll(env);
    try {
      return new ProcessGroup(builder.start(), String.join(" ", command));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
    }
  }

  /** The leader's PID, which is also the process group id. */
  long pid() {
    return leader.pid();
  }

  /** True while the started command itself runs. */
  boolean leaderAlive() {
    return leader.isAlive();
  }

  /** True while any process of the group (or a descendant of the leader) runs. */
  boolean anyAlive() {
    return leader.isAlive() || !members().isEmpty();
  }

  /**
   * Waits for the leader to exit, at most until {@code deadlineNanos} ({@link System#nanoTime()})
   * and while {@code cancelled} is false, looking every 50 ms.
   *
   * @return its exit status, or null when the deadline passed or it was cancelled (it still runs)
   */
  Integer await(long deadlineNanos, BooleanSupplier cancelled) throws InterruptedException {
    while (!cancelled.getAsBoolean()) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      if (leader.waitFor(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS)) {
        return leader.exitValue();
      }
    }
    return null;
  }

  /**
   * SIGTERM to every process of the group, SIGKILL to what still runs after {@code grace}; returns
   * once all are gone (or after 5 more seconds). Never throws.
   */
  void stop(Duration grace) {
    signal(false);
    if (!awaitGone(grace)) {
      signal(true);
      awaitGone(Duration.ofSeconds(5));
    }
  }

  /** Waits up to {@code timeout} for every process of the group to exit. */
  boolean awaitGone(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (anyAlive()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !anyAlive();
      }
    }
    return true;
  }

  private void signal(boolean kill) {
    Set<ProcessHandle> targets = new HashSet<>(members());
    leader.descendants().forEach(targets::add);
    targets.add(leader.toHandle());
    for (ProcessHandle p : targets) {
      if (kill) {
        p.destroyForcibly();
      } else {
        p.destroy();
      }
    }
  }

  /** Live (not zombie) processes whose process group is this one, from {@code /proc}. */
  private Set<ProcessHandle> members() {
    Set<ProcessHandle> found = new HashSet<>();
    String group = Long.toString(pid());
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .forEach(
              p -> {
                String[] fields = statFields(p.resolve("stat"));
                // after "pid (comm)": state ppid pgrp …
                if (fields != null && fields[1].equals(group) && !fields[0].equals("Z")) {
                  ProcessHandle.of(Long.parseLong(p.getFileName().toString()))
                      .ifPresent(found::add);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // /proc unreadable: the leader and its descendants are all we can find
    }
    return found;
  }

  /** The fields of a {@code /proc/PID/stat} after the command name: state, ppid, pgrp, … */
  private static String[] statFields(Path stat) {
    try {
      String text = Files.readString(stat, StandardCharsets.US_ASCII);
      String[] rest = text.substring(text.lastIndexOf(')') + 2).split(" ");
      return rest.length > 2 ? new String[] {rest[0], rest[2]} : null;
    } catch (IOException | RuntimeException e) {
      return null; // it exited meanwhile
    }
  }

  @Override
  public String toString() {
    return "process group " + pid() + " (" + description + ")";
  }
}
