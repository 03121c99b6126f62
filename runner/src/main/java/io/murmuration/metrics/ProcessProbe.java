package io.murmuration.metrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the runner process's own resource use: cumulative CPU time, resident set size and OS thread
 * count. One reading costs one read of {@code /proc/self/status} (about 1.5 KB) plus one call to
 * the JVM's process CPU clock; the reporter takes one per sampling interval on its own thread,
 * never on a recording thread.
 *
 * <ul>
 *   <li>CPU: {@code com.sun.management.OperatingSystemMXBean#getProcessCpuTime} (user + system, all
 *       threads); without it {@code utime + stime} of {@code /proc/self/stat} (clock ticks of 10
 *       ms); without both, unknown.
 *   <li>RSS: {@code VmRSS} of {@code /proc/self/status}; unknown without {@code /proc}.
 *   <li>Threads: {@code Threads} of {@code /proc/self/status}, every OS thread of the process (JVM
 *       internals, GC and JIT included); without {@code /proc}, {@link
 *       ThreadMXBean#getThreadCount()}, which counts only live Java threads.
 * </ul>
 */
final class ProcessProbe implements Supplier<ProcessProbe.Sample> {

  /**
   * One reading.
   *
   * @param nanoTime {@link System#nanoTime()} when it was taken
   * @param cpuNanos CPU time used by the process since it started, -1 when unknown
   * @param rssKib resident set size in KiB, -1 when unknown
   * @param threads OS threads of the process (or live Java threads, see {@link ProcessProbe})
   */
  record Sample(long nanoTime, long cpuNanos, long rssKib, int threads) {}

  private static final Logger LOG = LoggerFactory.getLogger(ProcessProbe.class);
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path STAT = Path.of("/proc/self/stat");
  private static final long NANOS_PER_CLOCK_TICK = 10_000_000L; // USER_HZ is 100 on Linux

  private final Path status;
  private final LongSupplier cpu;
  private final ThreadMXBean jvmThreads = ManagementFactory.getThreadMXBean();
  private boolean statusReadable;

  ProcessProbe() {
    this(STATUS, cpuClock());
  }

  /** For tests: another status file and CPU clock. */
  ProcessProbe(Path status, LongSupplier cpuNanos) {
    this.status = status;
    this.cpu = cpuNanos;
    this.statusReadable = Files.isReadable(status);
    if (!statusReadable) {
      LOG.info(
          "{} not readable: runner RSS not recorded, threads counted by the JVM (Java threads"
              + " only)",
          status);
    }
  }

  @Override
  public Sample get() {
    long now = System.nanoTime();
    long cpuNanos = cpu.getAsLong();
    long rssKib = -1;
    int threads = -1;
    if (statusReadable) {
      try {
        String text = new String(Files.readAllBytes(status), StandardCharsets.US_ASCII);
        rssKib = field(text, "VmRSS:");
        threads = (int) field(text, "Threads:");
      } catch (IOException e) {
        statusReadable = false;
        LOG.info("{} unreadable ({}): runner RSS no longer recorded", status, e.toString());
      }
    }
    if (threads <= 0) {
      threads = jvmThreads.getThreadCount();
    }
    return new Sample(now, cpuNanos < 0 ? -1 : cpuNanos, rssKib, threads);
  }

  /** The number after {@code name} on its line of {@code /proc/self/status}, -1 when absent. */
  static long field(String status, String name) {
    int at = status.startsWith(name) ? 0 : status.indexOf("\n" + name);
    if (at < 0) {
      return -1;
    }
    int i = status.indexOf(':', at) + 1;
    while (i < status.length() && (status.charAt(i) == ' ' || status.charAt(i) == '\t')) {
      i++;
    }
    long value = 0;
    int digits = 0;
    for (; i < status.length() && Character.isDigit(status.charAt(i)); i++, digits++) {
      value = value * 10 + (status.charAt(i) - '0');
    }
    return digits == 0 ? -1 : value;
  }

  /** {@code utime + stime} in nanoseconds from the text of {@code /proc/self/stat}, -1 if bad. */
  static long statCpuNanos(String stat) {
    // Fields after the command name, which is in parentheses and may contain spaces: the state is
    // field 3, utime field 14 and stime field 15.
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      return -1;
    }
    String[] fields = stat.substring(close + 1).trim().split("\\s+");
    if (fields.length < 13) {
      return -1;
    }
    try {
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_CLOCK_TICK;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static LongSupplier cpuClock() {
    try {
      OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
      if (os instanceof com.sun.management.OperatingSystemMXBean sun
          && sun.getProcessCpuTime() >= 0) {
        return sun::getProcessCpuTime;
      }
    } catch (LinkageError e) {
      // a runtime image without the jdk.management module
    }
    if (Files.isReadable(STAT)) {
      return () -> {
        try {
          return statCpuNanos(Files.readString(STAT, StandardCharsets.US_ASCII));
        } catch (IOException e) {
          return -1;
        }
      };
    }
    LOG.info("no process CPU time available: runner CPU not recorded");
    return () -> -1;
  }
}
