package io.murmuration.influx;

import io.murmuration.metrics.Metrics;
import io.murmuration.metrics.Metrics.Snapshot;
import io.murmuration.metrics.Metrics.Timer;
import io.murmuration.metrics.SeriesPoint;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Several of the reporter's sampling intervals merged into one InfluxDB {@code interval} point:
 * histograms added, counters taken as the difference of the run totals at both ends, runner CPU
 * averaged over the time, users and memory as at the end.
 *
 * <p>Not thread-safe: fed by the reporter thread.
 */
final class IntervalWindow {
  private final Histogram[] histograms = new Histogram[Timer.values().length];
  private final Map<String, Histogram> scenarioTimers = new LinkedHashMap<>();
  private final Snapshot before;
  private Snapshot last;
  private SeriesPoint lastPoint;
  private int intervals;
  private double seconds;
  private double cpuCoreSeconds;
  private boolean cpuKnown = true;

  /** A window starting after {@code before} (null: the run's start). */
  IntervalWindow(Snapshot before) {
    this.before = before;
    for (Timer timer : Timer.values()) {
      histograms[timer.ordinal()] = new Histogram(Metrics.HIGHEST_NANOS, 3);
    }
  }

  void add(SeriesPoint point, Snapshot snapshot) {
    for (Timer timer : Timer.values()) {
      histograms[timer.ordinal()].add(snapshot.histogram(timer));
    }
    snapshot
        .scenario()
        .timers()
        .forEach(
            (name, h) ->
                scenarioTimers
                    .computeIfAbsent(name, n -> new Histogram(Metrics.HIGHEST_NANOS, 3))
                    .add(h));
    seconds += point.intervalS();
    if (point.cpuCores() == null) {
      cpuKnown = false;
    } else {
      cpuCoreSeconds += point.cpuCores() * point.intervalS();
    }
    last = snapshot;
    lastPoint = point;
    intervals++;
  }

  int intervals() {
    return intervals;
  }

  /** The snapshot at the end of this window: the start of the next. */
  Snapshot last() {
    return last;
  }

  long endMs() {
    return last.histogram(Timer.TTD).getEndTimeStamp();
  }

  double seconds() {
    return Math.max(seconds, 0.001);
  }

  Histogram histogram(Timer timer) {
    return histograms[timer.ordinal()];
  }

  int users() {
    return last.usersConnected();
  }

  int usersTarget() {
    return last.usersTarget();
  }

  long sent() {
    return last.sent() - (before == null ? 0 : before.sent());
  }

  long late() {
    return last.late() - (before == null ? 0 : before.late());
  }

  long delivered() {
    long received = last.received() - (before == null ? 0 : before.received());
    return received + late();
  }

  /** The scenario's timers over the window, by name, in declaration order. */
  Map<String, Histogram> scenarioTimers() {
    return scenarioTimers;
  }

  /** The scenario's counters: what each added in the window, by name. */
  Map<String, Long> scenarioCounts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    last.scenario()
        .counters()
        .forEach(
            (name, total) ->
                counts.put(
                    name,
                    total
                        - (before == null
                            ? 0
                            : before.scenario().counters().getOrDefault(name, 0L))));
    return counts;
  }

  /** Errors in the window by kind, kinds without errors left out. */
  Map<String, Long> errors() {
    return last.errorsSince(before);
  }

  long errorTotal() {
    return errors().values().stream().mapToLong(Long::longValue).sum();
  }

  Double cpuCores() {
    return cpuKnown && seconds > 0 ? cpuCoreSeconds / seconds : null;
  }

  Double rssMib() {
    return lastPoint.rssMib();
  }

  int threads() {
    return lastPoint.threads();
  }
}
