package io.murmuration.hook.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.gate.Metric;
import io.murmuration.gate.Settings;
import io.murmuration.gate.VerdictEvent;
import io.murmuration.hook.Job;
import io.murmuration.hook.JobResult;
import io.murmuration.results.Summary;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The search and the classification of middle commits, on runs whose numbers the test makes: each
 * commit's TTD p50 is drawn around its level with seeded noise, as rounds of a real step would
 * give.
 */
class BisectionTest {
  private static final Settings GATE = Settings.defaults();
  private static final RepoConfig.ScenarioRun ONE_TO_ONE =
      new RepoConfig.ScenarioRun(
          "one-to-one",
          20,
          20,
          Duration.ofSeconds(5),
          null,
          Map.of(),
          List.of(),
          Duration.ofMinutes(5));

  @Test
  void everyCulpritInARangeOfSevenIsNamedInAtMostThreeStepsDespiteNoise() {
    for (int culprit = 1; culprit <= 7; culprit++) {
      for (long seed = 1; seed <= 5; seed++) {
        List<String> line = commits(8);
        int k = culprit;
        Bisection b = new Bisection(line, Metric.TTD_P50, GATE);
        Random noise = new Random(seed);

        search(b, line, i -> (i >= k ? 0.9 : 0.6) * (1 + 0.08 * noise.nextGaussian()), 6);

        assertEquals(line.get(culprit), b.named(), "culprit " + culprit + ", seed " + seed);
        assertTrue(b.steps().size() <= 3, b.steps().toString());
      }
    }
  }

  @Test
  void aFallingThroughputIsBisectedAsARisingTime() {
    List<String> line = commits(5);
    Bisection b = new Bisection(line, Metric.MESSAGES_PER_S, GATE);

    search(b, line, i -> i >= 2 ? 700 : 900, 6);

    assertEquals(line.get(2), b.named());
  }

  @Test
  void aChangeThatDoesNotShowBetweenTheEndsStopsTheSearchAtStepOne() {
    List<String> line = commits(8);
    Bisection b = new Bisection(line, Metric.TTD_P50, GATE);
    Random noise = new Random(3);

    search(b, line, i -> 0.6 * (1 + 0.08 * noise.nextGaussian()), 6);

    assertNull(b.named());
    assertEquals(1, b.steps().size());
    assertEquals(Bisection.Side.UNDECIDED, b.steps().get(0).side());
    assertTrue(b.steps().get(0).why().startsWith("the change did not show"), b.steps().toString());
    JobResult r = b.result(job(line), "one-to-one", 6);
    assertEquals("neutral", r.conclusion());
    assertEquals(
        "bisection stopped at step 1: the change lies in "
            + line.get(0).substring(0, 7)
            + ".."
            + line.get(8).substring(0, 7),
        r.title());
    assertEquals(List.of(), r.verdicts());
    assertNull(r.comment(), "nothing named, nothing to comment on");
  }

  /**
   * A middle commit whose median lies near the bad end, but whose runs spread over both ends: it
   * does not differ from the good end, so the step cannot tell, and the result keeps the range.
   */
  @Test
  void aMiddleCommitCloserToBadThatDoesNotDifferFromGoodStopsTheSearchWithTheRangeSoFar() {
    List<String> line = commits(4);
    Bisection b = new Bisection(line, Metric.TTD_P50, GATE);

    Bisection.Step step =
        b.judge(
            runs(1.00, 1.01, 1.02, 1.03, 1.04, 1.05),
            runs(0.99, 1.05, 1.25, 1.30, 1.35, 1.32),
            runs(1.30, 1.31, 1.32, 1.33, 1.34, 1.35));

    assertEquals(Bisection.Side.UNDECIDED, step.side());
    assertTrue(step.why().matches("cannot tell: [6-9][0-9] % of the way to bad.*"), step.why());
    assertNull(b.next());
    assertNull(b.named());
    JobResult r = b.result(job(line), "one-to-one", 6);
    assertEquals("neutral", r.conclusion());
    assertTrue(
        r.summary().contains("(4 commits)") && r.summary().contains("Step 1 could not place"),
        r.summary());
  }

  @Test
  void aRunThatDidNotFinishMakesTheStepUndecided() {
    List<String> line = commits(2);
    Bisection b = new Bisection(line, Metric.TTD_P50, GATE);
    List<ScenarioOutcome> mid = new ArrayList<>(runs(0.6, 0.61, 0.62, 0.63, 0.64));
    mid.set(2, new ScenarioOutcome(ONE_TO_ONE, null, Path.of("05-run.log"), null, null));

    Bisection.Step step =
        b.judge(runs(0.6, 0.61, 0.62, 0.63, 0.64), mid, runs(0.9, 0.91, 0.92, 0.93, 0.94));

    assertEquals(Bisection.Side.UNDECIDED, step.side());
    assertEquals(
        "a run of "
            + line.get(1).substring(0, 7)
            + " did not finish: one-to-one did not finish within 5 min",
        step.why());
    assertNull(b.next());
  }

  @Test
  void theNamedCommitIsAVerdictAtTheChangePointAndACommentOnThatCommit() {
    List<String> line = commits(4);
    Bisection b = new Bisection(line, Metric.TTD_P50, GATE);
    search(b, line, i -> i >= 3 ? 5.6 : 0.45, 6);
    Job job = job(line);

    JobResult r = b.result(job, "one-to-one", 6);

    String named = line.get(3);
    assertEquals("success", r.conclusion());
    assertTrue(
        r.title().startsWith("TTD p50 of one-to-one moved at " + named.substring(0, 7) + " (+"),
        r.title());
    assertEquals(named, r.comment().sha());
    assertTrue(r.comment().markdown().startsWith(Bisection.MARKER + "\n### Murmuration: `"));
    assertTrue(
        r.summary().contains("/commit/" + named + ")**: TTD p50 0.450 → 5.6 ms"), r.summary());
    assertTrue(r.summary().contains("/compare/" + line.get(0) + "..." + line.get(4)), r.summary());
    assertTrue(r.summary().contains("2 steps of 6 rounds, 36 runs"), r.summary());
    VerdictEvent v = r.verdicts().get(0);
    assertEquals(1, r.verdicts().size());
    assertEquals(job.changePoint().at(), v.at());
    assertEquals(
        Map.of(
            "repo", "acme/chat",
            "branch", "main",
            "commit", named,
            "trigger", "bisect",
            "scenario", "one-to-one"),
        v.tags());
    assertEquals("one-to-one: TTD p50 moved at " + named.substring(0, 7), v.title());
    assertTrue(v.line().startsWith("event,branch=main,commit=" + named), v.line());
  }

  @Test
  void aRangeIsTheFirstParentLineFromGoodToBadAndNothingElse() {
    List<String> c = commits(4);
    // newest first, each with its parents; c3 is a merge whose second parent is off the line
    List<List<String>> revList =
        List.of(
            List.of(c.get(3), c.get(2), sha(99)),
            List.of(c.get(2), c.get(1)),
            List.of(c.get(1), c.get(0)));

    assertEquals(c.subList(0, 4), Bisection.line(c.get(0), c.get(3), revList));
    assertEquals(
        "the range "
            + c.get(4).substring(0, 7)
            + ".."
            + c.get(3).substring(0, 7)
            + " is not a stretch of one first-parent line: "
            + c.get(4).substring(0, 7)
            + " is not an ancestor of "
            + c.get(3).substring(0, 7)
            + " through first parents (was the branch rewritten?)",
        assertThrows(Bisection.Refused.class, () -> Bisection.line(c.get(4), c.get(3), revList))
            .getMessage());
    assertTrue(
        assertThrows(Bisection.Refused.class, () -> Bisection.line(c.get(0), c.get(3), List.of()))
            .getMessage()
            .endsWith("holds no merged commit: " + c.get(3).substring(0, 7) + " is not after it"));
    List<List<String>> long65 = new ArrayList<>();
    for (int i = 65; i >= 1; i--) {
      long65.add(List.of(sha(i), sha(i - 1)));
    }
    assertTrue(
        assertThrows(Bisection.Refused.class, () -> Bisection.line(sha(0), sha(65), long65))
            .getMessage()
            .contains("holds 65 merged commits, more than 64: bisect it by hand (git bisect)"));
    assertEquals(65, Bisection.line(sha(1), sha(65), long65.subList(0, 64)).size());
  }

  @Test
  void theMostStepsAreTheBinaryLogarithmOfTheCommitsRoundedUp() {
    int[][] cases = {{1, 0}, {2, 1}, {3, 2}, {4, 2}, {5, 3}, {7, 3}, {8, 3}, {9, 4}, {64, 6}};
    for (int[] c : cases) {
      assertEquals(
          c[1], new Bisection(commits(c[0]), Metric.TTD_P50, GATE).maxSteps(), c[0] + " commits");
    }
  }

  @Test
  void onlyTheGatesMetricsCanBeBisected() {
    assertEquals(Metric.TTD_P99, Bisection.metric("ttd_p99_ms", GATE));
    assertEquals(Metric.MESSAGES_PER_S, Bisection.metric("msg_per_s", GATE));
    assertNull(Bisection.metric("lost", GATE));
    assertNull(Bisection.metric("no_such_field", GATE));
  }

  // --- helpers

  /** Runs the search: each step's rounds give each commit {@code level(index)}. */
  private static void search(
      Bisection b, List<String> line, IntToDoubleFunction level, int rounds) {
    for (Bisection.Arms s = b.next(); s != null; s = b.next()) {
      List<List<ScenarioOutcome>> arms = new ArrayList<>();
      for (String commit : List.of(s.good(), s.mid(), s.bad())) {
        List<ScenarioOutcome> runs = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
          runs.add(run(level.applyAsDouble(line.indexOf(commit))));
        }
        arms.add(runs);
      }
      b.judge(arms.get(0), arms.get(1), arms.get(2));
    }
  }

  private static List<ScenarioOutcome> runs(double... p50) {
    List<ScenarioOutcome> runs = new ArrayList<>();
    for (double v : p50) {
      runs.add(run(v));
    }
    return runs;
  }

  /** A finished run whose TTD p50 is {@code value} ms and whose throughput is {@code value}/s. */
  private static ScenarioOutcome run(double value) {
    Summary.Timing ttd =
        new Summary.Timing(10_000, value, value, value * 2, value * 3, value * 3, value * 4);
    Summary.Timing none = new Summary.Timing(0, null, null, null, null, null, null);
    Summary.Timing lag = new Summary.Timing(1000, 0.2, 0.2, 0.5, 1.0, 1.0, 1.0);
    Summary s =
        new Summary(
            1,
            "run",
            "one-to-one",
            Map.of(),
            "127.0.0.1:5222",
            "lean",
            Instant.EPOCH,
            Instant.EPOCH.plusSeconds(5),
            5,
            0,
            Summary.FINISHED,
            null,
            null,
            List.of(),
            new Summary.Users(20, 20),
            new Summary.Messages(10_000, 10_000, 10_000, 0, 0, 1.0),
            value,
            ttd,
            none,
            none,
            lag,
            Map.of(),
            0,
            Map.of(),
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    return new ScenarioOutcome(ONE_TO_ONE, 0, Path.of("05-run.log"), Path.of("runs/x"), s);
  }

  /** The good commit and {@code n} commits after it, as 40 hex digits. */
  private static List<String> commits(int n) {
    List<String> line = new ArrayList<>();
    for (int i = 0; i <= n; i++) {
      line.add(sha(i));
    }
    return line;
  }

  private static String sha(int i) {
    return TrendCheckTest.sha("bisection", i);
  }

  private static Job job(List<String> line) {
    return new Job(
        12,
        "bisect-x",
        Job.Trigger.BISECT,
        "acme/chat",
        "https://github.com/acme/chat.git",
        "main",
        "main",
        line.get(line.size() - 1),
        null,
        line.get(0),
        null,
        null,
        "trend-check",
        Job.State.RUNNING,
        Instant.now(),
        new Job.ChangePoint("one-to-one", "ttd_p50_ms", Instant.parse("2026-11-20T10:15:30Z")));
  }
}
