package io.murmuration.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Monte Carlo bootstrap against the exact bootstrap distribution, enumerated. */
class BootstrapTest {

  /**
   * Every with-replacement resample of each arm, as ordered draws (so each distinct resample
   * appears with its multiplicity), crossed with every resample of the other arm: n^n × m^m ratios,
   * all equally likely. The interval's ends are the same quantiles as {@link Bootstrap} takes.
   */
  static double[] exactRatios(double[] base, double[] head) {
    List<Double> baseMedians = resampleMedians(base);
    List<Double> headMedians = resampleMedians(head);
    double[] ratios = new double[baseMedians.size() * headMedians.size()];
    int k = 0;
    for (double b : baseMedians) {
      for (double h : headMedians) {
        ratios[k++] = h / b;
      }
    }
    java.util.Arrays.sort(ratios);
    return ratios;
  }

  private static List<Double> resampleMedians(double[] arm) {
    int n = arm.length;
    int combinations = (int) Math.pow(n, n);
    List<Double> medians = new ArrayList<>();
    for (int code = 0; code < combinations; code++) {
      double[] draw = new double[n];
      int c = code;
      for (int i = 0; i < n; i++) {
        draw[i] = arm[c % n];
        c /= n;
      }
      medians.add(Bootstrap.median(draw));
    }
    return medians;
  }

  @Test
  void theMonteCarloIntervalOfTinyArmsMatchesTheExactEnumeration() {
    double[][][] cases = {
      {{10.0, 11.0}, {12.0, 13.5}},
      {{10.0, 10.4, 11.0}, {10.2, 12.0, 13.1}},
      {{5.0, 5.5, 7.0}, {4.0, 6.0}},
      {{0.85, 0.9, 0.84}, {0.88, 0.95, 0.91}},
    };
    for (double[][] c : cases) {
      double[] exact = exactRatios(c[0], c[1]);
      Bootstrap.Interval mc = Bootstrap.ratioOfMedians(c[0], c[1], 20_000, 0.95, 7);
      // Monte Carlo quantiles wander by about sqrt(q(1-q)/B) ≈ 0.0016 in probability: allow 0.01.
      assertBetween(
          Bootstrap.quantile(exact, 0.025 - 0.01), mc.low(), Bootstrap.quantile(exact, 0.035));
      assertBetween(
          Bootstrap.quantile(exact, 0.965), mc.high(), Bootstrap.quantile(exact, 0.975 + 0.01));
    }
  }

  @Test
  void thePairedIntervalOfFewRoundsMatchesTheExactEnumerationOfRoundResamples() {
    double[][][] cases = {
      {{10.0, 11.0, 12.0}, {12.0, 11.5, 13.0}},
      {{1.0, 2.0, 4.0, 3.0}, {1.1, 2.4, 4.1, 3.6}},
    };
    for (double[][] c : cases) {
      int n = c[0].length;
      int combinations = (int) Math.pow(n, n);
      double[] exact = new double[combinations];
      for (int code = 0; code < combinations; code++) {
        double[] logs = new double[n];
        int k = code;
        for (int i = 0; i < n; i++) {
          int round = k % n; // the round drawn: its base and head runs stay together
          logs[i] = Math.log(c[1][round] / c[0][round]);
          k /= n;
        }
        exact[code] = Math.exp(Bootstrap.median(logs));
      }
      java.util.Arrays.sort(exact);
      Bootstrap.Interval mc = Bootstrap.pairedRatio(c[0], c[1], 20_000, 0.95, 7);
      assertBetween(
          Bootstrap.quantile(exact, 0.025 - 0.01), mc.low(), Bootstrap.quantile(exact, 0.035));
      assertBetween(
          Bootstrap.quantile(exact, 0.965), mc.high(), Bootstrap.quantile(exact, 0.975 + 0.01));
    }
  }

  @Test
  void theExactEnumerationCountsEveryResampleWithItsMultiplicity() {
    // base {1, 2}: resamples (1,1) (1,2) (2,1) (2,2) → medians 1, 1.5, 1.5, 2
    double[] ratios = exactRatios(new double[] {1, 2}, new double[] {1});
    assertEquals(List.of(0.5, 1 / 1.5, 1 / 1.5, 1.0), toList(ratios));
  }

  @Test
  void theSameSeedGivesTheSameIntervalAndAnotherSeedMayNot() {
    double[] base = {10, 10.5, 9.8, 10.2, 10.9};
    double[] head = {11, 10.1, 11.4, 10.8, 10.6};
    Bootstrap.Interval a = Bootstrap.ratioOfMedians(base, head, 10_000, 0.95, 123);
    Bootstrap.Interval b = Bootstrap.ratioOfMedians(base, head, 10_000, 0.95, 123);
    assertEquals(a, b);
    assertTrue(a.low() <= b.high());
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertEquals(2.5, Bootstrap.median(new double[] {4, 1, 3, 2}));
    assertEquals(3, Bootstrap.median(new double[] {5, 3, 1}));
  }

  private static void assertBetween(double low, double value, double high) {
    assertTrue(low <= value && value <= high, value + " not in [" + low + ", " + high + "]");
  }

  private static List<Double> toList(double[] a) {
    List<Double> l = new ArrayList<>();
    for (double d : a) {
      l.add(d);
    }
    return l;
  }
}
