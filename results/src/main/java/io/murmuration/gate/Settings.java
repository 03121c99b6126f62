package io.murmuration.gate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How {@link Gate} judges: tolerances per metric, significance, bootstrap size and seed, and the
 * bounds beyond which it refuses to judge at all.
 *
 * @param tolerances relative tolerance per metric (0.05 = 5 %); metrics not named use their
 *     default; a scenario timer named here is compared too
 * @param alpha significance level of the test (the sign test when paired, else Mann–Whitney)
 * @param confidence level of the bootstrap interval (0.95)
 * @param resamples bootstrap resamples
 * @param seed seed of the bootstrap's random numbers
 * @param maxLagMs a run whose runner scheduling lag p99 is above this was limited by the runner
 * @param maxErrorRate a run with more errors per message sent than this is not a fair measure
 * @param paired judge run i of base with run i of head as a pair (the same round) when both arms
 *     have as many runs; false judges the arms as two independent samples
 */
public record Settings(
    Map<Metric, Double> tolerances,
    double alpha,
    double confidence,
    int resamples,
    long seed,
    double maxLagMs,
    double maxErrorRate,
    boolean paired) {

  public Settings {
    Map<Metric, Double> all = new LinkedHashMap<>();
    for (Metric m : Metric.values()) {
      all.put(m, m.defaultTolerance);
    }
    all.putAll(tolerances);
    tolerances = Collections.unmodifiableMap(all);
  }

  /** The metrics compared: {@link Metric#values()}, then the scenario timers a tolerance names. */
  public List<Metric> metrics() {
    return List.copyOf(tolerances.keySet());
  }

  public static Settings defaults() {
    return new Settings(Map.of(), 0.05, 0.95, 10_000, 1, 10, 0.001, true);
  }

  public double tolerance(Metric m) {
    return tolerances.get(m);
  }

  /**
   * A tolerance as written by users: {@code 10%} or {@code 0.1}.
   *
   * @throws IllegalArgumentException unless it is above 0 and below 100 %
   */
  public static double parseTolerance(String text) {
    String t = text.strip();
    try {
      double v =
          t.endsWith("%")
              ? Double.parseDouble(t.substring(0, t.length() - 1).strip()) / 100
              : Double.parseDouble(t);
      if (v > 0 && v < 1) {
        return v;
      }
    } catch (NumberFormatException e) {
      // the message below says what is expected
    }
    throw new IllegalArgumentException("expected a percentage above 0 and below 100, e.g. 10%");
  }
}
