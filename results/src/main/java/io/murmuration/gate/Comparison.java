package io.murmuration.gate;

import java.util.Locale;
import org.hipparchus.distribution.discrete.BinomialDistribution;
import org.hipparchus.stat.inference.MannWhitneyUTest;

/**
 * One metric compared between base and head runs: the change head/base, its bootstrap interval, the
 * p-value and the verdict with its reason.
 *
 * <p><b>Paired or not.</b> Base and head run in rounds, one run of each per round, so run i of base
 * and run i of head shared the machine's state of that moment: its temperature, its other load, the
 * server's data. When they are judged as pairs, the per-round ratio head/base cancels what changes
 * from round to round, and only what differs within a round is left as noise. Paired, the change is
 * the median of the per-round ratios, its interval a bootstrap over rounds, and the test the sign
 * test: in how many rounds head was worse than base, against a fair coin; unpaired (arms of unequal
 * size, or {@link Settings#paired()} false), the change is median(head) / median(base), its
 * interval a bootstrap of each arm, and the test Mann–Whitney's U.
 *
 * <p>The verdict asks two questions. Is the change beyond the tolerance? The whole interval must
 * lie beyond it on the worse side — a point estimate alone would turn noise into failures. Is the
 * difference real? The rank test (no assumption of normality; run-level metrics of load tests are
 * skewed) must reject "no difference" at {@code alpha}. Failure needs both; success needs only the
 * interval within the tolerance or on the better side, since "no regression" is what the interval
 * shows; anything else is neutral with a reason.
 *
 * <p><b>Why the sign test.</b> A round's ratio is usually within a few per cent of the others, but
 * now and then one run of a round is disturbed by the machine and its ratio is off by 20–40 %
 * (docs/gate.md, "Which paired test"). Wilcoxon's signed-rank test gives such a round the largest
 * rank, so one disturbed round out of ten could hide a 13 % regression that the other nine showed
 * (p 0.06–0.08, seen in 2 of 10 measured gates). The sign test counts a disturbed round as one
 * round: it needs 9 rounds of 10 on the worse side, whatever the tenth did. Resampling the measured
 * A/A ratios, it caught as many or more regressions than the signed-rank test at every size tried,
 * and rejected "no difference" in 4.5 % of A/A gates against the signed-rank test's 7 %.
 *
 * @param paired true when run i of each arm were judged as a pair
 * @param estimate paired: the median of head[i] / base[i]; else median(head) / median(base)
 * @param pValue two-sided p-value of the sign test (paired) or of the Mann–Whitney U test (see
 *     {@link #of})
 */
public record Comparison(
    Metric metric,
    double tolerance,
    double[] base,
    double[] head,
    boolean paired,
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
   * The fewest pairs with which a paired comparison can fail at alpha 0.05: the smallest two-sided
   * p of the sign test with n pairs is 2 / 2^n, 0.0625 for 5 and 0.031 for 6.
   */
  public static final int MIN_PAIRS_TO_FAIL = 6;

  /**
   * Compares one metric, as pairs when {@code paired} (then both arms have as many runs, run i of
   * each from round i). The paired p-value is {@link #signP}'s. The unpaired one is {@link
   * MannWhitneyUTest#mannWhitneyUTest(double[], double[])}: exact when both arms together have at
   * most 50 runs and no tied values, else the normal approximation with continuity correction and
   * the tie-corrected variance.
   */
  public static Comparison of(
      Metric metric,
      double tolerance,
      double[] base,
      double[] head,
      boolean paired,
      Settings settings) {
    if (paired && base.length != head.length) {
      throw new IllegalArgumentException(
          "pairs need as many base runs as head runs, not " + base.length + " and " + head.length);
    }
    double baseMedian = Bootstrap.median(base);
    double headMedian = Bootstrap.median(head);
    double estimate;
    Bootstrap.Interval interval;
    double p;
    // A ratio needs positive values; a run with 0 of something is judged with the arms' medians.
    boolean pairs = paired && base.length > 0 && allPositive(base) && allPositive(head);
    if (pairs) {
      estimate = Math.exp(Bootstrap.median(Bootstrap.logRatios(base, head)));
      interval =
          Bootstrap.pairedRatio(
              base, head, settings.resamples(), settings.confidence(), settings.seed());
      p = signP(base, head);
    } else {
      estimate = headMedian / baseMedian;
      interval =
          Bootstrap.ratioOfMedians(
              base, head, settings.resamples(), settings.confidence(), settings.seed());
      p = new MannWhitneyUTest().mannWhitneyUTest(base, head);
    }
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
        pairs,
        baseMedian,
        headMedian,
        estimate,
        interval,
        p,
        verdict,
        reason);
  }

  /**
   * The sign test's two-sided p for pairs: of the n rounds where head and base differ, k had head
   * above base; p = 2 P(X ≤ min(k, n − k)) for X binomial(n, 1/2), at most 1 (exact). Tied rounds
   * say nothing either way and are left out; when every round is tied, p is 1. (Hipparchus'
   * BinomialTest is not used: its two-sided p leaves out the observed count when k = n/2, 0.625
   * instead of 1 for 2 of 4.)
   */
  static double signP(double[] base, double[] head) {
    int above = 0;
    int differ = 0;
    for (int i = 0; i < base.length; i++) {
      above += head[i] > base[i] ? 1 : 0;
      differ += head[i] != base[i] ? 1 : 0;
    }
    if (differ == 0) {
      return 1;
    }
    int fewer = Math.min(above, differ - above);
    return Math.min(1, 2 * new BinomialDistribution(differ, 0.5).cumulativeProbability(fewer));
  }

  private static boolean allPositive(double[] values) {
    for (double v : values) {
      if (!(v > 0) || !Double.isFinite(v)) {
        return false;
      }
    }
    return true;
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
