package io.murmuration.hook.pipeline;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.jsonResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.murmuration.gate.ChangePoints.ChangePoint;
import io.murmuration.gate.Trends.Found;
import io.murmuration.hook.Job;
import io.murmuration.hook.github.GitHubAuth;
import io.murmuration.hook.github.GitHubReporter;
import io.murmuration.hook.queue.JobStore;
import io.murmuration.hook.queue.Outbox;
import io.murmuration.hook.queue.ReportSender;
import io.murmuration.results.InfluxSettings;
import io.murmuration.sut.LocalInflux;
import io.murmuration.testing.RunHistory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trend check as the service runs it after a merged build's job: a real InfluxDB holding a
 * branch's history whose TTD p99 steps from 20 to 26 ms at its 11th of 20 runs (distinct commits,
 * finished, no pull request), the service's outbox in a real H2 store, sent to a WireMock GitHub
 * with a short back-off. Each test has a repository of its own.
 */
class TrendCheckTest {
  @RegisterExtension
  static WireMockExtension gh =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "ghp_trend0secret";
  private static LocalInflux influx;

  @TempDir Path dir;
  private JobStore store;
  private ReportSender reporter;

  @BeforeEach
  void startOutbox() throws Exception {
    store = JobStore.openH2(dir);
    reporter =
        ReportSender.start(
            store.outbox(),
            new GitHubReporter(GitHubAuth.token(URI.create(gh.baseUrl()), TOKEN, "test")),
            new ReportSender.Backoff(Duration.ofMillis(200), Duration.ofMillis(400)));
  }

  @AfterEach
  void stopOutbox() throws Exception {
    reporter.stop(Duration.ofSeconds(5));
    store.close();
  }

  @BeforeAll
  static void startInflux() {
    influx = LocalInflux.start(LocalInflux.Options.defaults());
  }

  @AfterAll
  static void stopInflux() {
    if (influx != null) {
      influx.close();
    }
  }

  @Test
  void aNewChangePointIsCommentedOnThePushedCommitAndWrittenOnceAndNeverAgain() throws Exception {
    String repo = "acme/chat";
    RunHistory history = RunHistory.of(repo, i -> sha(repo, i));
    List<String> lines = new ArrayList<>(history.steppedRuns(0, 20, 10, 20, 26));
    lines.addAll(history.runsToLeaveOut(15));
    RunHistory.write(influx, lines);
    stubGitHub(repo, sha(repo, 19));
    TrendCheck check = new TrendCheck(influxSettings(), reporter, store);

    List<Found> reported = check.afterPush(stored(repo, sha(repo, 19)));
    awaitNothingPending();

    assertEquals(1, reported.size(), reported.toString());
    LoggedRequest comment =
        onlyOne(
            postRequestedFor(urlPathMatching("/repos/" + repo + "/commits/.*/comments")),
            "commit comments");
    assertEquals(
        "/repos/" + repo + "/commits/" + sha(repo, 19) + "/comments",
        comment.getUrl(),
        "on the pushed commit");
    assertEquals("token " + TOKEN, comment.getHeader("Authorization"));
    String body = JSON.readTree(comment.getBodyAsString()).path("body").asText();
    String before = sha(repo, 9);
    String at = sha(repo, 10);
    assertTrue(
        body.startsWith(
            "<!-- murmuration:report " + TrendCheck.key(reported) + " -->\n" + TrendCheck.MARKER),
        body);
    assertTrue(
        body.matches(
            "(?s).*\\*\\*TTD p99\\*\\* of `one-to-one` on `main` rose \\+\\d+\\.\\d % \\(20\\.\\d"
                + " → 2[56]\\.\\d ms, p = 0\\.001\\) starting with the run of "
                + at.substring(0, 7)
                + "; the change lies in the commits after "
                + before.substring(0, 7)
                + " up to "
                + at.substring(0, 7)
                + " \\(https://github\\.com/acme/chat/compare/"
                + before
                + "\\.\\.\\."
                + at
                + "\\)\\..*"),
        body);
    assertFalse(body.contains("ttd_p50_ms") || body.contains("throughput"), "one change: " + body);

    JsonNode events = changePointEvents(repo);
    assertEquals(1, events.path("values").size(), events.toString());
    assertEquals(at, column(events, "commit"));
    assertEquals("ttd_p99_ms", column(events, "metric"));
    assertEquals("main", column(events, "branch"));
    assertEquals("one-to-one", column(events, "scenario"));
    assertTrue(column(events, "text").endsWith("between commits " + before + " .. " + at));

    // the next merged build: one more run after the step; the same change point is found again
    RunHistory.write(influx, history.steppedRuns(20, 21, 10, 20, 26));
    stubGitHub(repo, sha(repo, 20));
    Job next = stored(repo, sha(repo, 20));
    List<Found> again = check.afterPush(next);
    // and a restarted service (a new check) at the same push finds it reported as well
    List<Found> afterRestart = new TrendCheck(influxSettings(), reporter, store).afterPush(next);
    awaitNothingPending();

    assertEquals(List.of(), again);
    assertEquals(List.of(), afterRestart);
    gh.verify(1, postRequestedFor(urlPathMatching("/repos/" + repo + "/commits/.*/comments")));
    assertEquals(1, changePointEvents(repo).path("values").size());
  }

  /**
   * TTD p50 and p99 step at the same run: one range, one bisection, of the metric that moved most;
   * a change point whose commits are no commit ids (runs tagged by hand) is not bisected.
   */
  @Test
  void changePointsOfOneRangeAreOneBisectionOfTheMetricThatMovedMost() throws Exception {
    String repo = "acme/twice";
    RunHistory history = RunHistory.of(repo, i -> sha(repo, i));
    List<String> lines = new ArrayList<>(history.steppedRuns(0, 20, 10, 20, 26));
    for (int i = 10; i < 20; i++) {
      lines.set(i, lines.get(i).replaceFirst("ttd_p50_ms=[0-9.]+", "ttd_p50_ms=10.000"));
    }
    RunHistory.write(influx, lines);
    String handTagged = "acme/hand";
    RunHistory.write(
        influx,
        RunHistory.of(handTagged, i -> String.format("c%02d", i)).steppedRuns(0, 20, 10, 20, 26));
    stubGitHub(repo, sha(repo, 19));
    stubGitHub(handTagged, "c19");
    TrendCheck check = new TrendCheck(influxSettings(), reporter, store);

    List<Found> found = check.afterPush(stored(repo, sha(repo, 19)));
    List<Found> handFound = check.afterPush(stored(handTagged, "c19"));

    assertEquals(
        Set.of("ttd_p50_ms", "ttd_p99_ms"),
        found.stream().map(Found::metric).collect(java.util.stream.Collectors.toSet()));
    List<Job> bisections = bisections(repo);
    assertEquals(1, bisections.size(), bisections.toString());
    assertEquals("ttd_p50_ms", bisections.get(0).changePoint().metric(), "+100 % against +30 %");
    assertEquals(1, handFound.size(), handFound.toString());
    assertEquals(List.of(), bisections(handTagged));
  }

  @Test
  void anUnreachableInfluxDbIsOneWarnLineNoExceptionAndNoComment() throws Exception {
    String repo = "acme/down";
    stubGitHub(repo, sha(repo, 19));
    TrendCheck check =
        new TrendCheck(
            new InfluxSettings(URI.create("http://127.0.0.1:9"), null, null, null),
            reporter,
            store);
    Job job = stored(repo, sha(repo, 19));

    List<Found> reported = new ArrayList<>();
    String log = stderrOf(() -> reported.addAll(check.afterPush(job)));

    assertEquals(List.of(), reported);
    List<String> warnings = log.lines().filter(l -> l.contains("WARN")).toList();
    assertEquals(1, warnings.size(), log);
    assertTrue(
        warnings
            .get(0)
            .contains(
                "trend check of acme/down main after job "
                    + job.id()
                    + " skipped: InfluxDB at http://127.0.0.1:9 does not answer"),
        log);
    assertEquals(List.of(), store.outbox().ofJob(job.id()), "nothing to report");
    assertEquals(List.of(), gh.getAllServeEvents(), "GitHub is not called");
  }

  /**
   * What an operator saw: GitHub refused the change point's comment once. The change point is
   * written as reported, and its comment, stored, is posted at the next attempt; the next push
   * neither reports it again nor posts a second comment.
   */
  @Test
  void aCommentGitHubRefusesOnceIsPostedAtTheNextAttemptAndNotAgainOnTheNextPush()
      throws Exception {
    String repo = "acme/refused";
    RunHistory history = RunHistory.of(repo, i -> sha(repo, i));
    RunHistory.write(influx, history.steppedRuns(0, 20, 10, 20, 26));
    stubGitHub(repo, sha(repo, 19));
    String comments = "/repos/" + repo + "/commits/" + sha(repo, 19) + "/comments";
    gh.stubFor(
        post(urlPathEqualTo(comments))
            .inScenario("refused once")
            .whenScenarioStateIs(STARTED)
            .willSetStateTo("up")
            .willReturn(jsonResponse("{\"message\":\"Server Error\"}", 500)));
    gh.stubFor(
        post(urlPathEqualTo(comments))
            .inScenario("refused once")
            .whenScenarioStateIs("up")
            .willReturn(jsonResponse("{\"id\":500}", 201)));
    TrendCheck check = new TrendCheck(influxSettings(), reporter, store);
    Job job = stored(repo, sha(repo, 19));

    List<Found> reported = new ArrayList<>();
    String log =
        stderrOf(
            () -> {
              reported.addAll(check.afterPush(job));
              awaitNothingPending();
            });
    stubGitHub(repo, sha(repo, 20));
    List<Found> next = check.afterPush(stored(repo, sha(repo, 20)));
    awaitNothingPending();

    assertEquals(1, reported.size());
    assertEquals(1, changePointEvents(repo).path("values").size());
    List<String> warnings = log.lines().filter(l -> l.contains("WARN")).toList();
    assertEquals(1, warnings.size(), log);
    assertTrue(
        warnings
            .get(0)
            .contains(
                "GitHub: commit comment "
                    + TrendCheck.key(reported)
                    + " of job "
                    + job.id()
                    + " (acme/refused@"
                    + sha(repo, 19).substring(0, 7)
                    + ") not posted: could not write commit comment: HTTP 500 at"),
        log);
    assertFalse(log.contains(TOKEN), log);
    Outbox.Report comment = store.outbox().ofJob(job.id()).get(0);
    assertEquals(Outbox.State.POSTED, comment.state());
    assertEquals(2, comment.attempts());
    assertEquals(List.of(), next);
    gh.verify(2, postRequestedFor(urlPathMatching("/repos/" + repo + "/commits/.*/comments")));
  }

  /**
   * The comment is stored before the events are written: when they are missing (the service died
   * between the two, or InfluxDB refused the write), the next push finds the change point again and
   * writes its events, and the comment it stores is the one already there.
   */
  @Test
  void aChangePointFoundAgainBecauseItsEventsAreMissingIsCommentedOnce() throws Exception {
    String repo = "acme/again";
    RunHistory history = RunHistory.of(repo, i -> sha(repo, i));
    RunHistory.write(influx, history.steppedRuns(0, 20, 10, 20, 26));
    stubGitHub(repo, sha(repo, 19));
    TrendCheck check = new TrendCheck(influxSettings(), reporter, store);
    assertEquals(1, check.afterPush(stored(repo, sha(repo, 19))).size());
    awaitNothingPending();
    influx.query("DROP SERIES FROM \"event\" WHERE \"repo\" = '" + repo + "'");
    assertEquals(0, changePointEvents(repo).path("values").size());

    RunHistory.write(influx, history.steppedRuns(20, 21, 10, 20, 26));
    stubGitHub(repo, sha(repo, 20));
    Job next = stored(repo, sha(repo, 20));
    List<Found> foundAgain = check.afterPush(next);
    awaitNothingPending();

    assertEquals(1, foundAgain.size(), "not reported: no event");
    assertEquals(1, changePointEvents(repo).path("values").size(), "written now");
    assertEquals(List.of(), store.outbox().ofJob(next.id()), "the same comment: none stored");
    gh.verify(1, postRequestedFor(urlPathMatching("/repos/" + repo + "/commits/.*/comments")));
  }

  @Test
  void whenTheCommentCannotBeStoredNoEventIsWrittenSoTheNextPushReportsTheChangePoint()
      throws Exception {
    String repo = "acme/unstored";
    RunHistory history = RunHistory.of(repo, i -> sha(repo, i));
    RunHistory.write(influx, history.steppedRuns(0, 20, 10, 20, 26));
    stubGitHub(repo, sha(repo, 19));
    TrendCheck check = new TrendCheck(influxSettings(), reporter, store);
    Job unknown = push(999, repo, sha(repo, 19)); // not in the store: the outbox refuses it

    List<Found> reported = new ArrayList<>();
    String log = stderrOf(() -> reported.addAll(check.afterPush(unknown)));

    assertEquals(List.of(), reported);
    assertTrue(
        log.contains(
            "trend check after job 999: 1 change point(s) not reported, found again after the"
                + " next push: the comment could not be stored: "),
        log);
    assertEquals(0, changePointEvents(repo).path("values").size());
    assertEquals(1, check.afterPush(stored(repo, sha(repo, 19))).size());
    awaitNothingPending();
    assertEquals(1, changePointEvents(repo).path("values").size());
    gh.verify(1, postRequestedFor(urlPathMatching("/repos/" + repo + "/commits/.*/comments")));
  }

  @Test
  void theSameChangePointsMakeTheSameKeyInAnyOrder() {
    Found a = found("acme/chat", "ttd_p99_ms", "c1");
    Found b = found("acme/chat", "ttd_p50_ms", "c1");

    assertEquals(TrendCheck.key(List.of(a, b)), TrendCheck.key(List.of(b, a)));
    assertFalse(TrendCheck.key(List.of(a)).equals(TrendCheck.key(List.of(a, b))));
    assertFalse(
        TrendCheck.key(List.of(a))
            .equals(TrendCheck.key(List.of(found("acme/x", "ttd_p99_ms", "c1")))));
    assertTrue(TrendCheck.key(List.of(a)).matches("change-points:[0-9a-f]{64}"));
  }

  @Test
  void theCompareLinkIsOnTheCloneUrlsHostWithoutCredentials() {
    assertEquals(
        "https://ghe.example:8443/acme/chat",
        TrendCheck.webUrl(
            withCloneUrl(push(1, "acme/chat", "a"), "https://x:y@ghe.example:8443/acme/chat.git")));
    assertEquals(
        "https://github.com/acme/chat",
        TrendCheck.webUrl(withCloneUrl(push(1, "acme/chat", "a"), "/tmp/chat")));
    assertEquals("TTD p99.9", TrendCheck.metricName("ttd_p999_ms"));
    assertEquals("TTD p50", TrendCheck.metricName("ttd_p50_ms"));
    assertEquals("delivered per second", TrendCheck.metricName("msg_per_s"));
  }

  // --- helpers

  private static InfluxSettings influxSettings() {
    return InfluxSettings.of(influx.url().toString(), null, null, Map.of());
  }

  /** A push job at {@code sha}, as the store accepted it (a report names a job of the store). */
  private Job stored(String repo, String sha) throws Exception {
    Job job = push(0, repo, sha);
    return store
        .accept(
            new Job(
                0,
                "delivery-" + UUID.randomUUID(),
                job.trigger(),
                job.repo(),
                job.cloneUrl(),
                job.defaultBranch(),
                job.branch(),
                job.sha(),
                null,
                null,
                null,
                null,
                job.requestedBy(),
                Job.State.QUEUED,
                job.acceptedAt()))
        .orElseThrow();
  }

  /** Until the outbox has sent everything it holds; fails after 20 s. */
  private void awaitNothingPending() {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    try {
      while (store.outbox().counts().pending() > 0) {
        assertTrue(System.nanoTime() < deadline, "still pending: " + store.outbox().notPosted(10));
        Thread.sleep(20);
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Found found(String repo, String metric, String commit) {
    return new Found(
        repo,
        "main",
        "one-to-one",
        metric,
        0,
        commit,
        "c0",
        new ChangePoint(10, 20, 26, 0.3, 1e-6));
  }

  /** The repository and the commit the comment goes on, as GitHub answers them. */
  private static void stubGitHub(String repo, String sha) {
    String path = "/repos/" + repo;
    gh.stubFor(
        get(path)
            .willReturn(
                okJson(
                    "{\"id\":1,\"name\":\""
                        + repo.substring(repo.indexOf('/') + 1)
                        + "\",\"full_name\":\""
                        + repo
                        + "\",\"owner\":{\"login\":\"acme\"},\"url\":\""
                        + gh.baseUrl()
                        + path
                        + "\"}")));
    gh.stubFor(get(path + "/commits/" + sha).willReturn(okJson("{\"sha\":\"" + sha + "\"}")));
    gh.stubFor(
        get(urlPathEqualTo(path + "/commits/" + sha + "/comments")).willReturn(okJson("[]")));
    gh.stubFor(
        post(urlPathEqualTo(path + "/commits/" + sha + "/comments"))
            .willReturn(jsonResponse("{\"id\":500,\"body\":\"…\"}", 201)));
  }

  private List<Job> bisections(String repo) throws Exception {
    return store.recent(1000).stream()
        .filter(j -> j.trigger() == Job.Trigger.BISECT && j.repo().equals(repo))
        .toList();
  }

  static Job push(long id, String repo, String sha) {
    return new Job(
        id,
        "delivery-" + id,
        Job.Trigger.PUSH,
        repo,
        "https://github.com/" + repo + ".git",
        "main",
        "main",
        sha,
        null,
        null,
        null,
        null,
        "octocat",
        Job.State.RUNNING,
        Instant.now());
  }

  private static Job withCloneUrl(Job j, String cloneUrl) {
    return new Job(
        j.id(),
        j.deliveryId(),
        j.trigger(),
        j.repo(),
        cloneUrl,
        j.defaultBranch(),
        j.branch(),
        j.sha(),
        j.pr(),
        j.baseSha(),
        j.baseBranch(),
        j.installationId(),
        j.requestedBy(),
        j.state(),
        j.acceptedAt());
  }

  /** A commit id as git makes them: 40 hex digits, distinct per repository and run. */
  static String sha(String repo, int i) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1")
                  .digest((repo + " " + i).getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static JsonNode changePointEvents(String repo) throws Exception {
    return JSON.readTree(
            influx.query(
                "SELECT * FROM \"event\" WHERE \"type\" = 'change_point' AND \"repo\" = '"
                    + repo
                    + "'"))
        .path("results")
        .path(0)
        .path("series")
        .path(0);
  }

  private static String column(JsonNode series, String name) {
    List<String> columns = new ArrayList<>();
    series.path("columns").forEach(c -> columns.add(c.asText()));
    return series.path("values").path(0).path(columns.indexOf(name)).asText();
  }

  private static LoggedRequest onlyOne(
      com.github.tomakehurst.wiremock.matching.RequestPatternBuilder p, String what) {
    List<LoggedRequest> found = gh.findAll(p);
    assertEquals(1, found.size(), what);
    return found.get(0);
  }

  /** Everything written to standard error (where the log goes) while {@code action} runs. */
  private static String stderrOf(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    original.print(text);
    return text;
  }
}
