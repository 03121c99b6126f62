package io.murmuration.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.murmuration.testing.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareCommandTest {

  /** The example of docs/results.md, with TTD, throughput and lag to fill in. */
  private static final String SUMMARY =
      """
      {
        "schema_version" : 1,
        "run_id" : "%s",
        "scenario" : "one-to-one",
        "params" : { "interval" : "2s", "messages" : "0" },
        "target" : "127.0.0.1:5222",
        "transport" : "smack",
        "started_at" : "2025-06-01T10:00:00.000Z",
        "ended_at" : "2025-06-01T10:03:00.120Z",
        "duration_s" : 180.12,
        "state" : "finished",
        "failure" : null,
        "users" : { "target" : 2000, "peak" : 2000 },
        "messages" : { "sent" : 150000, "received" : 149617, "late" : 299, "lost" : 84, "delivered_ratio" : 0.99944 },
        "messages_per_s" : %.3f,
        "ttd_ms" : { "count" : 149617, "mean" : 1.847, "p50" : %.3f, "p90" : 2.359, "p99" : %.3f, "p99_9" : 43.45, "max" : 89.588 },
        "connect_ms" : { "count" : 2000, "mean" : 0.453, "p50" : 0.401, "p90" : 0.78, "p99" : 1.253, "p99_9" : 1.544, "max" : 2.656 },
        "login_ms" : { "count" : 2000, "mean" : 6.532, "p50" : 6.046, "p90" : 9.994, "p99" : 15.385, "p99_9" : 18.825, "max" : 25.068 },
        "lag_ms" : { "count" : 18000, "mean" : 0.274, "p50" : 0.201, "p90" : 0.512, "p99" : %.3f, "p99_9" : 3.676, "max" : 18.661 },
        "errors" : { "connect_refused" : 6, "timeout" : 37 },
        "errors_total" : 43,
        "runner" : null,
        "timers_ms" : { "join" : { "count" : 500, "mean" : 3.1, "p50" : 2.5, "p90" : 5.2, "p99" : %.3f, "p99_9" : 12.4, "max" : 15.0 } }
      }
      """;

  @TempDir Path dir;

  /** Writes {@code n} run folders under {@code parent}, TTD scaled by {@code ttd}. */
  private Path arm(String name, int n, double ttd, double perS, double lag) throws IOException {
    Path parent = Files.createDirectories(dir.resolve(name));
    for (int i = 0; i < n; i++) {
      double wobble = 1 + 0.01 * ((i * 7) % 5 - 2); // -2 % … +2 %, fixed
      Path run = Files.createDirectories(parent.resolve(name + "-" + i));
      Files.writeString(
          run.resolve("summary.json"),
          String.format(
              Locale.ROOT,
              SUMMARY,
              name + "-" + i,
              832.312 * perS * wobble,
              0.846 * ttd * wobble,
              22.528 * ttd * wobble,
              lag,
              10.0 * ttd * wobble));
    }
    return parent;
  }

  @Test
  void aClearRegressionPrintsTheTableAndExitsWithOne() throws IOException {
    Path base = arm("base", 8, 1, 1, 1.236);
    Path head = arm("head", 8, 1.3, 1, 1.236);
    Cli r = Cli.murm("compare", "--base", base.toString(), "--head", head.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    String[] lines = r.out().split("\n");
    assertTrue(
        lines[0].matches(
            "metric +base \\(median\\) +head \\(median\\) +change +95% interval +p-value +verdict"),
        lines[0]);
    assertTrue(
        lines[1].matches(
            "ttd\\.p50 +0\\.846 ms +1\\.100 ms +\\+30\\.0% +1\\.300–1\\.300 +0\\.008 +failure"),
        lines[1]);
    assertTrue(
        lines[2].matches("ttd\\.p99 +22\\.528 ms +29\\.286 ms +\\+30\\.0% .* failure"), lines[2]);
    assertTrue(
        lines[3].matches("messages_per_s +832\\.312 msg/s +832\\.312 msg/s +\\+0\\.0% .* success"),
        lines[3]);
    assertTrue(lines[4].startsWith("error_rate"), lines[4]);
    // eight pairs, each 30 % slower: the sign test's p is 2 / 2^8
    assertTrue(r.out().contains("base 8 runs, head 8 runs, paired by round"), r.out());
    assertTrue(r.out().contains("paired percentile bootstrap, 10000 resamples, seed 1"), r.out());
    assertTrue(r.out().contains("\nverdict: failure — ttd.p50: interval 1."), r.out());

    Cli unpaired =
        Cli.murm("compare", "--base", base.toString(), "--head", head.toString(), "--unpaired");
    assertEquals(1, unpaired.code(), unpaired.out());
    assertTrue(
        unpaired
            .out()
            .split("\n")[1]
            .matches("ttd\\.p50 .* 1\\.\\d{3}–1\\.\\d{3} +<0\\.001 +failure"),
        unpaired.out());
    assertTrue(unpaired.out().contains("not paired (--unpaired)"), unpaired.out());
  }

  /**
   * Runs are paired by the time they started, not by their folders' names: six rounds whose machine
   * gets 15 % slower each round, head 10 % slower than base within every round, and the head
   * folders named in the reverse order of their rounds.
   */
  @Test
  void runsArePairedByStartTimeSoThatDriftBetweenRoundsCancels() throws IOException {
    for (int round = 0; round < 6; round++) {
      double machine = 1 + 0.15 * round;
      for (String arm : List.of("base", "head")) {
        String name = arm.equals("base") ? "b-" + round : "h-" + (5 - round);
        Path run = Files.createDirectories(dir.resolve(arm).resolve(name));
        double ttd = machine * (arm.equals("base") ? 1 : 1.1);
        Files.writeString(
            run.resolve("summary.json"),
            String.format(Locale.ROOT, SUMMARY, name, 832.312, 0.846 * ttd, 22.528, 1.236, 10.0)
                .replace(
                    "2025-06-01T10:00:00.000Z",
                    String.format(
                        Locale.ROOT,
                        "2025-06-01T10:%02d:00.000Z",
                        2 * round + (arm.equals("base") ? 0 : 1))));
      }
    }
    String[] arms = {
      "--base", dir.resolve("base").toString(), "--head", dir.resolve("head").toString()
    };
    Cli paired = Cli.murm("compare", arms[0], arms[1], arms[2], arms[3]);
    assertEquals(1, paired.code(), paired.out());
    assertTrue(
        paired
            .out()
            .split("\n")[1]
            .matches("ttd\\.p50 .* \\+10\\.0% +1\\.100–1\\.100 +0\\.031 +failure"),
        paired.out());
    Cli unpaired = Cli.murm("compare", arms[0], arms[1], arms[2], arms[3], "--unpaired");
    assertEquals(5, unpaired.code(), unpaired.out());
  }

  @Test
  void theSameBuildOnBothSidesExitsWithZero() throws IOException {
    Path base = arm("base", 6, 1, 1, 1.236);
    Path head = arm("head", 6, 1, 1, 1.236);
    Cli r = Cli.murm("compare", "--base", base.toString(), "--head", head.toString());
    assertEquals(0, r.code(), r.out());
    assertTrue(
        r.out().endsWith("verdict: success — every metric is within its tolerance or better\n"),
        r.out());
  }

  @Test
  void aSaturatedRunnerIsInconclusiveWithExitCodeFive() throws IOException {
    Path base = arm("base", 6, 1, 1, 1.236);
    Path head = arm("head", 6, 1.3, 1, 12.5);
    Cli r = Cli.murm("compare", "--base", base.toString(), "--head", head.toString());
    assertEquals(5, r.code(), r.out());
    assertTrue(
        r.out()
            .contains(
                "verdict: neutral — not judged: head run head-0: the runner was saturated"
                    + " (scheduling lag p99 12.500 ms > 10.0 ms)"),
        r.out());
    Cli lenient =
        Cli.murm(
            "compare", "--base", base.toString(), "--head", head.toString(), "--max-lag", "20");
    assertEquals(1, lenient.code(), lenient.out());
  }

  @Test
  void runFoldersCanBeNamedOneByOneAndTheJsonHasTheSameNumbers() throws IOException {
    Path base = arm("base", 4, 1, 1, 1.236);
    Path head = arm("head", 4, 1, 1.02, 1.236);
    Path json = dir.resolve("compare.json");
    Cli r =
        Cli.murm(
            "compare",
            "--base",
            base.resolve("base-0").toString(),
            base.resolve("base-1").toString(),
            base.resolve("base-2").toString(),
            base.resolve("base-3").toString(),
            "--head",
            head.toString(),
            "--tolerance",
            "ttd.p99=20%",
            "--seed",
            "9",
            "--json",
            json.toString());
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertEquals(r.code() == 0 ? "success" : "neutral", root.get("verdict").asText());
    assertEquals(4, root.get("base_runs").asInt());
    assertEquals(9, root.get("settings").get("seed").asInt());
    JsonNode p99 = root.get("metrics").get(1);
    assertEquals("ttd.p99", p99.get("metric").asText());
    assertEquals(0.2, p99.get("tolerance").asDouble());
    assertTrue(r.out().contains("ttd.p99 (tolerance 20 %)"), r.out());
    assertTrue(r.out().contains("seed 9"), r.out());
  }

  @Test
  void aScenarioTimerNamedInAToleranceGetsItsOwnRowAndCanFailTheComparison() throws IOException {
    Path base = arm("base", 8, 1, 1, 1.236);
    Path head = arm("head", 8, 1.3, 1, 1.236);
    Cli r =
        Cli.murm(
            "compare",
            "--base",
            base.toString(),
            "--head",
            head.toString(),
            "--tolerance",
            "timers.join.p99=10%");
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(
        r.out().lines().anyMatch(l -> l.startsWith("timers.join.p99") && l.endsWith("failure")),
        r.out());
    assertTrue(r.out().contains("timers.join.p99 (tolerance 10 %)"), r.out());
  }

  @Test
  void badInputIsOneLineAndExitCodeTwo() throws IOException {
    Path base = arm("base", 3, 1, 1, 1);
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertError(
        "murm: --head " + empty + ": not a run folder (no summary.json in it or its sub-folders)",
        Cli.murm("compare", "--base", base.toString(), "--head", empty.toString()));
    assertError(
        "murm: --base " + dir.resolve("nope") + ": no such folder",
        Cli.murm("compare", "--base", dir.resolve("nope").toString(), "--head", base.toString()));
    assertError(
        "murm: --tolerance ttd.p95=5%: expected METRIC=PERCENT with METRIC one of ttd.p50,"
            + " ttd.p99, messages_per_s or a scenario timer's timers.<name>.p50|p90|p99|p99_9|mean|max",
        Cli.murm(
            "compare",
            "--base",
            base.toString(),
            "--head",
            base.toString(),
            "--tolerance",
            "ttd.p95=5%"));
    assertError(
        "murm: --tolerance ttd.p99=150%: expected a percentage above 0 and below 100, e.g. 10%",
        Cli.murm(
            "compare",
            "--base",
            base.toString(),
            "--head",
            base.toString(),
            "--tolerance",
            "ttd.p99=150%"));
    Cli missing = Cli.murm("compare", "--base", base.toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().startsWith("murm: Missing required option: '--head"), missing.err());
  }

  private static void assertError(String line, Cli r) {
    assertEquals(2, r.code(), r.out());
    assertEquals(line + "\n", r.err());
    assertEquals("", r.out());
  }
}
