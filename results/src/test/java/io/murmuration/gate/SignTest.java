package io.murmuration.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The paired p-value, checked against flipping the signs of the differences by hand. */
class SignTest {

  /**
   * Under "no difference" each untied pair is as likely to have head above base as below: enumerate
   * the 2^n sign patterns of the untied pairs and count those whose number of rounds with head
   * above is at least as far from n/2 as observed.
   */
  static double byHand(double[] base, double[] head) {
    int n = 0;
    int above = 0;
    for (int i = 0; i < base.length; i++) {
      n += head[i] != base[i] ? 1 : 0;
      above += head[i] > base[i] ? 1 : 0;
    }
    if (n == 0) {
      return 1;
    }
    int asFar = 0;
    for (int signs = 0; signs < 1 << n; signs++) {
      asFar += Math.abs(Integer.bitCount(signs) - n / 2.0) >= Math.abs(above - n / 2.0) ? 1 : 0;
    }
    return (double) asFar / (1 << n);
  }

  @Test
  void theTwoSidedPValueMatchesEnumeratingSignPatterns() {
    Random r = new Random(42);
    for (int trial = 0; trial < 200; trial++) {
      int n = 3 + r.nextInt(12);
      double[] base = new double[n];
      double[] head = new double[n];
      double shift = r.nextGaussian() * 0.5;
      for (int i = 0; i < n; i++) {
        base[i] = Math.round(r.nextGaussian() * 4) / 4.0;
        // about one pair in five tied: tied pairs are left out of n
        head[i] = r.nextInt(5) == 0 ? base[i] : base[i] + shift + r.nextGaussian();
      }
      assertEquals(byHand(base, head), Comparison.signP(base, head), 1e-9, "trial " + trial);
    }
  }

  @Test
  void nineRoundsOfTenOnOneSideRejectAtFivePerCentAndEightDoNot() {
    double[] base = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    double[] nine = {2, 2, 2, 2, 2, 2, 2, 2, 2, 0.5};
    double[] eight = {2, 2, 2, 2, 2, 2, 2, 2, 0.5, 0.5};
    assertEquals(2 * 11 / 1024.0, Comparison.signP(base, nine), 1e-12);
    assertEquals(2 * 56 / 1024.0, Comparison.signP(base, eight), 1e-12);
  }

  @Test
  void tiedPairsAreNoEvidenceOfADifference() {
    double[] same = {1, 2, 3, 4, 5, 6};
    assertEquals(1.0, Comparison.signP(same, same.clone()));
  }
}
