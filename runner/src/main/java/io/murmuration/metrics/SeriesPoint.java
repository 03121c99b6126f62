package io.murmuration.metrics;

import io.murmuration.metrics.Metrics.Snapshot;
import io.murmuration.metrics.Metrics.Timer;
import io.murmuration.results.Summary;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * One sampling interval of a run, as drawn in the report's charts. Times in milliseconds; a
 * percentile is {@code null} when its timer had no sample in the interval.
 *
 * @param t elapsed seconds from the run start to the end of the interval
 * @param intervalS length of the interval in seconds
 * @param users users connected at the end of the interval
 * @param usersTarget users the scenario aims for at that time
 * @param sentPerS timed messages sent per second in the interval
 * @param deliveredPerS messages delivered (on time or late) per second in the interval
 * @param ttdCount TTD samples in the interval
 * @param cpuCores CPU used by the runner process in the interval, in cores (CPU time / wall time;
 *     0.85 = 85 % of one core), {@code null} when unknown
 * @param rssMib the runner's resident set size at the end of the interval, MiB; {@code null}
 *     without {@code /proc}
 * @param threads the runner's OS threads at the end of the interval
 * @param errors errors in the interval by kind; kinds without errors are left out
 */
public record SeriesPoint(
    double t,
    double intervalS,
    int users,
    int usersTarget,
    double sentPerS,
    double deliveredPerS,
    long ttdCount,
    Double ttdP50,
    Double ttdP90,
    Double ttdP99,
    Double ttdMax,
    Double connectP50,
    Double connectP99,
    Double lagP99,
    Double cpuCores,
    Double rssMib,
    int threads,
    Map<String, Long> errors) {

  public SeriesPoint {
    errors = Collections.unmodifiableMap(new TreeMap<>(errors));
  }

  /**
   * The point for the interval ending with {@code now}.
   *
   * @param runStartMs run start, epoch ms
   * @param previous the previous snapshot, or {@code null} for the first interval
   * @param runner the runner's own use in the interval
   */
  static SeriesPoint of(long runStartMs, Snapshot previous, Snapshot now, RunnerHealth.Use runner) {
    Histogram ttd = now.histogram(Timer.TTD);
    long endMs = ttd.getEndTimeStamp();
    long startMs = Math.max(ttd.getStartTimeStamp(), runStartMs);
    double seconds = Math.max(endMs - startMs, 1) / 1000.0;
    long sentBefore = previous == null ? 0 : previous.sent();
    long deliveredBefore = previous == null ? 0 : previous.received() + previous.late();
    Map<String, Long> errors = now.errorsSince(previous);
    return new SeriesPoint(
        Summary.round3((endMs - runStartMs) / 1000.0),
        Summary.round3(seconds),
        now.usersConnected(),
        now.usersTarget(),
        Summary.round3((now.sent() - sentBefore) / seconds),
        Summary.round3((now.received() + now.late() - deliveredBefore) / seconds),
        ttd.getTotalCount(),
        percentile(ttd, 50),
        percentile(ttd, 90),
        percentile(ttd, 99),
        percentile(ttd, 100),
        percentile(now.histogram(Timer.CONNECT), 50),
        percentile(now.histogram(Timer.CONNECT), 99),
        percentile(now.histogram(Timer.LAG), 99),
        runner.cpuCores(),
        runner.rssMib(),
        runner.threads(),
        errors);
  }

  /** A percentile in ms, {@code null} without samples; 100 is the maximum. */
  static Double percentile(Histogram nanos, double percentile) {
    if (nanos.getTotalCount() == 0) {
      return null;
    }
    return Summary.ms(
        percentile >= 100 ? nanos.getMaxValue() : nanos.getValueAtPercentile(percentile));
  }
}
