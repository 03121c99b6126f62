package io.murmuration.hook.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.murmuration.gate.VerdictEvent;
import io.murmuration.hook.Job;
import io.murmuration.results.InfluxSettings;
import io.murmuration.sut.LocalInflux;
import io.murmuration.testing.DashboardQueries;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Verdict events as the service writes them, read back by the dashboards' own annotation queries
 * against a real InfluxDB: a pull request's gate verdict by the Compare dashboard, a merged build's
 * by the Trends dashboard; and an InfluxDB that does not answer is one WARN line.
 */
class VerdictWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HEAD = "c0ffee5c0ffee5c0ffee5c0ffee5c0ffee5c0ffe";
  private static final String MAIN = "3f2a9c13f2a9c13f2a9c13f2a9c13f2a9c13f2a9";

  @Test
  void theCompareAndTrendsDashboardsVerdictAnnotationsShowTheVerdictsWritten() throws Exception {
    Instant at = Instant.parse("2026-11-20T10:15:30Z");
    try (LocalInflux influx = LocalInflux.start(LocalInflux.Options.defaults())) {
      VerdictWriter writer =
          new VerdictWriter(InfluxSettings.of(influx.url().toString(), null, null, Map.of()));
      Job pr = job(Job.Trigger.PULL_REQUEST, 7, "faster-acks", HEAD);
      Job push = job(Job.Trigger.PUSH, null, "main", MAIN);

      writer.write(
          pr,
          List.of(
              RunnerCommand.verdict(
                  pr, HEAD, "head", "one-to-one", at, "one-to-one: failure", "ttd.p50: worse")));
      writer.write(
          push,
          List.of(
              RunnerCommand.verdict(
                  push,
                  MAIN,
                  null,
                  "one-to-one",
                  at.plusSeconds(60),
                  "one-to-one: success",
                  "TTD p99 4.1 ms, 0 lost (job 8)")));

      JsonNode compare =
          annotation(
              influx, "compare.json", Map.of("repo", List.of("acme/chat"), "pr", List.of("7")), at);
      assertEquals(List.of("time", "title", "text", "arm"), columns(compare), compare.toString());
      assertEquals(1, compare.path("values").size(), compare.toString());
      JsonNode row = compare.path("values").path(0);
      assertEquals(at.toEpochMilli(), row.path(0).asLong());
      assertEquals("one-to-one: failure", row.path(1).asText());
      assertEquals("ttd.p50: worse", row.path(2).asText());
      assertEquals("head", row.path(3).asText());

      JsonNode trends =
          annotation(
              influx,
              "trends.json",
              Map.of(
                  "repo", List.of("acme/chat"),
                  "branch", List.of("main"),
                  "scenario", List.of("one-to-one")),
              at);
      assertEquals(1, trends.path("values").size(), trends.toString());
      assertEquals("one-to-one: success", trends.path("values").path(0).path(1).asText());
      assertEquals("verdict", trends.path("values").path(0).path(3).asText());
      JsonNode tags =
          JSON.readTree(
                  influx.query(
                      "SELECT \"title\" FROM \"event\" WHERE \"type\" = 'verdict'"
                          + " AND \"trigger\" = 'push' GROUP BY *"))
              .at("/results/0/series/0/tags");
      assertEquals(
          Map.of(
              "repo", "acme/chat",
              "branch", "main",
              "commit", MAIN,
              "trigger", "push",
              "scenario", "one-to-one",
              "type", "verdict",
              "pr", "",
              "arm", ""),
          JSON.convertValue(tags, Map.class),
          "the push's verdict, tagged like its runs");
    }
  }

  @Test
  void anInfluxDbThatDoesNotAnswerIsOneWarnLineAndNoException() {
    VerdictWriter writer =
        new VerdictWriter(new InfluxSettings(URI.create("http://127.0.0.1:9"), null, null, null));
    Job push = job(Job.Trigger.PUSH, null, "main", MAIN);
    VerdictEvent v = RunnerCommand.verdict(push, MAIN, null, "one-to-one", Instant.now(), "t", "x");

    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      writer.write(push, List.of(v));
      writer.write(push, List.of()); // nothing to write: not even a request
    } finally {
      System.setErr(original);
    }

    String log = captured.toString(StandardCharsets.UTF_8);
    List<String> warnings = log.lines().filter(l -> l.contains("WARN")).toList();
    assertEquals(1, warnings.size(), log);
    assertTrue(
        warnings
            .get(0)
            .contains(
                "verdict events of job 8 not written: InfluxDB at http://127.0.0.1:9 does not"
                    + " answer"),
        log);
  }

  /** The rows of {@code file}'s Verdicts annotation, the variables set to {@code values}. */
  private static JsonNode annotation(
      LocalInflux influx, String file, Map<String, List<String>> values, Instant at)
      throws Exception {
    JsonNode dashboard =
        DashboardQueries.read(DashboardQueries.dashboardsFolder().resolve("murmuration/" + file));
    for (JsonNode a : dashboard.path("annotations").path("list")) {
      if (a.path("name").asText().equals("Verdicts")) {
        String query =
            DashboardQueries.expand(
                DashboardQueries.annotationQuery(a),
                DashboardQueries.variables(dashboard),
                new DashboardQueries.Context(
                    at.toEpochMilli() - 3_600_000, at.toEpochMilli() + 3_600_000, "10s", values));
        return JSON.readTree(influx.query(query)).path("results").path(0).path("series").path(0);
      }
    }
    throw new AssertionError(file + " has no Verdicts annotation");
  }

  private static List<String> columns(JsonNode series) {
    List<String> columns = new ArrayList<>();
    series.path("columns").forEach(c -> columns.add(c.asText()));
    return columns;
  }

  private static Job job(Job.Trigger trigger, Integer pr, String branch, String sha) {
    return new Job(
        8,
        "delivery-8",
        trigger,
        "acme/chat",
        "https://github.com/acme/chat.git",
        "main",
        branch,
        sha,
        pr,
        pr == null ? null : MAIN,
        pr == null ? null : "main",
        null,
        "alice",
        Job.State.RUNNING,
        Instant.now());
  }
}
