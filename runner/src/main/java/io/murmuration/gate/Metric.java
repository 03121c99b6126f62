package io.murmuration.gate;

import io.murmuration.metrics.Summary;
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
  TTD_P50("ttd.p50", "ms", true, 0.05),
  TTD_P99("ttd.p99", "ms", true, 0.10),
  THROUGHPUT("throughput", "msg/s", false, 0.05);

  /** The name in the table, in {@code compare.json} and in {@code --tolerance NAME=…}. */
  public final String key;

  public final String unit;

  /** True for times (lower is better), false for throughput (higher is better). */
  public final boolean lowerIsBetter;

  /** The relative change of head/base that still counts as "no change", e.g. 0.05 for 5 %. */
  public final double defaultTolerance;

  Metric(String key, String unit, boolean lowerIsBetter, double defaultTolerance) {
    this.key = key;
    this.unit = unit;
    this.lowerIsBetter = lowerIsBetter;
    this.defaultTolerance = defaultTolerance;
  }

  /** The value of this metric in one run; empty when the run has none (no TTD samples). */
  public OptionalDouble of(Summary s) {
    return switch (this) {
      case TTD_P50 -> s.metric("ttd.p50");
      case TTD_P99 -> s.metric("ttd.p99");
      case THROUGHPUT -> OptionalDouble.of(s.messagesPerS());
    };
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
