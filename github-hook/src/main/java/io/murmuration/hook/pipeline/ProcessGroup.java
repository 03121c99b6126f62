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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command started in a process group of its own ({@code setsid}), so that everything it starts —
 * a build's compilers, a server's VM, a runner JVM — can be stopped together, including processes
 * that were re-parented when their parent exited. Output (stdout and stderr) is appended to a log
 * file; stdin is {@code /dev/null}. Linux only: group members are found in {@code /proc}.
 *
 * <p>The environment is exactly the one given: nothing of the service's own (tokens, keys) leaks
 * into commands a repository controls.
 *
 * <p>Groups outlive the service when it is killed ({@code kill -9}, an OOM kill): Java has no
 * parent-death signal. So each group is recorded in a registry folder of its job ({@code
 * processes/<pgid>}, holding the boot id and the leader's start time) from its start until it is
 * gone, and {@link #stopLeftovers} stops what a killed service left before the job runs again.
 */
final class ProcessGroup {
  private static final Logger log = LoggerFactory.getLogger(ProcessGroup.class);
  private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

  private final Process leader;
  private final String description;
  private final Path record;

  private ProcessGroup(Process leader, String description, Path record) {
    this.leader = leader;
    this.description = description;
    this.record = record;
  }

  /**
   * Starts {@code command} in {@code dir} and records the group in {@code registry}. {@code setsid}
   * runs it in a new session whose id is the leader's PID: the JVM's children are never group
   * leaders, so {@code setsid} does not fork.
   */
  static ProcessGroup start(
      List<String> command, Path dir, Map<String, String> env, Path out, Path err, Path registry) {
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
    Process leader;
    try {
      leader = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
    }
    Path record = registry.resolve(Long.toString(leader.pid()));
    try {
      Files.createDirectories(registry);
      Files.writeString(record, bootId() + " " + startTime(leader.pid()));
    } catch (IOException e) {
      leader.destroyForcibly();
      throw new UncheckedIOException("cannot record the process group in " + registry, e);
    }
    return new ProcessGroup(leader, String.join(" ", command), record);
  }

  /**
   * Stops the groups recorded in {@code registry} that are still there: those of a previous attempt
   * of the job whose service was killed before it could stop them. SIGTERM, SIGKILL to what still
   * runs after {@code grace}, then waits (5 s more at most) until they are gone. A recorded id that
   * now belongs to another process (another boot, or a leader started since) is left alone.
   */
  static void stopLeftovers(Path registry, Duration grace) {
    if (!Files.isDirectory(registry)) {
      return;
    }
    Set<Long> groups = new HashSet<>();
    try (Stream<Path> records = Files.list(registry)) {
      for (Path record : records.toList()) {
        String name = record.getFileName().toString();
        String recorded = Files.readString(record, StandardCharsets.US_ASCII).strip();
        String bootId = bootId();
        String leaderNow = startTime(Long.parseLong(name));
        boolean ours =
            leaderNow.equals("gone")
                ? recorded.startsWith(bootId + " ")
                : recorded.equals(bootId + " " + leaderNow);
        if (ours) {
          groups.add(Long.parseLong(name));
        }
      }
    } catch (IOException | NumberFormatException e) {
      log.warn("cannot read the process records in {}: {}", registry, e.toString());
    }
    Set<ProcessHandle> found = members(groups);
    found.forEach(ProcessHandle::destroy);
    if (!awaitNoMembers(groups, grace)) {
      members(groups).forEach(ProcessHandle::destroyForcibly);
      awaitNoMembers(groups, Duration.ofSeconds(5));
    }
    if (!found.isEmpty()) {
      log.warn(
          "stopped {} process(es) that a stopped service left running in {}",
          found.size(),
          registry.getParent());
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
    return leader.isAlive() || !members(Set.of(pid())).isEmpty();
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
    if (!anyAlive()) {
      try {
        Files.deleteIfExists(record);
      } catch (IOException e) {
        // the record stays: at worst, the next attempt looks for a group that is gone
      }
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
    Set<ProcessHandle> targets = new HashSet<>(members(Set.of(pid())));
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

  /** Waits up to {@code timeout} until no process of {@code groups} runs. */
  private static boolean awaitNoMembers(Set<Long> groups, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!members(groups).isEmpty()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return members(groups).isEmpty();
      }
    }
    return true;
  }

  /** Live (not zombie) processes whose process group is one of {@code groups}, from /proc. */
  private static Set<ProcessHandle> members(Set<Long> groups) {
    Set<ProcessHandle> found = new HashSet<>();
    if (groups.isEmpty()) {
      return found;
    }
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .forEach(
              p -> {
                String[] fields = statFields(p.resolve("stat"));
                // after "pid (comm)": state ppid pgrp …
                if (fields != null
                    && groups.contains(Long.parseLong(fields[2]))
                    && !fields[0].equals("Z")) {
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
      return rest.length > 19 ? rest : null;
    } catch (IOException | RuntimeException e) {
      return null; // it exited meanwhile
    }
  }

  /** When {@code pid} started (clock ticks since boot), or "gone" when it does not run. */
  private static String startTime(long pid) {
    String[] fields = statFields(Path.of("/proc", Long.toString(pid), "stat"));
    return fields == null || fields[0].equals("Z") ? "gone" : fields[19];
  }

  private static String bootId() {
    try {
      return Files.readString(BOOT_ID, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }

  @Override
  public String toString() {
    return "process group " + pid() + " (" + description + ")";
  }
}
