package io.murmuration.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The paired p-value, checked against flipping the signs of the differences by hand. */
class SignedRankTest {

  /**
   * Under "no difference" each pair's difference is as likely positive as negative: enumerate the
   * 2^n sign patterns and count those whose rank sum is at least as far from its mean as observed.
   */
  static double byHand(double[] base, double[] head) {
    int n = base.length;
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = head[i] - base[i];
    }
    int[] rank = new int[n]; // |d| are distinct in these trials: ranks 1..n
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        rank[i] += Math.abs(d[j]) <= Math.abs(d[i]) ? 1 : 0;
      }
    }
    double mean = n * (n + 1) / 4.0;
    double observed = 0;
    for (int i = 0; i < n; i++) {
      observed += d[i] > 0 ? rank[i] : 0;
    }
    int asFar = 0;
    for (int signs = 0; signs < 1 << n; signs++) {
      double w = 0;
      for (int i = 0; i < n; i++) {
        w += ((signs >> i) & 1) == 1 ? rank[i] : 0;
      }
      asFar += Math.abs(w - mean) >= Math.abs(observed - mean) - 1e-9 ? 1 : 0;
    }
    return (double) asFar / (1 << n);
  }

  @Test
  void theExactTwoSidedPValueMatchesEnumeratingSignPatterns() {
    Random r = new Random(42);
    for (int trial = 0; trial < 200; trial++) {
      int n = 3 + r.nextInt(10);
      double[] base = new double[n];
      double[] head = new double[n];
      double shift = r.nextGaussian() * 0.5;
      for (int i = 0; i < n; i++) {
        base[i] = r.nextGaussian();
        head[i] = base[i] + shift + r.nextGaussian();
      }
      assertEquals(byHand(base, head), Comparison.signedRankP(base, head), 1e-9, "trial " + trial);
    }
  }

  @Test
  void tiedPairsAreNoEvidenceOfADifference() {
    double[] same = {1, 2, 3, 4, 5, 6};
    assertEquals(1.0, Comparison.signedRankP(same, same.clone()));
  }
}
