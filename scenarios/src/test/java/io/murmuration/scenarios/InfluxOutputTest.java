package io.murmuration.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.sut.LocalInflux;
import io.murmuration.testing.Cli;
import io.murmuration.testing.LocalServersExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs write their metrics to a real InfluxDB (Debian's influxd) — and lose none of them when it is
 * down, slow to come back, refuses the credentials or lacks the database.
 */
@ExtendWith(LocalServersExtension.class)
class InfluxOutputTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static LocalInflux influx;

  @TempDir Path runs;

  @BeforeAll
  static void startInflux() {
    influx = LocalInflux.start(LocalInflux.Options.defaults());
  }

  @AfterAll
  static void stopInflux() {
    influx.close();
  }

  private List<String> runArgs(LocalEjabberd ejabberd, int users, String duration, String... more) {
    int first = LocalServersExtension.freshUserIds(users);
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "one-to-one",
                "--target",
                ejabberd.c2s().getHostString() + ":" + ejabberd.c2s().getPort(),
                "--domain",
                ejabberd.domain(),
                "--users",
                Integer.toString(users),
                "--first-user",
                Integer.toString(first),
                "--arrival-rate",
                "100",
                "--duration",
                duration,
                "--accounts",
                "http-api",
                "--http-api",
                ejabberd.httpApi().toString(),
                "-Pbucket_size=4",
                "-Pinterval=200ms",
                "-Pmessages=0",
                "-Plinger=1s",
                "--runs-dir",
                runs.toString(),
                "--quiet"));
    args.addAll(List.of(more));
    return args;
  }

  @Test
  void aRunWritesItsIntervalsItsSummaryAndItsEventsWithItsTags(LocalEjabberd ejabberd)
      throws Exception {
    Cli run =
        Cli.murm(
            runArgs(
                    ejabberd,
                    20,
                    "8s",
                    "--influx",
                    influx.url().toString(),
                    "--tag",
                    "repo=acme/chat,branch=main",
                    "--tag",
                    "commit=0123abc",
                    "--tag",
                    "sut=ejabberd")
                .toArray(String[]::new));
    assertEquals(0, run.code(), run.toString());
    String id = run.summary().get("run_id").asText();
    JsonNode summary = run.summary();

    assertEquals(expectedIntervalPoints(run.runFolder()), count("interval", "users", id));
    JsonNode point = rows("SELECT * FROM \"run\" WHERE run_id = '" + id + "'").get(0);
    assertEquals(summary.at("/messages/sent").asLong(), point.get("sent").asLong());
    assertEquals(summary.at("/ttd_ms/count").asLong(), point.get("ttd_count").asLong());
    assertEquals(summary.at("/ttd_ms/p99").asDouble(), point.get("ttd_p99_ms").asDouble());
    assertEquals("finished", point.get("state").asText());
    assertEquals("acme/chat", point.get("repo").asText());
    assertEquals("main", point.get("branch").asText());
    assertEquals("0123abc", point.get("commit").asText());
    assertEquals("cli", point.get("trigger").asText());
    assertEquals("one-to-one", point.get("scenario").asText());

    // the intervals add up to the run: every message sent and every TTD sample is in one window
    JsonNode sums =
        rows("SELECT sum(sent), sum(ttd_count) FROM \"interval\" WHERE run_id = '" + id + "'")
            .get(0);
    assertEquals(summary.at("/messages/sent").asLong(), sums.get("sum").asLong());
    assertEquals(summary.at("/ttd_ms/count").asLong(), sums.get("sum_1").asLong());
    JsonNode busiest =
        rows("SELECT max(\"users\"), max(ttd_p99_ms) FROM \"interval\" WHERE run_id = '" + id + "'")
            .get(0);
    assertEquals(20, busiest.get("max").asInt());
    assertTrue(busiest.get("max_1").asDouble() > 0, busiest.toString());

    List<String> events = new ArrayList<>();
    rows("SELECT * FROM event WHERE run_id = '" + id + "'")
        .forEach(e -> events.add(e.get("type").asText()));
    assertEquals(List.of("commit", "run_end", "run_start"), events.stream().sorted().toList());
    assertTrue(run.out().contains("influx: writing to " + influx.url()), run.out());
    assertFalse(Files.exists(run.runFolder().resolve("influx-spool.lp")));
  }

  @Test
  void everyPointArrivesWhenInfluxdStopsInTheMiddleOfARunAndComesBack(LocalEjabberd ejabberd)
      throws Exception {
    // its own thread: the run's HTTP calls complete on the common pool, which has one worker here
    ExecutorService thread = Executors.newSingleThreadExecutor();
    Future<Cli> running =
        thread.submit(
            () ->
                Cli.murm(
                    runArgs(ejabberd, 20, "20s", "--influx", influx.url().toString())
                        .toArray(String[]::new)));
    thread.shutdown();
    TimeUnit.SECONDS.sleep(5);
    influx.stop();
    TimeUnit.SECONDS.sleep(8); // at least one window is made while influxd is away
    influx.start();
    Cli run = running.get(2, TimeUnit.MINUTES);

    assertEquals(0, run.code(), run.toString());
    assertTrue(run.out().contains("cannot be written to"), run.out());
    assertTrue(run.out().contains("answers again"), run.out());
    String id = run.summary().get("run_id").asText();
    assertEquals(expectedIntervalPoints(run.runFolder()), count("interval", "users", id));
    assertEquals(expectedIntervalPoints(run.runFolder()), count("timer", "count", id));
    assertEquals(expectedIntervalPoints(run.runFolder()), count("counter", "count", id));
    assertEquals(1, count("run", "sent", id));
    assertEquals(1, count("run_timer", "count", id));
    assertEquals(1, count("run_counter", "total", id));
    assertEquals(2, count("event", "title", id));
    assertFalse(Files.exists(run.runFolder().resolve("influx-spool.lp")), run.out());
  }

  @Test
  void pointsARunCouldNotWriteAreKeptUntilInfluxPushSendsThem(LocalEjabberd ejabberd)
      throws Exception {
    String wrongDatabase = "not_created_" + System.nanoTime();
    Cli run =
        Cli.murm(
            runArgs(
                    ejabberd,
                    8,
                    "4s",
                    "--influx",
                    influx.url().toString(),
                    "--influx-db",
                    wrongDatabase)
                .toArray(String[]::new));

    assertEquals(0, run.code(), "the run itself goes on: " + run);
    String problem =
        run.out().lines().filter(l -> l.startsWith("influx: ")).findFirst().orElseThrow();
    assertTrue(
        problem.contains("has no database '" + wrongDatabase + "'")
            && problem.contains("--influx-db")
            && problem.contains("influx-spool.lp"),
        problem);
    Path spool = run.runFolder().resolve("influx-spool.lp");
    long kept;
    try (Stream<String> lines = Files.lines(spool)) {
      kept = lines.count();
    }
    // per window: the interval point and one point per declared timer and counter (one-to-one
    // declares timer bucket_wait and counter bucket_short); at the end: run, its two events, and
    // one run_timer and run_counter point per declared metric
    JsonNode declared = run.summary();
    int metrics = declared.get("timers_ms").size() + declared.get("counters").size();
    assertEquals(2, metrics, declared.toString());
    long expected = expectedIntervalPoints(run.runFolder()) * (1 + metrics) + 1 + 2 + metrics;
    assertEquals(expected, kept);
    assertTrue(run.out().contains(kept + " kept in " + spool), run.out());

    influx.query("CREATE DATABASE \"" + wrongDatabase + "\"");
    Cli push =
        Cli.murm(
            "influx",
            "push",
            run.runFolder().toString(),
            "--influx",
            influx.url().toString(),
            "--influx-db",
            wrongDatabase);
    assertEquals(0, push.code(), push.toString());
    assertTrue(push.out().contains(kept + " points written"), push.out());
    assertFalse(Files.exists(spool));
    String id = run.summary().get("run_id").asText();
    JsonNode n =
        JSON.readTree(
            influx.query(
                "SELECT count(\"users\") FROM \""
                    + wrongDatabase
                    + "\"..\"interval\" WHERE run_id = '"
                    + id
                    + "'"));
    assertEquals(
        expectedIntervalPoints(run.runFolder()),
        n.at("/results/0/series/0/values/0/1").asLong(),
        n.toString());
  }

  @Test
  void refusedCredentialsAreOneLineAtTheStartAndTheRunKeepsItsPoints(LocalEjabberd ejabberd)
      throws Exception {
    try (LocalInflux secured =
        LocalInflux.start(LocalInflux.Options.defaults().withCredentials("admin", "right"))) {
      Cli run =
          Cli.murm(
              Map.of("MURM_INFLUX_USER", "admin", "MURM_INFLUX_PASSWORD", "wrong-secret"),
              runArgs(ejabberd, 8, "3s", "--influx", secured.url().toString())
                  .toArray(String[]::new));
      assertEquals(0, run.code(), run.toString());
      List<String> influxLines = run.out().lines().filter(l -> l.startsWith("influx: ")).toList();
      assertEquals(2, influxLines.size(), run.out()); // the problem, then what was kept
      assertTrue(influxLines.get(0).contains("refused the credentials"), influxLines.get(0));
      assertTrue(influxLines.get(0).contains("MURM_INFLUX_PASSWORD"), influxLines.get(0));
      assertFalse(run.out().contains("wrong-secret") || run.err().contains("wrong-secret"));
      assertTrue(Files.size(run.runFolder().resolve("influx-spool.lp")) > 0);
      assertTrue(Files.exists(run.runFolder().resolve("summary.json")));
    }
  }

  @Test
  void anInfluxDbThatIsNotThereIsOneLineAtTheStartAndTheRunGoesOn(LocalEjabberd ejabberd)
      throws Exception {
    int nobodyListens;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      nobodyListens = free.getLocalPort();
    }
    String url = "http://127.0.0.1:" + nobodyListens;
    Cli run = Cli.murm(runArgs(ejabberd, 8, "3s", "--influx", url).toArray(String[]::new));

    assertEquals(0, run.code(), run.toString());
    List<String> lines = run.out().lines().toList();
    int started =
        lines.indexOf(lines.stream().filter(l -> l.startsWith("run ")).findFirst().orElseThrow());
    String problem = lines.get(started + 1);
    assertTrue(
        problem.startsWith("influx: InfluxDB at " + url + " cannot be written to (")
            && problem.contains("influx-spool.lp"),
        run.out());
    assertTrue(Files.size(run.runFolder().resolve("influx-spool.lp")) > 0);
    assertTrue(Files.exists(run.runFolder().resolve("summary.json")));
  }

  /** One point per 5 reporter intervals (the reporter logs one ttd histogram per interval). */
  private static long expectedIntervalPoints(Path runFolder) throws IOException {
    long intervals;
    try (Stream<String> lines = Files.lines(runFolder.resolve("metrics.hlog"))) {
      intervals = lines.filter(l -> l.startsWith("Tag=ttd,")).count();
    }
    return (intervals + 4) / 5;
  }

  private static long count(String measurement, String field, String runId) throws IOException {
    JsonNode n =
        JSON.readTree(
            influx.query(
                "SELECT count(\""
                    + field
                    + "\") FROM \""
                    + measurement
                    + "\" WHERE run_id = '"
                    + runId
                    + "'"));
    return n.at("/results/0/series/0/values/0/1").asLong();
  }

  /** The rows of a query as objects, column name → value. */
  private static List<JsonNode> rows(String query) throws IOException {
    JsonNode series = JSON.readTree(influx.query(query)).at("/results/0/series/0");
    List<JsonNode> rows = new ArrayList<>();
    for (JsonNode values : series.path("values")) {
      var row = JSON.createObjectNode();
      for (int i = 0; i < values.size(); i++) {
        row.set(series.get("columns").get(i).asText(), values.get(i));
      }
      rows.add(row);
    }
    return rows;
  }
}
