package io.murmuration.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.results.Summary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GateTest {

  static Summary run(String id, double p50, double p99, double perS, double lagP99, long errors) {
    return run(id, p50, p99, perS, lagP99, errors, Summary.FINISHED);
  }

  static Summary run(
      String id, double p50, double p99, double perS, double lagP99, long errors, String state) {
    return run(id, p50, p99, perS, lagP99, errors, state, null);
  }

  static Summary run(
      String id,
      double p50,
      double p99,
      double perS,
      double lagP99,
      long errors,
      String state,
      Map<String, Summary.Timing> timers) {
    Summary.Timing ttd = new Summary.Timing(100_000, p50 * 1.2, p50, p99 * 0.8, p99, p99, p99 * 2);
    Summary.Timing lag = new Summary.Timing(1000, 0.2, 0.2, 0.5, lagP99, lagP99, lagP99);
    Summary.Timing none = new Summary.Timing(0, null, null, null, null, null, null);
    return new Summary(
        1,
        id,
        "one-to-one",
        Map.of(),
        "127.0.0.1:5222",
        "lean",
        Instant.EPOCH,
        Instant.EPOCH.plusSeconds(60),
        60,
        0,
        state,
        Summary.FAILED.equals(state) ? "interrupted" : null,
        null,
        List.of(),
        new Summary.Users(100, 100),
        new Summary.Messages(100_000, 100_000, 100_000, 0, 0, 1.0),
        perS,
        ttd,
        none,
        none,
        lag,
        errors == 0 ? Map.of() : Map.of("timeout", errors),
        errors,
        Map.of(),
        null,
        timers,
        null,
        null,
        null,
        null,
        null);
  }

  /** n runs whose TTD and throughput vary by a relative noise of {@code cv}. */
  static Gate.Arm arm(
      String name, int n, double ttdFactor, double perSFactor, double cv, Random r) {
    List<Summary> runs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      runs.add(
          run(
              name + i,
              0.85 * ttdFactor * (1 + cv * r.nextGaussian()),
              22.5 * ttdFactor * (1 + cv * r.nextGaussian()),
              830 * perSFactor * (1 + cv * r.nextGaussian()),
              1.2,
              0));
    }
    return new Gate.Arm(name, runs);
  }

  /** A gate of rounds whose TTD p50 are b[i] and h[i] (ms), every other metric unchanged. */
  private static Report ttdP50Rounds(double[] b, double[] h) {
    List<Summary> base = new ArrayList<>();
    List<Summary> head = new ArrayList<>();
    for (int i = 0; i < b.length; i++) {
      base.add(run("b" + i, b[i], 22.5, 830, 1, 0));
      head.add(run("h" + i, h[i], 22.5, 830, 1, 0));
    }
    return Gate.compare(new Gate.Arm("base", base), new Gate.Arm("head", head), defaults());
  }

  private static Comparison metric(Report r, Metric m) {
    return r.comparisons().stream().filter(c -> c.metric().equals(m)).findFirst().orElseThrow();
  }

  @Test
  void aClearTwentyFivePercentRegressionOverTenRunsPerArmIsAFailure() {
    Random r = new Random(1);
    Report report =
        Gate.compare(arm("base", 10, 1, 1, 0.02, r), arm("head", 10, 1.25, 1, 0.02, r), defaults());
    assertEquals(Verdict.FAILURE, metric(report, Metric.TTD_P50).verdict());
    assertEquals(Verdict.FAILURE, metric(report, Metric.TTD_P99).verdict());
    assertEquals(Verdict.SUCCESS, metric(report, Metric.MESSAGES_PER_S).verdict());
    assertEquals(Verdict.FAILURE, report.verdict());
    assertTrue(report.reason().startsWith("ttd.p50: interval 1."), report.reason());
  }

  @Test
  void twoHundredSeededAToAComparisonsNeverFail() {
    Random r = new Random(2026);
    for (int i = 0; i < 200; i++) {
      Report report =
          Gate.compare(
              arm("base", 5, 1, 1, 0.03, r),
              arm("head", 5, 1, 1, 0.03, r),
              new Settings(Map.of(), 0.05, 0.95, 2_000, i, 10, 0.001, true));
      assertNotEquals(Verdict.FAILURE, report.verdict(), report.table());
    }
  }

  @Test
  void withTenQuietRunsPerArmMostAToAComparisonsPass() {
    Random r = new Random(2027);
    int successes = 0;
    for (int i = 0; i < 200; i++) {
      Report report =
          Gate.compare(
              arm("base", 10, 1, 1, 0.02, r),
              arm("head", 10, 1, 1, 0.02, r),
              new Settings(Map.of(), 0.05, 0.95, 2_000, i, 10, 0.001, true));
      assertNotEquals(Verdict.FAILURE, report.verdict(), report.table());
      successes += report.verdict() == Verdict.SUCCESS ? 1 : 0;
    }
    assertTrue(successes > 180, "only " + successes + " of 200 A/A comparisons passed");
  }

  @Test
  void fewerThanThreeRunsInAnArmIsNeutralAndSaysSo() {
    Random r = new Random(3);
    Report report =
        Gate.compare(arm("base", 2, 1, 1, 0.01, r), arm("head", 5, 1.5, 1, 0.01, r), defaults());
    assertEquals(Verdict.NEUTRAL, report.verdict());
    assertEquals(
        "fewer than 3 runs in an arm (base 2, head 5): add rounds",
        metric(report, Metric.TTD_P99).reason());
  }

  @Test
  void aSaturatedRunnerMakesEveryMetricNeutralWithTheRunAsReason() {
    Random r = new Random(4);
    Gate.Arm base = arm("base", 5, 1, 1, 0.01, r);
    List<Summary> head = new ArrayList<>(arm("head", 5, 1.5, 1, 0.01, r).runs());
    head.set(2, run("busy", 1.2, 30, 800, 25.5, 0));
    Report report = Gate.compare(base, new Gate.Arm("head", head), defaults());
    assertEquals(Verdict.NEUTRAL, report.verdict());
    String why = "head run busy: the runner was saturated (scheduling lag p99 25.500 ms > 10.0 ms)";
    assertEquals("not judged: " + why, report.reason());
    for (Comparison c : report.comparisons()) {
      assertEquals(Verdict.NEUTRAL, c.verdict());
    }
  }

  @Test
  void tooManyErrorsOrAFailedRunIsNotJudged() {
    Random r = new Random(5);
    List<Summary> base = new ArrayList<>(arm("base", 4, 1, 1, 0.01, r).runs());
    base.add(run("errors", 0.85, 22, 830, 1, 500));
    Report report =
        Gate.compare(new Gate.Arm("base", base), arm("head", 5, 1, 1, 0.01, r), defaults());
    assertEquals(
        "not judged: base run errors: error rate 0.00500 > 0.001 (500 errors)", report.reason());
    base.set(4, run("broken", 0.85, 22, 830, 1, 0, Summary.FAILED));
    report = Gate.compare(new Gate.Arm("base", base), arm("head", 5, 1, 1, 0.01, r), defaults());
    assertEquals("not judged: base run broken failed (interrupted)", report.reason());
  }

  @Test
  void lowerThroughputIsTheWorseDirectionAndHigherThroughputIsASuccess() {
    Random r = new Random(6);
    Report slower =
        Gate.compare(arm("base", 10, 1, 1, 0.02, r), arm("head", 10, 1, 0.8, 0.02, r), defaults());
    assertEquals(Verdict.FAILURE, metric(slower, Metric.MESSAGES_PER_S).verdict());
    Report faster =
        Gate.compare(arm("base", 10, 1, 1, 0.02, r), arm("head", 10, 1, 1.3, 0.02, r), defaults());
    assertEquals(Verdict.SUCCESS, metric(faster, Metric.MESSAGES_PER_S).verdict());
    assertEquals(Verdict.SUCCESS, faster.verdict());
  }

  @Test
  void aChangeAroundTheToleranceWithFewRunsIsNeutralAndSaysTheIntervalStraddles() {
    double[] baseP99 = {20, 22, 24};
    double[] headP99 = {21, 24.5, 26.5};
    List<Summary> base = new ArrayList<>();
    List<Summary> head = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      base.add(run("b" + i, 0.85, baseP99[i], 830, 1, 0));
      head.add(run("h" + i, 0.85, headP99[i], 830, 1, 0));
    }
    Report report =
        Gate.compare(new Gate.Arm("base", base), new Gate.Arm("head", head), defaults());
    Comparison p99 = metric(report, Metric.TTD_P99);
    assertEquals(Verdict.NEUTRAL, p99.verdict());
    assertTrue(
        p99.reason()
            .matches(
                "interval [01]\\.\\d+–1\\.\\d+ straddles the 10 % tolerance; 3 runs per arm: add rounds"),
        p99.reason());
    assertEquals(Verdict.NEUTRAL, report.verdict());
    assertEquals("ttd.p99: " + p99.reason(), report.reason());
  }

  @Test
  void threeRunsPerArmCannotFailAtAlphaFivePercentHoweverLargeTheChange() {
    Random r = new Random(8);
    Report report =
        Gate.compare(arm("base", 3, 1, 1, 0.01, r), arm("head", 3, 2, 1, 0.01, r), unpaired());
    assertTrue(report.table().contains("not paired (--unpaired)"), report.table());
    Comparison p50 = metric(report, Metric.TTD_P50);
    assertEquals(0.1, p50.pValue(), 1e-9); // exact: 2 of C(6,3) = 20 orderings
    assertEquals(Verdict.NEUTRAL, p50.verdict());
    assertTrue(
        p50.reason().endsWith("but p = 0.100 ≥ 0.05; 3 runs per arm: add rounds"), p50.reason());
  }

  /** n runs of a scenario timer {@code join} whose p99 is {@code p99Ms} with 2 % noise. */
  private static Gate.Arm withJoinTimer(String name, int n, double p99Ms, Random r) {
    List<Summary> runs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double p99 = p99Ms * (1 + 0.02 * r.nextGaussian());
      Map<String, Summary.Timing> timers =
          p99Ms == 0
              ? Map.of("join", new Summary.Timing(0, null, null, null, null, null, null))
              : Map.of("join", new Summary.Timing(500, p99 / 3, p99 / 4, p99 / 2, p99, p99, p99));
      runs.add(run(name + i, 0.85, 22.5, 830, 1.2, 0, Summary.FINISHED, timers));
    }
    return new Gate.Arm(name, runs);
  }

  @Test
  void aScenarioTimerIsComparedOnceAToleranceNamesItAndThirtyPercentSlowerFails() {
    Metric join = Metric.byKey("timers.join.p99");
    Settings named = new Settings(Map.of(join, 0.10), 0.05, 0.95, 10_000, 1, 10, 0.001, true);
    Random r = new Random(5);
    Gate.Arm base = withJoinTimer("base", 8, 10, r);
    Gate.Arm head = withJoinTimer("head", 8, 13, r);

    Report report = Gate.compare(base, head, named);
    assertEquals(Verdict.FAILURE, metric(report, join).verdict(), report.toString());
    assertEquals(Verdict.SUCCESS, metric(report, Metric.TTD_P99).verdict(), "TTD did not change");
    assertEquals(Verdict.FAILURE, report.verdict());
    assertEquals("ms", join.unit);
    assertTrue(join.lowerIsBetter);

    Report unnamed = Gate.compare(base, head, defaults());
    assertTrue(
        unnamed.comparisons().stream().noneMatch(c -> c.metric().key.startsWith("timers.")),
        "only named timers are compared");
    assertEquals(Verdict.SUCCESS, unnamed.verdict());
  }

  @Test
  void aRunWithoutSamplesOfANamedTimerIsNotJudged() {
    Metric join = Metric.byKey("timers.join.p99");
    Settings named = new Settings(Map.of(join, 0.10), 0.05, 0.95, 10_000, 1, 10, 0.001, true);
    Random r = new Random(6);
    Report report =
        Gate.compare(withJoinTimer("base", 5, 10, r), withJoinTimer("head", 5, 0, r), named);
    assertEquals(Verdict.NEUTRAL, report.verdict());
    assertTrue(report.reason().contains("has no timers.join.p99"), report.reason());
  }

  @Test
  void scenarioTimerStatisticsAreComparableButCountsAndCountersAreNot() {
    assertEquals("timers.ping_rtt.p99_9", Metric.byKey("timers.ping_rtt.p99_9").key);
    assertEquals(Metric.byKey("timers.a.p50"), Metric.byKey("timers.a.p50"));
    assertEquals(null, Metric.byKey("timers.ping_rtt.count"));
    assertEquals(null, Metric.byKey("timers.ping_rtt"));
    assertEquals(null, Metric.byKey("timers.ping_rtt.p42"));
    assertEquals(null, Metric.byKey("counters.pongs"));
    assertEquals(Metric.TTD_P99, Metric.byKey("ttd.p99"));
  }

  /**
   * Rounds whose machine speed drifts: round i runs both arms {@code drift[i]} times slower, with a
   * small noise of its own per run. {@code change} multiplies head's TTD.
   */
  private static Gate.Arm[] drifting(
      int rounds, double drift, double noise, double change, Random r) {
    List<Summary> base = new ArrayList<>();
    List<Summary> head = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      double f = 1 + drift * r.nextGaussian();
      base.add(run("b" + i, 0.85 * f * (1 + noise * r.nextGaussian()), 22.5 * f, 830, 1, 0));
      head.add(
          run("h" + i, 0.85 * change * f * (1 + noise * r.nextGaussian()), 22.5 * f, 830, 1, 0));
    }
    return new Gate.Arm[] {new Gate.Arm("base", base), new Gate.Arm("head", head)};
  }

  @Test
  void pairingCancelsDriftBetweenRoundsThatHidesATenPercentChangeFromTheUnpairedTest() {
    Random r = new Random(11);
    int pairedCaught = 0;
    int unpairedCaught = 0;
    for (int g = 0; g < 50; g++) {
      Gate.Arm[] arms = drifting(10, 0.10, 0.01, 1.10, r);
      Comparison paired = metric(Gate.compare(arms[0], arms[1], defaults()), Metric.TTD_P50);
      Comparison apart = metric(Gate.compare(arms[0], arms[1], unpaired()), Metric.TTD_P50);
      assertTrue(paired.paired());
      assertTrue(!apart.paired());
      pairedCaught += paired.verdict() == Verdict.FAILURE ? 1 : 0;
      unpairedCaught += apart.verdict() == Verdict.FAILURE ? 1 : 0;
    }
    // 10 % drift between rounds, 1 % within: the pairs see the 10 % change, the arms do not.
    assertEquals(50, pairedCaught);
    assertTrue(unpairedCaught < 10, unpairedCaught + " of 50 caught unpaired");
  }

  @Test
  void pairedAToAGatesUnderDriftNeverFail() {
    Random r = new Random(12);
    for (int g = 0; g < 200; g++) {
      Gate.Arm[] arms = drifting(10, 0.10, 0.03, 1.0, r);
      Report report = Gate.compare(arms[0], arms[1], defaults());
      assertTrue(report.paired());
      assertNotEquals(Verdict.FAILURE, report.verdict(), report.table());
    }
  }

  @Test
  void oneDisturbedBaseRunDoesNotHideARegressionTheOtherNineRoundsShow() {
    // TTD p50 (ms) of gate 09's base and p10 arms as measured (docs/gate.md, 10 gates of
    // 2026-12-05): head is 8-20 % slower in nine rounds; round 6's base run was disturbed (0.357
    // against ~0.25), so head/base is 0.78 there. Wilcoxon's signed-rank test gave that round the
    // largest rank: p 0.084, neutral. For the sign test it is one round of ten.
    double[] b = {0.260, 0.247, 0.237, 0.245, 0.249, 0.357, 0.258, 0.267, 0.256, 0.276};
    double[] h = {0.292, 0.298, 0.285, 0.278, 0.286, 0.279, 0.291, 0.292, 0.302, 0.300};
    Comparison p50 = metric(ttdP50Rounds(b, h), Metric.TTD_P50);
    assertEquals(2 * 11 / 1024.0, p50.pValue(), 1e-12); // 9 of 10 rounds worse
    assertEquals(Verdict.FAILURE, p50.verdict(), p50.reason());
  }

  @Test
  void thePairedChangeIsTheMedianPerRoundRatioAndFivePairsCannotFail() {
    double[] b = {1.0, 2.0, 1.0, 4.0, 1.0};
    double[] h = {1.5, 2.6, 1.4, 6.0, 1.6}; // ratios 1.5 1.3 1.4 1.5 1.6: median 1.5
    Report report = ttdP50Rounds(b, h);
    Comparison p50 = metric(report, Metric.TTD_P50);
    assertEquals(1.5, p50.estimate(), 1e-12);
    // every pair worse: the sign test's two-sided p is 2 / 2^5
    assertEquals(0.0625, p50.pValue(), 1e-9);
    assertEquals(Verdict.NEUTRAL, p50.verdict());
    assertTrue(report.table().contains("paired by round"), report.table());
    assertEquals(true, report.json().get("paired"));
  }

  @Test
  void armsOfUnequalSizeAreJudgedUnpairedAndTheFooterSaysWhy() {
    Random r = new Random(13);
    Report report =
        Gate.compare(arm("base", 5, 1, 1, 0.01, r), arm("head", 6, 1, 1, 0.01, r), defaults());
    assertTrue(!report.paired());
    assertTrue(
        report.table().contains("not paired (the arms have different numbers of runs)"),
        report.table());
  }

  private static Settings defaults() {
    return Settings.defaults();
  }

  private static Settings unpaired() {
    return new Settings(Map.of(), 0.05, 0.95, 10_000, 1, 10, 0.001, false);
  }
}
