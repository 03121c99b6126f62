package io.murmuration.gate;

import io.murmuration.results.RunMetric;
import io.murmuration.results.Summary;
import java.util.OptionalDouble;

/**
 * A number of one run that {@code murm compare} compares between two sets of runs, with the
 * direction that counts as better and the default tolerance.
 *
 * <p>The error rate is not in this list: a few errors per run are too rare and too discrete for a
 * ratio of medians to mean anything, so it is judged against an absolute bound instead (see {@link
 * Gate}).
 */
public enum Metric {
  TTD_P50(RunMetric.TTD_P50, true, 0.05),
  TTD_P99(RunMetric.TTD_P99, true, 0.10),
  MESSAGES_PER_S(RunMetric.MESSAGES_PER_S, false, 0.05);

  /**
   * The vocabulary's path: the name in the table, in {@code compare.json}, in {@code --tolerance
   * NAME=…} and in a repository's {@code gate.tolerance}.
   */
  public final String key;

  public final String unit;

  private final RunMetric metric;

  /** True for times (lower is better), false for messages per second (higher is better). */
  public final boolean lowerIsBetter;

  /** The relative change of head/base that still counts as "no change", e.g. 0.05 for 5 %. */
  public final double defaultTolerance;

  Metric(RunMetric metric, boolean lowerIsBetter, double defaultTolerance) {
    this.metric = metric;
    this.key = metric.path();
    this.unit = metric.unit();
    this.lowerIsBetter = lowerIsBetter;
    this.defaultTolerance = defaultTolerance;
  }

  /** The value of this metric in one run; empty when the run has none (no TTD samples). */
  public OptionalDouble of(Summary s) {
    return s.metric(metric.path());
  }

  /** The metric named {@code key}, or null. */
  public static Metric byKey(String key) {
    for (Metric m : values()) {
      if (m.key.equals(key)) {
        return m;
      }
    }
    return null;
  }

  /** Errors per timed message sent: {@code errors_total / max(sent, 1)}. */
  public static double errorRate(Summary s) {
    long sent = s.messages() == null ? 0 : s.messages().sent();
    return (double) s.errorsTotal() / Math.max(sent, 1);
  }
}
