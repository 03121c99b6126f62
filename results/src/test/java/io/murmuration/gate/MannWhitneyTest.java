package io.murmuration.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.hipparchus.stat.inference.MannWhitneyUTest;
import org.junit.jupiter.api.Test;

/** Hipparchus' Mann–Whitney U, checked against counting pairs by hand. */
class MannWhitneyTest {

  /** U of x: pairs (x_i, y_j) with x_i > y_j, ties counting one half. Obviously correct, O(nm). */
  static double pairCountU(double[] x, double[] y) {
    double u = 0;
    for (double a : x) {
      for (double b : y) {
        u += a > b ? 1 : a == b ? 0.5 : 0;
      }
    }
    return u;
  }

  @Test
  void hipparchusUIsTheSmallerOfTheTwoPairCountsOnRandomSamplesWithAndWithoutTies() {
    Random random = new Random(42);
    for (int trial = 0; trial < 500; trial++) {
      double[] x = sample(random, 1 + random.nextInt(30), trial % 2 == 0);
      double[] y = sample(random, 1 + random.nextInt(30), trial % 2 == 0);
      double expected = Math.min(pairCountU(x, y), pairCountU(y, x));
      assertEquals(expected, new MannWhitneyUTest().mannWhitneyU(x, y), 1e-9, "trial " + trial);
    }
  }

  @Test
  void identicalArmsGiveAPValueNearOne() {
    double[] a = {1.1, 1.3, 0.9, 1.0, 1.2, 1.05, 0.95, 1.15};
    assertTrue(new MannWhitneyUTest().mannWhitneyUTest(a, a.clone()) > 0.9);
  }

  @Test
  void fullySeparatedArmsOfTenGiveAPValueBelowOneInAThousand() {
    double[] low = new double[10];
    double[] high = new double[10];
    for (int i = 0; i < 10; i++) {
      low[i] = 1 + i * 0.01;
      high[i] = 2 + i * 0.01;
    }
    double p = new MannWhitneyUTest().mannWhitneyUTest(low, high);
    assertTrue(p < 0.001, "p = " + p);
    // exact, no ties: both one-sided extremes out of C(20,10) orderings
    assertEquals(2.0 / 184_756, p, 1e-9);
  }

  private static double[] sample(Random random, int n, boolean ties) {
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      s[i] = ties ? random.nextInt(8) : random.nextGaussian();
    }
    return s;
  }
}
