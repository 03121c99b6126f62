package io.murmuration.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
   * The reference: Q at every allowed split of {@code x[from, to)} by the triple loop of its
   * definition, keeping the first largest — slow and obviously right.
   */
  private static ChangePoints.Split bruteForce(double[] x, int from, int to, int minSegment) {
    ChangePoints.Split best = null;
    for (int tau = from + minSegment; tau <= to - minSegment; tau++) {
      double q = ChangePoints.q(x, from, tau, to);
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
      // a stretch inside the series, as after earlier change points
      int from = s % 2 == 0 ? 0 : r.nextInt(minSegment);
      int to = s % 4 < 2 ? n : n - r.nextInt(minSegment);
      if (to - from < 2 * minSegment) {
        continue;
      }
      ChangePoints.Split fast = ChangePoints.bestSplit(x, from, to, minSegment);
      ChangePoints.Split slow = bruteForce(x, from, to, minSegment);
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
    assertEquals(
        1.0 / (ChangePoints.DEFAULT_PERMUTATIONS + 1), p.pValue(), "no shuffle came close");
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

  /**
   * A 10 % step over 2 % noise (25 values around 20, then 25 around 22, sd 0.4), 200 seeded series:
   * measured, every one gets exactly one change point, 195 at index 25 and the others one off
   * (where the value next to the step happens to lie nearer the other side's mean). docs/gate.md
   * gives these numbers.
   */
  @Test
  void aTenPercentStepOverTwoPercentNoiseIsFoundAtItsIndexInNearlyAllSeries() {
    int atTheStep = 0;
    for (int s = 0; s < 200; s++) {
      Random r = new Random(1000 + s);
      double[] x = concat(noise(r, 25, 20, 0.4), noise(r, 25, 22, 0.4));
      List<ChangePoints.ChangePoint> points = new ChangePoints().find(x);
      assertEquals(1, points.size(), "series " + s + ": " + points);
      ChangePoints.ChangePoint p = points.get(0);
      assertTrue(Math.abs(p.index() - 25) <= 1, "series " + s + ": " + p);
      assertEquals(0.10, p.relativeChange(), 0.02, "series " + s + ": " + p);
      atTheStep += p.index() == 25 ? 1 : 0;
    }
    assertTrue(atTheStep >= 190, atTheStep + " of 200 at index 25");
  }

  /**
   * The hook service comments on a change once enough runs follow it: a 10 % step over 2 % noise
   * with only {@link ChangePoints#DEFAULT_MIN_SEGMENT} values after it (47 + 3) is found at its
   * index in 198 of 200 seeded series (measured). A Welch t-test required on top would find it in
   * 95: with 3 values it has little power, which is one reason the detector has none.
   */
  @Test
  void aStepIsFoundAsSoonAsMinSegmentValuesFollowIt() {
    int found = 0;
    for (int s = 0; s < 200; s++) {
      Random r = new Random(1000 + s);
      double[] x = concat(noise(r, 47, 20, 0.4), noise(r, 3, 22, 0.4));
      found += new ChangePoints().find(x).stream().anyMatch(p -> p.index() == 47) ? 1 : 0;
    }
    assertTrue(found >= 190, found + " of 200 found at index 47");
  }

  /**
   * Pure noise, 1,000 seeded series of 100 normal values: at most 1 % may get a change point
   * (measured: 1; in theory 0.4 %, the chance that the unshuffled series beats all but 3 of 999
   * shuffles). The Welch t-test of the split maximising Q, the check before, put one into 53 of
   * these series at alpha 0.001: its p-value ignored that the split was chosen by looking at the
   * data.
   */
  @Test
  void pureNoiseGivesAChangePointInAtMostOnePercentOfSeries() {
    int withChangePoint = 0;
    for (int s = 0; s < 1000; s++) {
      boolean found = !new ChangePoints().find(noise(new Random(100 + s), 100, 10, 0.3)).isEmpty();
      withChangePoint += found ? 1 : 0;
    }
    assertTrue(withChangePoint <= 10, withChangePoint + " of 1000 series with a change point");
  }

  /**
   * 500 runs with a 10 % step every 100: measured 0.15–0.25 s for the 4 change points (each costs
   * 999 shuffles to accept and 999 for its reported p-value); the bound leaves room for a busy
   * machine, not for a slower algorithm.
   */
  @Test
  void aHistoryOf500RunsWithFourStepsIsAnalysedInWellUnderFiveSeconds() {
    Random r = new Random(5);
    double[] x = new double[500];
    for (int i = 0; i < 500; i++) {
      x[i] = (i / 100 % 2 == 0 ? 20 : 22) + 0.4 * r.nextGaussian();
    }
    long start = System.nanoTime();
    List<ChangePoints.ChangePoint> points = new ChangePoints().find(x);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(
        List.of(100, 200, 300, 400),
        points.stream().map(ChangePoints.ChangePoint::index).toList(),
        points.toString());
    assertTrue(seconds < 5, seconds + " s");
  }

  @Test
  void theSameSeedGivesTheSameAnswerAndTheSeedIsUsed() {
    Random r = new Random(4);
    double[] x = concat(noise(r, 30, 20, 0.4), noise(r, 30, 20.35, 0.4)); // a weak step
    ChangePoints.ChangePoint first = only(new ChangePoints(0.05, 3, 199, 1).find(x));
    ChangePoints detector = new ChangePoints(0.05, 3, 199, 1);
    assertEquals(first, only(detector.find(x)), "a new detector with the same seed");
    assertEquals(first, only(detector.find(x)), "the same detector again");
    assertTrue(first.pValue() > 1.0 / 200, "some shuffles reached its Q: " + first);
    ChangePoints.ChangePoint other = only(new ChangePoints(0.05, 3, 199, 2).find(x));
    assertEquals(first.index(), other.index());
    assertNotEquals(first.pValue(), other.pValue(), "other shuffles, another p-value");
  }

  private static ChangePoints.ChangePoint only(List<ChangePoints.ChangePoint> points) {
    assertEquals(1, points.size(), points.toString());
    return points.get(0);
  }

  @Test
  void tooFewPermutationsForAlphaAreRefusedNamingHowMany() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ChangePoints(0.005, 3, 199, 1));
    assertEquals(
        "permutations 199 can never give a p-value below alpha 0.005: use at least 200",
        e.getMessage());
    new ChangePoints(0.005, 3, 200, 1); // 1/201 < 0.005
    assertThrows(IllegalArgumentException.class, () -> new ChangePoints(0.005, 1, 999, 1));
    assertThrows(IllegalArgumentException.class, () -> new ChangePoints(1, 3, 999, 1));
  }

  @Test
  void aConstantSeriesAndConstantStepsNeedNoVariance() {
    assertEquals(List.of(), new ChangePoints().find(new double[20]));
    double[] step = concat(new double[10], new double[] {5, 5, 5, 5, 5, 5, 5, 5, 5, 5});
    List<ChangePoints.ChangePoint> points = new ChangePoints().find(step);
    assertEquals(1, points.size());
    assertEquals(10, points.get(0).index());
    assertEquals(1.0 / (ChangePoints.DEFAULT_PERMUTATIONS + 1), points.get(0).pValue());
  }

  @Test
  void aShortSeriesHasNoChangePoint() {
    assertEquals(List.of(), new ChangePoints().find(new double[] {1, 9}));
    assertEquals(List.of(), new ChangePoints().find(new double[0]));
  }
}
