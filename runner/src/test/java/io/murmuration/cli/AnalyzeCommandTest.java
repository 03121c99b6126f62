package io.murmuration.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.murmuration.sut.LocalInflux;
import io.murmuration.testing.Cli;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code murm analyze} against a real InfluxDB holding 60 runs with a step in TTD p99. */
class AnalyzeCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static LocalInflux influx;

  @BeforeAll
  static void startInfluxAndWriteHistory() throws Exception {
    influx = LocalInflux.start(LocalInflux.Options.defaults());
    Random r = new Random(11);
    long start = System.currentTimeMillis() - 2 * 24 * 3600_000L;
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      double p99 = (i < 30 ? 20 : 26) + 0.5 * r.nextGaussian();
      // the other metrics wobble in a fixed pattern without a change: random noise would give a
      // false change point in a few series of 1,000 (docs/gate.md), and this test is about the step
      double wobble = 0.01 * ((i * 7) % 5 - 2);
      double p50 = 5 * (1 + wobble);
      double perS = 800 * (1 - wobble);
      lines.add(
          String.format(
              Locale.ROOT,
              "run,repo=acme/chat,branch=main,scenario=one-to-one,commit=c%02d,run_id=r%02d"
                  + " state=\"finished\",ttd_p50_ms=%.3f,ttd_p99_ms=%.3f,msg_per_s=%.2f %d",
              i,
              i,
              p50,
              p99,
              perS,
              start + i * 600_000L));
    }
    // not the branch's history: a pull request's run and a failed run, both far off
    lines.add(
        "run,repo=acme/chat,branch=main,scenario=one-to-one,commit=px,pr=7,run_id=pr"
            + " state=\"finished\",ttd_p50_ms=50,ttd_p99_ms=500,msg_per_s=1 "
            + (start + 45 * 600_000L + 1));
    lines.add(
        "run,repo=acme/chat,branch=main,scenario=one-to-one,commit=fx,run_id=failed"
            + " state=\"failed\",ttd_p50_ms=50,ttd_p99_ms=500,msg_per_s=1 "
            + (start + 15 * 600_000L + 1));
    HttpResponse<String> written =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(influx.url() + "/write?db=murmuration&precision=ms"))
                    .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(204, written.statusCode(), written.body());
  }

  @AfterAll
  static void stopInflux() {
    if (influx != null) {
      influx.close();
    }
  }

  private static JsonNode changePointEvents() throws IOException {
    JsonNode answer =
        JSON.readTree(influx.query("SELECT * FROM \"event\" WHERE \"type\" = 'change_point'"));
    return answer.path("results").path(0).path("series").path(0);
  }

  @Test
  void theStepIsOneChangePointAtItsCommitWrittenOnceHoweverOftenAnalyzeRuns() throws IOException {
    Cli first = Cli.murm("analyze", "--influx", influx.url().toString(), "--write");
    assertEquals(0, first.code(), first.out() + first.err());
    List<String> rows = first.out().lines().filter(l -> l.startsWith("acme/chat")).toList();
    assertEquals(1, rows.size(), first.out());
    assertTrue(rows.get(0).matches("acme/chat main one-to-one +ttd_p99_ms +c30 .*"), rows.get(0));
    assertTrue(rows.get(0).contains("+"), rows.get(0));
    assertTrue(rows.get(0).endsWith("  0.001"), "no shuffle split as well: " + rows.get(0));
    assertTrue(
        first
            .out()
            .contains(
                "E-Divisive means, permutation test (999 shuffles, seed 1), alpha 0.005, minimum"
                    + " segment 3 runs"),
        first.out());
    assertTrue(first.out().contains("1 change_point event written"), first.out());

    JsonNode events = changePointEvents();
    assertEquals(1, events.path("values").size(), events.toString());
    List<String> columns = new ArrayList<>();
    events.path("columns").forEach(c -> columns.add(c.asText()));
    JsonNode event = events.path("values").path(0);
    assertEquals("c30", event.path(columns.indexOf("commit")).asText());
    assertEquals("acme/chat", event.path(columns.indexOf("repo")).asText());
    assertEquals("main", event.path(columns.indexOf("branch")).asText());
    assertEquals("one-to-one", event.path(columns.indexOf("scenario")).asText());
    assertEquals("ttd_p99_ms", event.path(columns.indexOf("metric")).asText());
    assertTrue(
        event.path(columns.indexOf("title")).asText().matches("ttd_p99_ms \\+\\d+\\.\\d %"),
        event.toString());
    assertTrue(
        event.path(columns.indexOf("text")).asText().endsWith("between commits c29 .. c30"),
        event.toString());
    // the pull request's and the failed run's 500 ms are not in the means
    assertTrue(
        event
            .path(columns.indexOf("text"))
            .asText()
            .matches("ttd_p99_ms 20\\.\\d+ → 2[56]\\.\\d+ .*"),
        event.toString());

    Cli second = Cli.murm("analyze", "--influx", influx.url().toString(), "--write");
    assertEquals(0, second.code(), second.out() + second.err());
    assertEquals(1, changePointEvents().path("values").size(), "no duplicate event");
  }

  @Test
  void aSeriesWithoutAChangeIsAnalysedWithExitZeroAndNothingWritten() {
    Cli r =
        Cli.murm(
            "analyze", "--influx", influx.url().toString(), "--metric", "ttd_p50_ms,msg_per_s");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().startsWith("0 change points in 1 series of branch main"), r.out());
  }

  @Test
  void anotherBranchHasNoSeries() {
    Cli r = Cli.murm("analyze", "--influx", influx.url().toString(), "--branch", "release");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("0 change points in 0 series of branch release"), r.out());
  }

  @Test
  void anUnreachableInfluxOrAMissingDatabaseIsOneLineAndExitTwo() {
    Cli down = Cli.murm("analyze", "--influx", "http://127.0.0.1:9");
    assertEquals(2, down.code());
    assertEquals(1, down.err().lines().count(), down.err());
    assertTrue(down.err().contains("does not answer"), down.err());

    Cli noDb = Cli.murm("analyze", "--influx", influx.url().toString(), "--influx-db", "nope");
    assertEquals(2, noDb.code());
    assertTrue(noDb.err().contains("has no database 'nope'"), noDb.err());

    Cli noUrl = Cli.murm("analyze");
    assertEquals(2, noUrl.code());
    assertTrue(noUrl.err().contains("--influx http://host:8086"), noUrl.err());

    Cli badSince = Cli.murm("analyze", "--influx", influx.url().toString(), "--since", "3 days");
    assertEquals(2, badSince.code());
    assertTrue(badSince.err().contains("--since"), badSince.err());
  }

  @Test
  void tooFewPermutationsForAlphaIsOneLineNamingHowManyAndExitTwo() {
    Cli r =
        Cli.murm(
            "analyze",
            "--influx",
            influx.url().toString(),
            "--alpha",
            "0.01",
            "--permutations",
            "50");
    assertEquals(2, r.code(), r.out() + r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(
        r.err()
            .contains(
                "--permutations 50 can never give a p-value below alpha 0.01: use at least 100"),
        r.err());
  }

  @Test
  void theCredentialsComeFromTheEnvironmentAndARefusalIsOneLineAndExitTwo() {
    try (LocalInflux secured =
        LocalInflux.start(LocalInflux.Options.defaults().withCredentials("murm", "s3cret"))) {
      String url = secured.url().toString();
      Cli ok =
          Cli.murm(
              Map.of("MURM_INFLUX_USER", "murm", "MURM_INFLUX_PASSWORD", "s3cret"),
              "analyze",
              "--influx",
              url);
      assertEquals(0, ok.code(), ok.err());
      assertTrue(ok.out().startsWith("0 change points in 0 series"), ok.out());

      Cli refused =
          Cli.murm(
              Map.of("MURM_INFLUX_USER", "murm", "MURM_INFLUX_PASSWORD", "wrong"),
              "analyze",
              "--influx",
              url);
      assertEquals(2, refused.code());
      assertEquals(1, refused.err().lines().count(), refused.err());
      assertTrue(refused.err().contains("refused the credentials"), refused.err());
      assertTrue(!refused.err().contains("wrong"), "the password is not printed");
    }
  }
}
