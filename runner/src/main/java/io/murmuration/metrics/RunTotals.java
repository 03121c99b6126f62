package io.murmuration.metrics;

import io.murmuration.metrics.Metrics.Snapshot;
import io.murmuration.metrics.Metrics.Timer;
import io.murmuration.results.Summary;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;

/**
 * The timers of a run (or of one wire's users) summed over its intervals, and its latest snapshot.
 * TTD, lag and the scenario's timers leave out the intervals that began before the warm-up ended;
 * connects and logins happen once per user, mostly at the start, and all count.
 *
 * <p>Not thread-safe: the reporter's sampling thread adds, and reads once it has stopped.
 */
final class RunTotals {
  private static final Set<Timer> WARMS_UP = EnumSet.of(Timer.TTD, Timer.LAG);

  private final Histogram[] timers = new Histogram[Timer.values().length];
  private final Map<String, Histogram> scenario = new LinkedHashMap<>();
  private Snapshot last;

  RunTotals() {
    for (Timer t : Timer.values()) {
      timers[t.ordinal()] = new Histogram(Metrics.HIGHEST_NANOS, 3);
    }
  }

  /** Adds one interval; {@code warm}: it began after the warm-up. */
  void add(Snapshot interval, boolean warm) {
    for (Timer t : Timer.values()) {
      if (warm || !WARMS_UP.contains(t)) {
        timers[t.ordinal()].add(interval.histogram(t));
      }
    }
    interval
        .scenario()
        .timers()
        .forEach(
            (name, h) -> {
              Histogram total =
                  scenario.computeIfAbsent(name, n -> new Histogram(Metrics.HIGHEST_NANOS, 3));
              if (warm) {
                total.add(h);
              }
            });
    last = interval;
  }

  Histogram timer(Timer t) {
    return timers[t.ordinal()];
  }

  /** The scenario's timers, by name, in declaration order. */
  Map<String, Histogram> scenario() {
    return scenario;
  }

  /** The latest snapshot added, or null before the first. */
  Snapshot last() {
    return last;
  }

  /** The scenario's timers as whole-run timings, by name. */
  Map<String, Summary.Timing> scenarioTimings() {
    Map<String, Summary.Timing> all = new LinkedHashMap<>();
    scenario.forEach((name, h) -> all.put(name, Summary.Timing.of(h)));
    return all;
  }

  /** What one wire's users measured. */
  Summary.WireResult wireResult() {
    return new Summary.WireResult(
        last == null ? 0 : last.usersPeak(),
        Summary.Timing.of(timer(Timer.CONNECT)),
        Summary.Timing.of(timer(Timer.LOGIN)),
        Summary.Timing.of(timer(Timer.TTD)),
        scenarioTimings());
  }
}
