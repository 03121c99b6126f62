package io.murmuration.metrics;

import io.murmuration.metrics.Metrics.Snapshot;
import io.murmuration.results.Summary;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the runner itself costs: at every sampling tick the reporter reads the process (CPU time,
 * RSS, threads; see {@link ProcessProbe}) and accounts the interval here, next to the messages
 * delivered in it. At the end this becomes the summary's {@code runner} block. Not thread-safe: the
 * reporter calls it while sampling.
 *
 * <p>The <em>steady</em> window is the set of intervals during which every user was connected: the
 * users connected at both ends of the interval (the previous tick and this one) equal the run's
 * peak. It leaves out the arrival phase, whose connect and login work (TLS, SASL) would inflate the
 * cost per message, and the departure.
 */
final class RunnerHealth {

  /**
   * One interval as the steady-window arithmetic sees it.
   *
   * @param usersBefore users connected at the start of the interval (the previous tick; 0 before
   *     the first)
   * @param usersAfter users connected at its end
   * @param delivered messages delivered (received + late) in the interval
   * @param cpuNanos CPU time the process used in the interval, -1 when unknown
   */
  record Interval(int usersBefore, int usersAfter, long delivered, long cpuNanos) {}

  /**
   * The runner's use in one interval, as drawn in the report.
   *
   * @param cpuCores CPU time over wall time of the interval (1.0 = one core busy), {@code null}
   *     when unknown
   * @param rssMib resident set size at the end of the interval, {@code null} when unknown
   * @param threads OS threads of the process at the end of the interval
   */
  record Use(Double cpuCores, Double rssMib, int threads) {}

  private final Supplier<ProcessProbe.Sample> probe;
  private final int cores;
  private final ProcessProbe.Sample first;
  private ProcessProbe.Sample last;
  private final List<Interval> intervals = new ArrayList<>();
  private long rssPeakKib = -1;
  private int threadsPeak;

  /** Takes the baseline reading: CPU time counts from here. */
  RunnerHealth(Supplier<ProcessProbe.Sample> probe, int cores) {
    this.probe = Objects.requireNonNull(probe, "probe");
    this.cores = cores;
    this.first = probe.get();
    this.last = first;
    peaks(first);
  }

  /** On the JVM's own process. */
  RunnerHealth() {
    this(new ProcessProbe(), Runtime.getRuntime().availableProcessors());
  }

  /**
   * Reads the process and accounts the interval that ends with {@code now}.
   *
   * @param previous the snapshot that started the interval, {@code null} for the first
   */
  Use tick(Snapshot previous, Snapshot now) {
    ProcessProbe.Sample sample = probe.get();
    peaks(sample);
    long cpu = cpuBetween(last, sample);
    long wallNanos = sample.nanoTime() - last.nanoTime();
    intervals.add(
        new Interval(
            previous == null ? 0 : previous.usersConnected(),
            now.usersConnected(),
            delivered(now) - delivered(previous),
            cpu));
    last = sample;
    return new Use(
        cpu < 0 || wallNanos <= 0 ? null : Summary.round3((double) cpu / wallNanos),
        sample.rssKib() < 0 ? null : Summary.round3(sample.rssKib() / 1024.0),
        sample.threads());
  }

  /** The intervals accounted so far. */
  List<Interval> intervals() {
    return List.copyOf(intervals);
  }

  /**
   * The summary's {@code runner} block, from the baseline to the last tick.
   *
   * @param usersPeak the run's peak of users connected
   * @param delivered messages delivered (received + late) in the whole run
   * @param sendHolds times a user's sending was held by back-pressure in the whole run
   */
  Summary.Runner summary(int usersPeak, long delivered, long sendHolds) {
    long cpu = cpuBetween(first, last);
    Double cpuS = cpu < 0 ? null : Summary.round3(cpu / 1e9);
    return new Summary.Runner(
        cpuS,
        cpu < 0 || delivered <= 0 ? null : Summary.round3(cpu / 1e6 / delivered),
        steadyCpuSPer1000(intervals, usersPeak),
        rssPeakKib < 0 ? null : Summary.round3(rssPeakKib / 1024.0),
        rssPeakKib < 0 || usersPeak <= 0 ? null : Summary.round3((double) rssPeakKib / usersPeak),
        threadsPeak,
        cores,
        sendHolds);
  }

  /**
   * CPU seconds per 1,000 delivered messages over the intervals with {@code usersPeak} users
   * connected at both ends, 3 decimals: their CPU time / their delivered messages × 1000. {@code
   * null} when {@code usersPeak} is 0, no such interval delivered anything, or CPU time is unknown.
   */
  static Double steadyCpuSPer1000(List<Interval> intervals, int usersPeak) {
    if (usersPeak <= 0) {
      return null;
    }
    long cpu = 0;
    long delivered = 0;
    for (Interval i : intervals) {
      if (i.usersBefore() == usersPeak && i.usersAfter() == usersPeak) {
        if (i.cpuNanos() < 0) {
          return null;
        }
        cpu += i.cpuNanos();
        delivered += i.delivered();
      }
    }
    return delivered <= 0 ? null : Summary.round3(cpu / 1e6 / delivered);
  }

  private void peaks(ProcessProbe.Sample sample) {
    rssPeakKib = Math.max(rssPeakKib, sample.rssKib());
    threadsPeak = Math.max(threadsPeak, sample.threads());
  }

  private static long cpuBetween(ProcessProbe.Sample from, ProcessProbe.Sample to) {
    return from.cpuNanos() < 0 || to.cpuNanos() < 0
        ? -1
        : Math.max(0, to.cpuNanos() - from.cpuNanos());
  }

  private static long delivered(Snapshot snapshot) {
    return snapshot == null ? 0 : snapshot.received() + snapshot.late();
  }
}
