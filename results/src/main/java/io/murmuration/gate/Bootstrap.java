package io.murmuration.gate;

import java.util.Arrays;
import java.util.Random;

/**
 * Percentile bootstrap confidence intervals of head/base: of the median of per-round ratios when
 * the runs are paired by round ({@link #pairedRatio}), of median(head) / median(base) when they are
 * not ({@link #ratioOfMedians}).
 *
 * <p>Written here because neither Hipparchus nor another maintained Java library offers a bootstrap
 * of a ratio of medians. An unpaired resample draws, with replacement and independently, as many
 * runs from each arm as it has; a paired resample draws rounds, keeping each round's two runs
 * together. The interval's ends are quantiles of the resampled ratios. A quantile is the inverse of
 * the empirical distribution function: the smallest ratio r with at least a share q of ratios at or
 * below r. {@code BootstrapTest} checks this against the exact distribution, enumerated over every
 * possible resample.
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

  /**
   * The interval of the median per-round ratio {@code head[i] / base[i]} at confidence {@code
   * level} from {@code resamples} resamples of the rounds. The ratios' logarithms are resampled, so
   * that a round twice as slow and one twice as fast weigh alike, and the median of an even count
   * is a geometric mean of the middle two.
   */
  public static Interval pairedRatio(
      double[] base, double[] head, int resamples, double level, long seed) {
    if (base.length == 0 || base.length != head.length || resamples < 1) {
      throw new IllegalArgumentException("need as many runs in each arm and at least one resample");
    }
    double[] logs = logRatios(base, head);
    Random random = new Random(seed);
    double[] ratios = new double[resamples];
    double[] d = new double[logs.length];
    for (int i = 0; i < resamples; i++) {
      for (int j = 0; j < d.length; j++) {
        d[j] = logs[random.nextInt(logs.length)];
      }
      ratios[i] = Math.exp(median(d));
    }
    Arrays.sort(ratios);
    double tail = (1 - level) / 2;
    return new Interval(quantile(ratios, tail), quantile(ratios, 1 - tail));
  }

  /** {@code ln(head[i] / base[i])} for every round i. */
  static double[] logRatios(double[] base, double[] head) {
    double[] logs = new double[base.length];
    for (int i = 0; i < logs.length; i++) {
      logs[i] = Math.log(head[i] / base[i]);
    }
    return logs;
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
