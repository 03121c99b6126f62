package io.murmuration.gate;

import java.util.Arrays;
import java.util.Random;

/**
 * Percentile bootstrap confidence interval of median(head) / median(base).
 *
 * <p>Written here because neither Hipparchus nor another maintained Java library offers a
 * two-sample bootstrap of a ratio of medians. Each resample draws, with replacement and
 * independently, as many runs from each arm as it has; the interval's ends are quantiles of the
 * resampled ratios. A quantile is the inverse of the empirical distribution function: the smallest
 * ratio r with at least a share q of ratios at or below r. {@code BootstrapTest} checks this
 * against the exact distribution, enumerated over every possible resample.
 *
 * <p>A {@link Random} with a given seed makes the interval reproducible: the same runs, resamples
 * and seed give the same interval.
 */
public final class Bootstrap {
  private Bootstrap() {}

  /** Low and high end of a confidence interval. */
  public record Interval(double low, double high) {}

  /**
   * The interval of median(head)/median(base) at confidence {@code level} (e.g. 0.95) from {@code
   * resamples} resamples.
   */
  public static Interval ratioOfMedians(
      double[] base, double[] head, int resamples, double level, long seed) {
    if (base.length == 0 || head.length == 0 || resamples < 1) {
      throw new IllegalArgumentException("need runs in both arms and at least one resample");
    }
    Random random = new Random(seed);
    double[] ratios = new double[resamples];
    double[] b = new double[base.length];
    double[] h = new double[head.length];
    for (int i = 0; i < resamples; i++) {
      for (int j = 0; j < b.length; j++) {
        b[j] = base[random.nextInt(base.length)];
      }
      for (int j = 0; j < h.length; j++) {
        h[j] = head[random.nextInt(head.length)];
      }
      ratios[i] = median(h) / median(b);
    }
    Arrays.sort(ratios);
    double tail = (1 - level) / 2;
    return new Interval(quantile(ratios, tail), quantile(ratios, 1 - tail));
  }

  /** The q-quantile of sorted values: the smallest value with at least a share q at or below it. */
  static double quantile(double[] sorted, double q) {
    int index = (int) Math.ceil(q * sorted.length - 1e-9) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  /** The median; the mean of the two middle values for an even count. Sorts a copy. */
  public static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
