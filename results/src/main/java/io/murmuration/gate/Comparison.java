package io.murmuration.gate;

import java.util.Locale;
import org.hipparchus.stat.inference.MannWhitneyUTest;

/**
 * One metric compared between base and head runs: the ratio of medians head/base, its bootstrap
 * interval, the Mann–Whitney p-value and the verdict with its reason.
 *
 * <p>The verdict asks two questions. Is the change beyond the tolerance? The whole interval must
 * lie beyond it on the worse side — a point estimate alone would turn noise into failures. Is the
 * difference real? The Mann–Whitney U test (no assumption of normality; run-level metrics of load
 * tests are skewed) must reject "same distribution" at {@code alpha}. Failure needs both; success
 * needs only the interval within the tolerance or on the better side, since "no regression" is what
 * the interval shows; anything else is neutral with a reason.
 *
 * @param estimate median(head) / median(base)
 * @param pValue two-sided Mann–Whitney p-value (see {@link #of})
 */
public record Comparison(
    Metric metric,
    double tolerance,
    double[] base,
    double[] head,
    double baseMedian,
    double headMedian,
    double estimate,
    Bootstrap.Interval interval,
    double pValue,
    Verdict verdict,
    String reason) {

  /** Fewer runs per arm than this are never judged: the interval of two runs is just noise. */
  public static final int MIN_RUNS = 3;

  /**
   * Compares one metric. The p-value is Hipparchus' {@link MannWhitneyUTest#mannWhitneyUTest(
   * double[], double[])}: exact when both arms together have at most 50 runs and no tied values,
   * else the normal approximation with continuity correction and the tie-corrected variance.
   */
  public static Comparison of(
      Metric metric, double tolerance, double[] base, double[] head, Settings settings) {
    double baseMedian = Bootstrap.median(base);
    double headMedian = Bootstrap.median(head);
    double estimate = headMedian / baseMedian;
    Bootstrap.Interval interval =
        Bootstrap.ratioOfMedians(
            base, head, settings.resamples(), settings.confidence(), settings.seed());
    double p = new MannWhitneyUTest().mannWhitneyUTest(base, head);
    // Distance on the worse side: for times a ratio above 1, for throughput below 1.
    double worseLow = metric.lowerIsBetter ? interval.low() : 1 / interval.high();
    double worseHigh = metric.lowerIsBetter ? interval.high() : 1 / interval.low();
    boolean beyond =
        metric.lowerIsBetter ? interval.low() > 1 + tolerance : interval.high() < 1 - tolerance;
    boolean within =
        metric.lowerIsBetter ? interval.high() <= 1 + tolerance : interval.low() >= 1 - tolerance;
    String range =
        String.format(Locale.ROOT, "interval %.3f–%.3f", interval.low(), interval.high());
    String tol = String.format(Locale.ROOT, "the %s %% tolerance", percent(tolerance));
    int runs = Math.min(base.length, head.length);
    Verdict verdict;
    String reason;
    if (runs < MIN_RUNS) {
      verdict = Verdict.NEUTRAL;
      reason =
          String.format(
              "fewer than %d runs in an arm (base %d, head %d): add rounds",
              MIN_RUNS, base.length, head.length);
    } else if (!Double.isFinite(worseLow) || !Double.isFinite(worseHigh)) {
      verdict = Verdict.NEUTRAL;
      reason = "a median of base is 0: no ratio";
    } else if (beyond && p < settings.alpha()) {
      verdict = Verdict.FAILURE;
      reason =
          String.format(
              Locale.ROOT,
              "%s is worse beyond %s, p = %s < %s",
              range,
              tol,
              pText(p),
              settings.alpha());
    } else if (beyond) {
      verdict = Verdict.NEUTRAL;
      reason =
          String.format(
              Locale.ROOT,
              "%s is worse beyond %s but p = %s ≥ %s; %d runs per arm: add rounds",
              range,
              tol,
              pText(p),
              settings.alpha(),
              runs);
    } else if (within) {
      verdict = Verdict.SUCCESS;
      reason = range + " is within " + tol + " or better";
    } else {
      verdict = Verdict.NEUTRAL;
      reason = String.format("%s straddles %s; %d runs per arm: add rounds", range, tol, runs);
    }
    return new Comparison(
        metric,
        tolerance,
        base,
        head,
        baseMedian,
        headMedian,
        estimate,
        interval,
        p,
        verdict,
        reason);
  }

  /** 0.05 → "5", 0.125 → "12.5". */
  static String percent(double fraction) {
    return new java.math.BigDecimal(Double.toString(fraction * 100))
        .stripTrailingZeros()
        .toPlainString();
  }

  static String pText(double p) {
    return p < 0.001 ? "<0.001" : String.format(Locale.ROOT, "%.3f", p);
  }
}
