package io.murmuration.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.hipparchus.stat.descriptive.moment.Mean;
import org.hipparchus.stat.descriptive.moment.Variance;
import org.hipparchus.stat.inference.TTest;

/**
 * Change points of a metric's history (one value per run, oldest first): E-Divisive means with a
 * t-test as the significance check, as Hunter (DataStax) and Apache Otava do it.
 *
 * <p>Why this algorithm: it makes no assumption on the distribution (the split statistic is a
 * distance between the two samples, Matteson &amp; James 2014), finds several change points by
 * splitting recursively, and the t-test stops it cheaply and deterministically — unlike the
 * permutation test of the original E-Divisive, which needs random resamples. No maintained Java
 * library does E-Divisive; the t-test is Hipparchus' ({@link TTest}, Welch, two-sided).
 *
 * <p>The loop: segments are the stretches between the change points found so far (at first, the
 * whole series). In every segment long enough to split, the candidate is the index {@code τ} with
 * the largest {@link #q(double[], int, int, int) Q}; the candidate with the largest Q over all
 * segments is tested with a Welch t-test of its segment's part before {@code τ} against its part
 * from {@code τ} on. If {@code p < alpha} it becomes a change point and the loop goes on; otherwise
 * the loop stops. Each side of a split keeps at least {@code minSegment} values.
 *
 * <p>Cost: Q at every index of a segment of length m is O(m²) with running sums, so a series of n
 * values costs O(k·n²) for k change points — nothing for the hundreds of runs of a history.
 */
public final class ChangePoints {
  /** Hunter's default significance level: few false alarms over long histories. */
  public static final double DEFAULT_ALPHA = 0.001;

  /** The fewest values on each side of a change point (the t-test needs 2; 3 is steadier). */
  public static final int DEFAULT_MIN_SEGMENT = 3;

  /**
   * One change point.
   *
   * @param index the first value after the change
   * @param meanBefore mean from the previous change point (or the start) up to {@code index}
   * @param meanAfter mean from {@code index} up to the next change point (or the end)
   * @param relativeChange {@code meanAfter / meanBefore − 1}
   * @param pValue Welch t-test of those two stretches, two-sided
   */
  public record ChangePoint(
      int index, double meanBefore, double meanAfter, double relativeChange, double pValue) {}

  private final double alpha;
  private final int minSegment;

  public ChangePoints(double alpha, int minSegment) {
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be between 0 and 1, not " + alpha);
    }
    if (minSegment < 2) {
      throw new IllegalArgumentException("minSegment must be at least 2, not " + minSegment);
    }
    this.alpha = alpha;
    this.minSegment = minSegment;
  }

  public ChangePoints() {
    this(DEFAULT_ALPHA, DEFAULT_MIN_SEGMENT);
  }

  /**
   * The change points of {@code series}, by index. The means and p-value of each are over the
   * stretches between its neighbouring change points in the final result, as Hunter reports them.
   */
  public List<ChangePoint> find(double[] series) {
    TreeSet<Integer> bounds = new TreeSet<>(List.of(0, series.length));
    while (true) {
      int bestSplit = -1;
      double bestQ = Double.NEGATIVE_INFINITY;
      int bestFrom = 0;
      int bestTo = 0;
      Integer from = bounds.first();
      for (Integer to = bounds.higher(from); to != null; from = to, to = bounds.higher(to)) {
        Split s = bestSplit(series, from, to, minSegment);
        if (s != null && s.q() > bestQ) {
          bestQ = s.q();
          bestSplit = s.index();
          bestFrom = from;
          bestTo = to;
        }
      }
      if (bestSplit < 0 || pValue(series, bestFrom, bestSplit, bestTo) >= alpha) {
        break;
      }
      bounds.add(bestSplit);
    }
    List<Integer> b = new ArrayList<>(bounds);
    List<ChangePoint> points = new ArrayList<>();
    for (int i = 1; i + 1 < b.size(); i++) {
      int lo = b.get(i - 1);
      int at = b.get(i);
      int hi = b.get(i + 1);
      double before = mean(series, lo, at);
      double after = mean(series, at, hi);
      points.add(
          new ChangePoint(at, before, after, after / before - 1, pValue(series, lo, at, hi)));
    }
    return points;
  }

  /** The index in {@code (from, to)} with the largest Q, and that Q. */
  record Split(int index, double q) {}

  /**
   * The split of {@code series[from, to)} with the largest Q, each side at least {@code minSegment}
   * long; null when the stretch is too short. Q at every index in O(m²) for a stretch of m values:
   * moving the split one value to the right moves one value from the right part to the left, which
   * changes the three sums of distances by that value's distances to the others.
   */
  static Split bestSplit(double[] series, int from, int to, int minSegment) {
    int m = to - from;
    if (m < 2 * minSegment) {
      return null;
    }
    double left = 0; // sum of |x_i − x_j| over pairs within the left part
    double right = 0; // … within the right part
    double across = 0; // … with one value on each side
    for (int i = from; i < to; i++) {
      for (int j = i + 1; j < to; j++) {
        right += Math.abs(series[i] - series[j]);
      }
    }
    Split best = null;
    for (int tau = from + 1; tau <= to - minSegment; tau++) {
      int moved = tau - 1; // series[moved] goes from the right part to the left
      double toLeft = 0;
      double toRight = 0;
      for (int i = from; i < moved; i++) {
        toLeft += Math.abs(series[moved] - series[i]);
      }
      for (int j = moved + 1; j < to; j++) {
        toRight += Math.abs(series[moved] - series[j]);
      }
      left += toLeft;
      right -= toRight;
      across += toRight - toLeft;
      if (tau - from >= minSegment) {
        double q = q(left, right, across, tau - from, to - tau);
        if (best == null || q > best.q()) {
          best = new Split(tau, q);
        }
      }
    }
    return best;
  }

  /**
   * Q of Matteson &amp; James (2014) with exponent 1, for a left part of {@code n} values and a
   * right part of {@code k}: {@code n·k/(n+k) · (2/(n·k)·across − left/C(n,2) − right/C(k,2))}, the
   * divergence of the two parts' distributions weighted by their sizes.
   */
  static double q(double left, double right, double across, int n, int k) {
    double e = 2 * across / ((double) n * k) - left / pairs(n) - right / pairs(k);
    return (double) n * k / (n + k) * e;
  }

  /**
   * Q of splitting {@code series[from, to)} at {@code tau}, straight from the definition (used by
   * the tests as the reference).
   */
  static double q(double[] series, int from, int tau, int to) {
    double left = 0;
    double right = 0;
    double across = 0;
    for (int i = from; i < to; i++) {
      for (int j = i + 1; j < to; j++) {
        double d = Math.abs(series[i] - series[j]);
        if (j < tau) {
          left += d;
        } else if (i >= tau) {
          right += d;
        } else {
          across += d;
        }
      }
    }
    return q(left, right, across, tau - from, to - tau);
  }

  private static double pairs(int n) {
    return n * (n - 1) / 2.0;
  }

  /**
   * Welch t-test of {@code series[from, at)} against {@code series[at, to)}. Two constant parts
   * (variance 0, e.g. a counter that never moved) make the t statistic undefined: then the p-value
   * is 1 when they are equal and 0 when not.
   */
  static double pValue(double[] series, int from, int at, int to) {
    double[] a = java.util.Arrays.copyOfRange(series, from, at);
    double[] b = java.util.Arrays.copyOfRange(series, at, to);
    if (new Variance().evaluate(a) == 0 && new Variance().evaluate(b) == 0) {
      return a[0] == b[0] ? 1 : 0;
    }
    return new TTest().tTest(a, b);
  }

  private static double mean(double[] series, int from, int to) {
    return new Mean().evaluate(series, from, to - from);
  }
}
