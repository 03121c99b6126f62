package io.murmuration.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChangePointsTest {

  /** {@code n} values around {@code mean} with normal noise of {@code sd}. */
  private static double[] noise(Random r, int n, double mean, double sd) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = mean + sd * r.nextGaussian();
    }
    return x;
  }

  private static double[] concat(double[]... parts) {
    int n = 0;
    for (double[] p : parts) {
      n += p.length;
    }
    double[] all = new double[n];
    int at = 0;
    for (double[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }

  /**
   * The reference: Q at every allowed split by the triple loop of its definition, keeping the first
   * largest — slow and obviously right.
   */
  private static ChangePoints.Split bruteForce(double[] x, int minSegment) {
    ChangePoints.Split best = null;
    for (int tau = minSegment; tau <= x.length - minSegment; tau++) {
      double q = ChangePoints.q(x, 0, tau, x.length);
      if (best == null || q > best.q()) {
        best = new ChangePoints.Split(tau, q);
      }
    }
    return best;
  }

  @Test
  void theBestSplitIsTheOneTheBruteForceReferenceFindsOnManyRandomSeries() {
    Random r = new Random(7);
    for (int s = 0; s < 300; s++) {
      int minSegment = 2 + r.nextInt(3);
      int n = 2 * minSegment + r.nextInt(80);
      double[] x =
          s % 3 == 0
              ? noise(r, n, 5, 1)
              : concat(noise(r, n / 2, 5, 1), noise(r, n - n / 2, 5 + r.nextDouble() * 3, 1));
      if (s % 10 == 0) {
        for (int i = 0; i < n; i++) {
          x[i] = Math.round(x[i]); // ties
        }
      }
      ChangePoints.Split fast = ChangePoints.bestSplit(x, 0, n, minSegment);
      ChangePoints.Split slow = bruteForce(x, minSegment);
      assertEquals(slow.index(), fast.index(), "series " + s);
      assertEquals(slow.q(), fast.q(), 1e-9 * Math.max(1, Math.abs(slow.q())), "series " + s);
    }
  }

  @Test
  void aStretchShorterThanTwoMinimumSegmentsHasNoSplit() {
    assertNull(ChangePoints.bestSplit(new double[] {1, 2, 3, 4, 5}, 0, 5, 3));
  }

  @Test
  void qOfASplitIsTheSizeWeightedEnergyDistanceByHand() {
    // left {0, 0}, right {1, 1}: across 4·1, within 0 → E = 2·4/4 = 2, Q = 4/4·2 = 2
    assertEquals(2.0, ChangePoints.q(new double[] {0, 0, 1, 1}, 0, 2, 4), 1e-12);
  }

  @Test
  void oneStepIsFoundWhereItIs() {
    Random r = new Random(1);
    double[] x = concat(noise(r, 40, 10, 0.3), noise(r, 40, 12, 0.3));
    List<ChangePoints.ChangePoint> points = new ChangePoints().find(x);
    assertEquals(1, points.size(), points.toString());
    ChangePoints.ChangePoint p = points.get(0);
    assertTrue(Math.abs(p.index() - 40) <= 1, p.toString());
    assertEquals(10, p.meanBefore(), 0.2);
    assertEquals(12, p.meanAfter(), 0.2);
    assertEquals(0.2, p.relativeChange(), 0.03);
    assertTrue(p.pValue() < 1e-10, p.toString());
  }

  @Test
  void twoStepsAreTwoChangePoints() {
    Random r = new Random(2);
    double[] x = concat(noise(r, 30, 10, 0.3), noise(r, 30, 12, 0.3), noise(r, 30, 9, 0.3));
    List<ChangePoints.ChangePoint> points = new ChangePoints().find(x);
    assertEquals(2, points.size(), points.toString());
    assertTrue(Math.abs(points.get(0).index() - 30) <= 1, points.toString());
    assertTrue(Math.abs(points.get(1).index() - 60) <= 1, points.toString());
    assertTrue(points.get(0).relativeChange() > 0 && points.get(1).relativeChange() < 0);
  }

  @Test
  void aTenPercentStepWithLowNoiseIsFound() {
    Random r = new Random(3);
    double[] x = concat(noise(r, 25, 20, 0.4), noise(r, 25, 22, 0.4)); // noise 2 %, step 10 %
    List<ChangePoints.ChangePoint> points = new ChangePoints().find(x);
    assertEquals(1, points.size(), points.toString());
    assertTrue(Math.abs(points.get(0).index() - 25) <= 1, points.toString());
    assertEquals(0.10, points.get(0).relativeChange(), 0.02);
  }

  /**
   * The t-test judges the split that maximises Q, chosen after looking at the data, so its p-value
   * is too small and pure noise gives more false change points than alpha says: measured here, 53
   * of 1,000 seeded series of 100 normal values (2 of the first 50) get one at alpha 0.001 and
   * minimum segment 3. A minimum segment of 5 halves that (25 of 1,000). docs/gate.md gives these
   * numbers.
   */
  @Test
  void pureNoiseGivesAFalseChangePointInAboutFivePercentOfSeries() {
    int first50 = 0;
    int all = 0;
    for (int s = 0; s < 1000; s++) {
      boolean found = !new ChangePoints().find(noise(new Random(100 + s), 100, 10, 0.3)).isEmpty();
      all += found ? 1 : 0;
      first50 += found && s < 50 ? 1 : 0;
    }
    assertEquals(2, first50, "series of the first 50 with a false change point");
    assertEquals(53, all, "series of 1000 with a false change point");
    int withFive = 0;
    for (int s = 0; s < 1000; s++) {
      withFive +=
          new ChangePoints(ChangePoints.DEFAULT_ALPHA, 5)
                  .find(noise(new Random(100 + s), 100, 10, 0.3))
                  .isEmpty()
              ? 0
              : 1;
    }
    assertEquals(25, withFive, "series of 1000 with a false change point, minimum segment 5");
  }

  @Test
  void aConstantSeriesAndConstantStepsNeedNoVariance() {
    assertEquals(List.of(), new ChangePoints().find(new double[20]));
    double[] step = concat(new double[10], new double[] {5, 5, 5, 5, 5, 5, 5, 5, 5, 5});
    List<ChangePoints.ChangePoint> points = new ChangePoints().find(step);
    assertEquals(1, points.size());
    assertEquals(10, points.get(0).index());
    assertEquals(0.0, points.get(0).pValue());
  }

  @Test
  void aShortSeriesHasNoChangePoint() {
    assertEquals(List.of(), new ChangePoints().find(new double[] {1, 9}));
    assertEquals(List.of(), new ChangePoints().find(new double[0]));
  }
}
