package io.murmuration.gate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * Change points of a metric's history (one value per run, oldest first): E-Divisive means with the
 * permutation test of Matteson &amp; James (2014) as the significance check.
 *
 * <p>Why this algorithm: it makes no assumption on the distribution (the split statistic Q is a
 * distance between the two samples), finds several change points by splitting recursively, and the
 * permutation test judges the split for what it is — the best of all splits of its stretch, chosen
 * after looking at the data. A t-test of that split (Hunter's and Apache Otava's check) ignores the
 * choice, so its p-value is too small: it put a change point into 5.3 % of series of pure noise at
 * alpha 0.001. No maintained Java library does E-Divisive.
 *
 * <p>The loop: segments are the stretches between the change points found so far (at first, the
 * whole series). In every segment long enough to split, the candidate is the index {@code τ} with
 * the largest {@link #q(double[], int, int, int) Q}; the candidate with the largest Q over all
 * segments is tested: its segment's values are shuffled {@code permutations} times (by a {@link
 * Random} seeded with {@code seed} and the segment's bounds, so a series always gives the same
 * answer), and {@code p = (1 + #{shuffles whose largest Q ≥ the candidate's}) / (permutations +
 * 1)}. If {@code p < alpha} it becomes a change point and the loop goes on; otherwise the loop
 * stops. Each side of a split keeps at least {@code minSegment} values.
 *
 * <p>Cost: Q at every index of a segment of length m is O(m²) with running sums, so a test costs
 * O(permutations · m²). The shuffles stop as soon as p cannot fall below alpha any more, which on a
 * segment without a change is after a few dozen; a change point costs all of them, and one more
 * round for its reported p-value. 500 runs with a few steps take well under a second
 * (docs/gate.md).
 */
public final class ChangePoints {
  /**
   * The significance level: with {@link #DEFAULT_PERMUTATIONS} a split must beat all but 3 of the
   * shuffles, which a series without a change does in 0.4 % of cases (4 in 1,000).
   */
  public static final double DEFAULT_ALPHA = 0.005;

  /** Shuffles per test: p-values in steps of 0.001, the smallest 0.001. */
  public static final int DEFAULT_PERMUTATIONS = 999;

  /** The fewest values on each side of a change point: a step is found 3 runs after it. */
  public static final int DEFAULT_MIN_SEGMENT = 3;

  /** The seed of the shuffles. */
  public static final long DEFAULT_SEED = 1;

  /**
   * One change point.
   *
   * @param index the first value after the change
   * @param meanBefore mean from the previous change point (or the start) up to {@code index}
   * @param meanAfter mean from {@code index} up to the next change point (or the end)
   * @param relativeChange {@code meanAfter / meanBefore − 1}
   * @param pValue the permutation p-value of this split within its neighbouring segments: the share
   *     of shuffles of the values from the previous change point (or the start) to the next (or the
   *     end) having a split with a Q at least as large as this one's, counting the unshuffled
   *     values as one; never below {@code 1 / (permutations + 1)}. It is the p-value the change
   *     point was accepted with unless a later change point narrowed those stretches, which can
   *     raise it, even to alpha or above
   */
  public record ChangePoint(
      int index, double meanBefore, double meanAfter, double relativeChange, double pValue) {}

  private final double alpha;
  private final int minSegment;
  private final int permutations;
  private final long seed;

  /**
   * @throws IllegalArgumentException when alpha is not in (0, 1), {@code minSegment} is below 2, or
   *     {@code permutations} too few for a p-value below alpha; the message starts with the name of
   *     the option at fault ({@code alpha}, {@code min-segment}, {@code permutations})
   */
  public ChangePoints(double alpha, int minSegment, int permutations, long seed) {
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be between 0 and 1, not " + alpha);
    }
    if (minSegment < 2) {
      throw new IllegalArgumentException("min-segment must be at least 2, not " + minSegment);
    }
    if (permutations < 1 || 1.0 / (permutations + 1) >= alpha) { // the smallest p-value
      int fewest = Math.max(1, (int) (1 / alpha) - 1);
      while (1.0 / (fewest + 1) >= alpha) {
        fewest++;
      }
      throw new IllegalArgumentException(
          "permutations "
              + permutations
              + " can never give a p-value below alpha "
              + alpha
              + ": use at least "
              + fewest);
    }
    this.alpha = alpha;
    this.minSegment = minSegment;
    this.permutations = permutations;
    this.seed = seed;
  }

  public ChangePoints() {
    this(DEFAULT_ALPHA, DEFAULT_MIN_SEGMENT, DEFAULT_PERMUTATIONS, DEFAULT_SEED);
  }

  /**
   * The change points of {@code series}, by index. The means and p-value of each are over the
   * stretches between its neighbouring change points in the final result, as Hunter reports them.
   */
  public List<ChangePoint> find(double[] series) {
    TreeSet<Integer> bounds = new TreeSet<>(List.of(0, series.length));
    while (true) {
      Split best = null;
      int bestFrom = 0;
      int bestTo = 0;
      Integer from = bounds.first();
      for (Integer to = bounds.higher(from); to != null; from = to, to = bounds.higher(to)) {
        Split s = bestSplit(series, from, to, minSegment);
        if (s != null && (best == null || s.q() > best.q())) {
          best = s;
          bestFrom = from;
          bestTo = to;
        }
      }
      if (best == null || pValue(series, bestFrom, bestTo, best.q(), true) >= alpha) {
        break;
      }
      bounds.add(best.index());
    }
    List<Integer> b = new ArrayList<>(bounds);
    List<ChangePoint> points = new ArrayList<>();
    for (int i = 1; i + 1 < b.size(); i++) {
      int lo = b.get(i - 1);
      int at = b.get(i);
      int hi = b.get(i + 1);
      double before = mean(series, lo, at);
      double after = mean(series, at, hi);
      double p = pValue(series, lo, hi, q(series, lo, at, hi), false);
      points.add(new ChangePoint(at, before, after, after / before - 1, p));
    }
    return points;
  }

  /**
   * The permutation p-value of a split of {@code series[from, to)} whose Q is {@code observed}:
   * {@code (1 + #{shuffles of the stretch whose largest Q is at least observed}) / (permutations +
   * 1)}, "at least" up to rounding (ties of values make equal Q likely). The shuffles come from a
   * {@link Random} seeded with the seed and the stretch, so a stretch always gets the same ones:
   * the p-value of a change point whose neighbours are the stretch it was found in is the one it
   * was accepted with. With {@code stopEarly}, the shuffles stop once p cannot fall below alpha any
   * more, and p is then a lower bound at or above alpha.
   */
  double pValue(double[] series, int from, int to, double observed, boolean stopEarly) {
    Random random = new Random((31 * seed + from) * 31 + to);
    double[] x = Arrays.copyOfRange(series, from, to);
    double[] d = distances(x);
    double total = pairSum(d);
    double atLeast = observed - 1e-9 * Math.abs(observed);
    int reached = 0;
    for (int r = 0; r < permutations; r++) {
      shuffle(x, d, random);
      if (bestSplit(x, d, total, minSegment).q() >= atLeast) {
        reached++;
        if (stopEarly && (1.0 + reached) / (permutations + 1) >= alpha) {
          break;
        }
      }
    }
    return (1.0 + reached) / (permutations + 1);
  }

  /** The index in {@code (from, to)} with the largest Q, and that Q. */
  record Split(int index, double q) {}

  /**
   * The split of {@code series[from, to)} with the largest Q, each side at least {@code minSegment}
   * long (the first of equal ones); null when the stretch is too short.
   */
  static Split bestSplit(double[] series, int from, int to, int minSegment) {
    if (to - from < 2 * minSegment) {
      return null;
    }
    double[] x = Arrays.copyOfRange(series, from, to);
    double[] d = distances(x);
    Split s = bestSplit(x, d, pairSum(d), minSegment);
    return new Split(from + s.index(), s.q());
  }

  /**
   * The best split of {@code x} (at least {@code 2 · minSegment} values), given each value's sum of
   * distances to all the others {@code d} and the sum over all pairs {@code total}. Q at every
   * index in O(m²) for m values: moving the split one value to the right moves one value from the
   * right part to the left, which changes the three sums of distances by that value's distances to
   * the others — to those on its left, summed here, and to those on its right, which are {@code d}
   * minus those. {@code d} and {@code total} do not change when {@code x} is shuffled along with
   * {@code d}.
   */
  private static Split bestSplit(double[] x, double[] d, double total, int minSegment) {
    int m = x.length;
    double left = 0; // sum of |x_i − x_j| over pairs within the left part
    double right = total; // … within the right part
    double across = 0; // … with one value on each side
    int bestIndex = -1;
    double bestQ = Double.NEGATIVE_INFINITY;
    for (int tau = 1; tau <= m - minSegment; tau++) {
      int moved = tau - 1; // x[moved] goes from the right part to the left
      double toLeft = 0;
      for (int i = 0; i < moved; i++) {
        toLeft += Math.abs(x[moved] - x[i]);
      }
      double toRight = d[moved] - toLeft;
      left += toLeft;
      right -= toRight;
      across += toRight - toLeft;
      if (tau >= minSegment) {
        double q = q(left, right, across, tau, m - tau);
        if (q > bestQ) {
          bestQ = q;
          bestIndex = tau;
        }
      }
    }
    return new Split(bestIndex, bestQ);
  }

  /** Each value's sum of distances to all the others. */
  private static double[] distances(double[] x) {
    double[] d = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      for (int j = i + 1; j < x.length; j++) {
        double dist = Math.abs(x[i] - x[j]);
        d[i] += dist;
        d[j] += dist;
      }
    }
    return d;
  }

  /** The sum of distances over all pairs, from each value's sum of distances to the others. */
  private static double pairSum(double[] d) {
    double sum = 0;
    for (double v : d) {
      sum += v;
    }
    return sum / 2;
  }

  /** Fisher–Yates, the same swaps in {@code x} and {@code d}. */
  private static void shuffle(double[] x, double[] d, Random random) {
    for (int i = x.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      double t = x[i];
      x[i] = x[j];
      x[j] = t;
      t = d[i];
      d[i] = d[j];
      d[j] = t;
    }
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
   * Q of splitting {@code series[from, to)} at {@code tau}, straight from the definition (the
   * tests' reference, and the Q of a change point within its neighbouring segments).
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

  private static double mean(double[] series, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += series[i];
    }
    return sum / (to - from);
  }
}
