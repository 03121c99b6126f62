package io.murmuration.gate;

import io.murmuration.results.RunMetric;
import io.murmuration.results.Summary;
import java.util.List;
import java.util.OptionalDouble;

/**
 * A number of one run that {@code murm compare} and the gate compare between two sets of runs, with
 * the direction that counts as better and the default tolerance.
 *
 * <p>Three are always compared ({@link #values()}): TTD p50 and p99 and delivered messages per
 * second. A scenario's own timers are compared when a tolerance names them ({@code --tolerance
 * timers.muc_join.p99=10%}, a repository's {@code gate.tolerance}): any statistic of {@code
 * timers.<name>} but {@code count}, lower is better. Counters are not: a total depends on the run's
 * length and its direction on its meaning, so they are checked with {@code --assert}.
 *
 * <p>The error rate is not in this list: a few errors per run are too rare and too discrete for a
 * ratio of medians to mean anything, so it is judged against an absolute bound instead (see {@link
 * Gate}).
 */
public final class Metric {
  public static final Metric TTD_P50 = new Metric(RunMetric.TTD_P50, true, 0.05);
  public static final Metric TTD_P99 = new Metric(RunMetric.TTD_P99, true, 0.10);
  public static final Metric MESSAGES_PER_S = new Metric(RunMetric.MESSAGES_PER_S, false, 0.05);

  /** A scenario timer's tolerance when none is given: the same as TTD p99's. */
  static final double SCENARIO_TIMER_TOLERANCE = 0.10;

  private static final List<Metric> ALWAYS = List.of(TTD_P50, TTD_P99, MESSAGES_PER_S);

  /**
   * The vocabulary's path: the name in the table, in {@code compare.json}, in {@code --tolerance
   * NAME=…} and in a repository's {@code gate.tolerance}.
   */
  public final String key;

  public final String unit;

  /** True for times (lower is better), false for messages per second (higher is better). */
  public final boolean lowerIsBetter;

  /** The relative change of head/base that still counts as "no change", e.g. 0.05 for 5 %. */
  public final double defaultTolerance;

  private Metric(RunMetric metric, boolean lowerIsBetter, double defaultTolerance) {
    this(metric.path(), metric.unit(), lowerIsBetter, defaultTolerance);
  }

  private Metric(String key, String unit, boolean lowerIsBetter, double defaultTolerance) {
    this.key = key;
    this.unit = unit;
    this.lowerIsBetter = lowerIsBetter;
    this.defaultTolerance = defaultTolerance;
  }

  /** The metrics compared in every comparison, in table order. */
  public static List<Metric> values() {
    return ALWAYS;
  }

  /** The value of this metric in one run; empty when the run has none (no TTD samples). */
  public OptionalDouble of(Summary s) {
    return s.metric(key);
  }

  /**
   * The metric named {@code key}: one of {@link #values()}, or a statistic of a scenario timer
   * ({@code timers.<name>.p99}); null for anything else.
   */
  public static Metric byKey(String key) {
    for (Metric m : ALWAYS) {
      if (m.key.equals(key)) {
        return m;
      }
    }
    int stat = key.lastIndexOf('.');
    if (key.startsWith(Summary.TIMERS)
        && stat > Summary.TIMERS.length()
        && Summary.isMetricPath(key)
        && !key.endsWith(".count")) {
      return new Metric(key, "ms", true, SCENARIO_TIMER_TOLERANCE);
    }
    return null;
  }

  /** The names {@link #byKey} knows, for an error message. */
  public static String known() {
    return String.join(", ", ALWAYS.stream().map(m -> m.key).toList())
        + " or a scenario timer's timers.<name>.p50|p90|p99|p99_9|mean|max";
  }

  /** Errors per timed message sent: {@code errors_total / max(sent, 1)}. */
  public static double errorRate(Summary s) {
    long sent = s.messages() == null ? 0 : s.messages().sent();
    return (double) s.errorsTotal() / Math.max(sent, 1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Metric m && m.key.equals(key);
  }

  @Override
  public int hashCode() {
    return key.hashCode();
  }

  @Override
  public String toString() {
    return key;
  }
}
