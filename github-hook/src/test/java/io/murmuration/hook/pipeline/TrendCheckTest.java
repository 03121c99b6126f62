package io.murmuration.hook.pipeline;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.jsonResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.murmuration.gate.Trends.Found;
import io.murmuration.hook.Job;
import io.murmuration.hook.github.GitHubAuth;
import io.murmuration.hook.github.GitHubReporter;
import io.murmuration.hook.queue.JobStore;
import io.murmuration.results.InfluxSettings;
import io.murmuration.sut.LocalInflux;
import io.murmuration.testing.RunHistory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trend check as the service runs it after a merged build's job: a real InfluxDB holding a
 * branch's history whose TTD p99 steps from 20 to 26 ms at its 11th of 20 runs (distinct commits,
 * finished, no pull request), and a WireMock GitHub. Each test has a repository of its own.
 */
class TrendCheckTest {
  @RegisterExtension
  static WireMockExtension gh =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "ghp_trend0secret";
  private static LocalInflux influx;
  private static JobStore store;

  @BeforeAll
  static void startInfluxAndJobStore(@TempDir Path db) throws Exception {
    influx = LocalInflux.start(LocalInflux.Options.defaults());
    store = JobStore.openH2(db);
  }

  @AfterAll
  static void stopInfluxAndJobStore() throws Exception {
    if (influx != null) {
      influx.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void aNewChangePointIsWrittenAndCommentedOnThePushedCommitOnceAndNeverAgain() throws Exception {
    String repo = "acme/chat";
    RunHistory history = RunHistory.of(repo, i -> sha(repo, i));
    List<String> lines = new ArrayList<>(history.steppedRuns(0, 20, 10, 20, 26));
    lines.addAll(history.runsToLeaveOut(15));
    RunHistory.write(influx, lines);
    stubGitHub(repo, sha(repo, 19));
    TrendCheck check = new TrendCheck(influxSettings(), reporter(), store);

    List<Found> reported = check.afterPush(push(1, repo, sha(repo, 19)));

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
    assertTrue(body.startsWith(TrendCheck.MARKER), body);
    assertTrue(
        body.matches(
            "(?s).*\\*\\*TTD p99\\*\\* of `one-to-one` on `main` rose \\+\\d+\\.\\d % \\(20\\.\\d"
                + " → 2[56]\\.\\d ms, p [<=] [^)]+\\) starting with the run of "
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
    List<Found> again = check.afterPush(push(2, repo, sha(repo, 20)));
    // and a restarted service (a new check) at the same push finds it reported as well
    List<Found> afterRestart =
        new TrendCheck(influxSettings(), reporter(), store).afterPush(push(2, repo, sha(repo, 20)));

    assertEquals(List.of(), again);
    assertEquals(List.of(), afterRestart);
    gh.verify(1, postRequestedFor(urlPathMatching("/repos/" + repo + "/commits/.*/comments")));
    assertEquals(1, changePointEvents(repo).path("values").size());

    // the change point's bisection was queued once, with its range and what to look for
    List<Job> bisections = bisections(repo);
    assertEquals(1, bisections.size(), bisections.toString());
    Job bisection = bisections.get(0);
    assertEquals(Job.State.QUEUED, bisection.state());
    assertEquals(at, bisection.sha(), "the first run after the change");
    assertEquals(before, bisection.baseSha(), "the last run before it");
    assertEquals("main", bisection.branch());
    assertEquals("https://github.com/" + repo + ".git", bisection.cloneUrl());
    assertEquals(
        new Job.ChangePoint("one-to-one", "ttd_p99_ms", Instant.ofEpochMilli(history.timeMs(10))),
        bisection.changePoint());
    assertTrue(
        body.contains("A bisection (job " + bisection.id() + ") looks for the commit"), body);
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
    TrendCheck check = new TrendCheck(influxSettings(), reporter(), store);

    List<Found> found = check.afterPush(push(6, repo, sha(repo, 19)));
    List<Found> handFound = check.afterPush(push(7, handTagged, "c19"));

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
  void anUnreachableInfluxDbIsOneWarnLineNoExceptionAndNoComment() {
    String repo = "acme/down";
    stubGitHub(repo, sha(repo, 19));
    TrendCheck check =
        new TrendCheck(
            new InfluxSettings(URI.create("http://127.0.0.1:9"), null, null, null),
            reporter(),
            store);

    List<Found> reported = new ArrayList<>();
    String log = stderrOf(() -> reported.addAll(check.afterPush(push(3, repo, sha(repo, 19)))));

    assertEquals(List.of(), reported);
    List<String> warnings = log.lines().filter(l -> l.contains("WARN")).toList();
    assertEquals(1, warnings.size(), log);
    assertTrue(
        warnings
            .get(0)
            .contains(
                "trend check of acme/down main after job 3 skipped: InfluxDB at"
                    + " http://127.0.0.1:9 does not answer"),
        log);
    assertEquals(List.of(), gh.getAllServeEvents(), "GitHub is not called");
  }

  @Test
  void aCommentGitHubRefusesIsOneWarnLineAndIsNotPostedAgainOnTheNextPush() throws Exception {
    String repo = "acme/refused";
    RunHistory history = RunHistory.of(repo, i -> sha(repo, i));
    RunHistory.write(influx, history.steppedRuns(0, 20, 10, 20, 26));
    stubGitHub(repo, sha(repo, 19));
    gh.stubFor(
        post(urlPathEqualTo("/repos/" + repo + "/commits/" + sha(repo, 19) + "/comments"))
            .willReturn(jsonResponse("{\"message\":\"Resource not accessible\"}", 403)));
    TrendCheck check = new TrendCheck(influxSettings(), reporter(), store);

    String log = stderrOf(() -> check.afterPush(push(4, repo, sha(repo, 19))));
    stubGitHub(repo, sha(repo, 20));
    List<Found> next = check.afterPush(push(5, repo, sha(repo, 20)));

    List<String> warnings = log.lines().filter(l -> l.contains("WARN")).toList();
    assertEquals(1, warnings.size(), log);
    assertTrue(warnings.get(0).contains("could not write commit comment for job 4"), log);
    assertTrue(warnings.get(0).contains("HTTP 403"), log);
    assertFalse(log.contains(TOKEN), log);
    // events first: the change point counts as reported, at most one comment is ever posted
    assertEquals(1, changePointEvents(repo).path("values").size());
    assertEquals(List.of(), next);
    gh.verify(1, postRequestedFor(urlPathMatching("/repos/" + repo + "/commits/.*/comments")));
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

  private static List<Job> bisections(String repo) throws Exception {
    return store.recent(1000).stream()
        .filter(j -> j.trigger() == Job.Trigger.BISECT && j.repo().equals(repo))
        .toList();
  }

  private static InfluxSettings influxSettings() {
    return InfluxSettings.of(influx.url().toString(), null, null, Map.of());
  }

  private static GitHubReporter reporter() {
    return new GitHubReporter(GitHubAuth.token(URI.create(gh.baseUrl()), TOKEN, "test"));
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
        post(urlPathEqualTo(path + "/commits/" + sha + "/comments"))
            .willReturn(jsonResponse("{\"id\":500,\"body\":\"…\"}", 201)));
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
