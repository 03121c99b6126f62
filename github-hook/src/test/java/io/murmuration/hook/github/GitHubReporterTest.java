package io.murmuration.hook.github;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.jsonResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.Jwts;
import io.murmuration.hook.Job;
import io.murmuration.hook.JobResult;
import io.murmuration.hook.ReportTarget.NotPosted;
import io.murmuration.results.Assertion;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The reporter against a WireMock fake of GitHub's REST API, over real HTTP on loopback. */
class GitHubReporterTest {
  @RegisterExtension
  static WireMockExtension gh =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  static final String REPO = "/repos/acme/chat";
  static final String INSTALLATION_TOKEN = "ghs_installation0secret";
  static final String PAT = "ghp_personal0secret";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void anAppMintsAnInstallationTokenWithAnRs256JwtThenCreatesAndCompletesTheCheckRun()
      throws Exception {
    KeyPair keys = TestKeys.rsa();
    GitHubAuth auth = GitHubAuth.app(api(), "12345", TestKeys.writePkcs1(keys, dir.resolve("k")));
    stubApp();
    stubRepository();
    gh.stubFor(
        post(REPO + "/check-runs")
            .willReturn(jsonResponse("{\"id\":777,\"status\":\"in_progress\"}", 201)));
    gh.stubFor(
        patch(REPO + "/check-runs/777")
            .willReturn(okJson("{\"id\":777,\"status\":\"completed\"}")));
    GitHubReporter reporter = new GitHubReporter(auth);
    String summary =
        new SummaryMarkdown(null, null)
            .render(
                io.murmuration.results.Summary.read(SummaryMarkdownTest.fixture())
                    .concluded(List.of(Assertion.parse("ttd.p99 < 20ms"))));

    reporter.started(job(7, null), "https://tide.example/jobs/7");
    reporter.finished(
        job(7, null),
        new JobResult("failure", "TTD p99 22.528 ms > 20 ms", summary, null),
        "https://tide.example/jobs/7");

    LoggedRequest mint =
        only(postRequestedFor(urlPathEqualTo("/app/installations/42/access_tokens")));
    String jwt = mint.getHeader("Authorization").substring("Bearer ".length());
    Jws<Claims> verified =
        Jwts.parser().verifyWith(keys.getPublic()).build().parseSignedClaims(jwt);
    assertEquals("RS256", verified.getHeader().getAlgorithm());
    assertEquals("12345", verified.getPayload().getIssuer());

    LoggedRequest create = only(postRequestedFor(urlPathEqualTo(REPO + "/check-runs")));
    assertEquals("token " + INSTALLATION_TOKEN, create.getHeader("Authorization"));
    JsonNode created = JSON.readTree(create.getBodyAsString());
    assertEquals("Murmuration load test", created.path("name").asText());
    assertEquals(SHA, created.path("head_sha").asText());
    assertEquals("in_progress", created.path("status").asText());
    assertEquals("7", created.path("external_id").asText());
    assertEquals("https://tide.example/jobs/7", created.path("details_url").asText());

    JsonNode completed =
        JSON.readTree(
            only(patchRequestedFor(urlPathEqualTo(REPO + "/check-runs/777"))).getBodyAsString());
    assertEquals("completed", completed.path("status").asText());
    assertEquals("failure", completed.path("conclusion").asText());
    assertEquals("TTD p99 22.528 ms > 20 ms", completed.path("output").path("title").asText());
    String sent = completed.path("output").path("summary").asText();
    assertEquals(summary, sent);
    assertTrue(sent.contains("| TTD p99 | 22.528 ms |"), sent);
    assertTrue(sent.contains("- ❌ `ttd.p99 < 20ms` — measured 22.528"), sent);
    gh.verify(0, postRequestedFor(urlPathMatching(".*/statuses/.*")));
  }

  @Test
  void theStickyCommentIsCreatedOnceThenEditedInPlaceAndTheTokenIsReused() throws Exception {
    GitHubAuth auth =
        GitHubAuth.app(api(), "12345", TestKeys.writePkcs8(TestKeys.rsa(), dir.resolve("k")));
    stubApp();
    stubRepository();
    gh.stubFor(post(REPO + "/check-runs").willReturn(jsonResponse("{\"id\":777}", 201)));
    gh.stubFor(patch(REPO + "/check-runs/777").willReturn(okJson("{\"id\":777}")));
    gh.stubFor(get(REPO + "/issues/5").willReturn(okJson("{\"number\":5,\"state\":\"open\"}")));
    String comments = REPO + "/issues/5/comments";
    gh.stubFor(
        get(urlPathEqualTo(comments))
            .inScenario("pr")
            .whenScenarioStateIs(STARTED)
            .willReturn(okJson("[{\"id\":50,\"body\":\"LGTM\"}]")));
    gh.stubFor(
        post(urlPathEqualTo(comments))
            .inScenario("pr")
            .willSetStateTo("commented")
            .willReturn(jsonResponse("{\"id\":99,\"body\":\"first\"}", 201)));
    gh.stubFor(
        get(urlPathEqualTo(comments))
            .inScenario("pr")
            .whenScenarioStateIs("commented")
            .willReturn(
                okJson(
                    "[{\"id\":50,\"body\":\"LGTM\"},"
                        + "{\"id\":99,\"body\":\"<!-- murmuration:loadtest -->\\nfirst\"}]")));
    gh.stubFor(
        patch(REPO + "/issues/comments/99").willReturn(okJson("{\"id\":99,\"body\":\"second\"}")));
    GitHubReporter reporter = new GitHubReporter(auth);

    reporter.started(job(7, 5), null);
    reporter.finished(job(7, 5), new JobResult("failure", "first push", "| a | b |", null), null);
    reporter.started(job(8, 5), null);
    reporter.finished(
        job(8, 5),
        new JobResult("success", "second push", "| c | d |", null),
        "https://tide.example/jobs/8");

    String first =
        JSON.readTree(only(postRequestedFor(urlPathEqualTo(comments))).getBodyAsString())
            .path("body")
            .asText();
    assertTrue(
        first.startsWith(GitHubReporter.MARKER + "\n### ❌ Murmuration load test: first push"),
        first);
    assertTrue(first.contains("| a | b |"), first);
    String second =
        JSON.readTree(
                only(patchRequestedFor(urlPathEqualTo(REPO + "/issues/comments/99")))
                    .getBodyAsString())
            .path("body")
            .asText();
    assertTrue(
        second.startsWith(GitHubReporter.MARKER + "\n### ✅ Murmuration load test: second push"),
        second);
    assertTrue(second.contains("[details](https://tide.example/jobs/8)"), second);
    gh.verify(0, patchRequestedFor(urlPathEqualTo(REPO + "/issues/comments/50")));
    gh.verify(1, postRequestedFor(urlPathEqualTo("/app/installations/42/access_tokens")));
    gh.verify(2, patchRequestedFor(urlPathEqualTo(REPO + "/check-runs/777")));
  }

  @Test
  void afterARestartTheCheckRunIsFoundByNameAndExternalId() throws Exception {
    GitHubAuth auth =
        GitHubAuth.app(api(), "12345", TestKeys.writePkcs8(TestKeys.rsa(), dir.resolve("k")));
    stubApp();
    stubRepository();
    gh.stubFor(
        get(urlPathEqualTo(REPO + "/commits/" + SHA + "/check-runs"))
            .willReturn(
                okJson(
                    "{\"total_count\":2,\"check_runs\":["
                        + "{\"id\":887,\"name\":\"Murmuration load test\",\"external_id\":\"6\"},"
                        + "{\"id\":888,\"name\":\"Murmuration load test\",\"external_id\":\"7\"}]}")));
    gh.stubFor(patch(REPO + "/check-runs/888").willReturn(okJson("{\"id\":888}")));

    new GitHubReporter(auth)
        .finished(job(7, null), new JobResult("neutral", "inconclusive", "x", null), null);

    gh.verify(
        getRequestedFor(urlPathEqualTo(REPO + "/commits/" + SHA + "/check-runs"))
            .withQueryParam("check_name", equalTo("Murmuration load test")));
    JsonNode body =
        JSON.readTree(
            only(patchRequestedFor(urlPathEqualTo(REPO + "/check-runs/888"))).getBodyAsString());
    assertEquals("neutral", body.path("conclusion").asText());
    gh.verify(0, postRequestedFor(urlPathEqualTo(REPO + "/check-runs")));
  }

  @Test
  void whenNoCheckRunOfThisJobExistsACompletedOneIsCreatedAndOtherJobsRunsAreLeftAlone()
      throws Exception {
    GitHubAuth auth =
        GitHubAuth.app(api(), "12345", TestKeys.writePkcs8(TestKeys.rsa(), dir.resolve("k")));
    stubApp();
    stubRepository();
    gh.stubFor(
        get(urlPathEqualTo(REPO + "/commits/" + SHA + "/check-runs"))
            .willReturn(
                okJson(
                    "{\"total_count\":1,\"check_runs\":["
                        + "{\"id\":887,\"name\":\"Murmuration load test\",\"external_id\":\"6\"}]}")));
    gh.stubFor(post(REPO + "/check-runs").willReturn(jsonResponse("{\"id\":900}", 201)));

    new GitHubReporter(auth)
        .finished(
            job(7, null), new JobResult("success", "ok", "x", null), "https://tide.example/jobs/7");

    JsonNode created =
        JSON.readTree(
            only(postRequestedFor(urlPathEqualTo(REPO + "/check-runs"))).getBodyAsString());
    assertEquals("completed", created.path("status").asText());
    assertEquals("success", created.path("conclusion").asText());
    assertEquals("7", created.path("external_id").asText());
    assertEquals(SHA, created.path("head_sha").asText());
    gh.verify(0, patchRequestedFor(urlPathMatching(REPO + "/check-runs/.*")));
  }

  @Test
  void withOnlyATokenCommitStatusesGoFromPendingToSuccessOrFailure() throws Exception {
    GitHubReporter reporter = new GitHubReporter(GitHubAuth.token(api(), PAT, "test"));
    stubRepository();
    gh.stubFor(
        post(REPO + "/statuses/" + SHA)
            .willReturn(jsonResponse("{\"id\":1,\"state\":\"pending\"}", 201)));
    String longTitle = "TTD p99 4.1 ms, 0 lost — all assertions hold; " + "x".repeat(200);

    reporter.started(job(7, null), "https://tide.example/jobs/7");
    reporter.finished(
        job(7, null),
        new JobResult("success", longTitle, "s", null),
        "https://tide.example/jobs/7");
    reporter.started(job(8, null), null);
    reporter.finished(
        job(8, null), new JobResult("failure", "TTD p99 40 ms > 20 ms", "s", null), null);

    List<JsonNode> statuses =
        gh.findAll(postRequestedFor(urlPathEqualTo(REPO + "/statuses/" + SHA))).stream()
            .map(r -> read(r.getBodyAsString()))
            .toList();
    assertEquals(
        List.of("pending", "success", "pending", "failure"),
        statuses.stream().map(s -> s.path("state").asText()).toList());
    statuses.forEach(s -> assertEquals("murmuration/loadtest", s.path("context").asText()));
    assertEquals("https://tide.example/jobs/7", statuses.get(1).path("target_url").asText());
    String description = statuses.get(1).path("description").asText();
    assertEquals(140, description.length());
    assertTrue(description.startsWith("TTD p99 4.1 ms, 0 lost"), description);
    assertEquals("TTD p99 40 ms > 20 ms", statuses.get(3).path("description").asText());
    assertEquals(
        "token " + PAT,
        gh.findAll(postRequestedFor(urlPathEqualTo(REPO + "/statuses/" + SHA)))
            .get(0)
            .getHeader("Authorization"));
    gh.verify(0, postRequestedFor(urlPathEqualTo(REPO + "/check-runs")));
  }

  @Test
  void aGitHub500IsOneLoggedLineWhenStartingAndANotPostedToTryAgainWhenFinishing()
      throws Exception {
    GitHubAuth auth =
        GitHubAuth.app(api(), "12345", TestKeys.writePkcs8(TestKeys.rsa(), dir.resolve("k")));
    stubApp();
    stubRepository();
    gh.stubFor(
        post(REPO + "/check-runs")
            .willReturn(
                jsonResponse("{\"message\":\"boom near " + INSTALLATION_TOKEN + "\"}", 500)));
    gh.stubFor(
        get(urlPathEqualTo(REPO + "/commits/" + SHA + "/check-runs"))
            .willReturn(okJson("{\"total_count\":0,\"check_runs\":[]}")));
    GitHubReporter reporter = new GitHubReporter(auth);

    String log = stderrOf(() -> reporter.started(job(7, null), null));
    NotPosted notPosted =
        assertThrows(
            NotPosted.class,
            () -> reporter.finished(job(7, null), new JobResult("success", "ok", "s", null), null));

    List<String> lines = log.lines().filter(l -> l.contains("GitHub:")).toList();
    assertEquals(1, lines.size(), log);
    assertTrue(
        lines.get(0).contains("could not create check run for job 7 (acme/chat@0123456)"), log);
    assertTrue(lines.get(0).contains("HTTP 500 at " + gh.baseUrl() + REPO + "/check-runs"), log);
    assertFalse(log.contains(INSTALLATION_TOKEN), log);
    assertTrue(log.contains("boom near ***"), log);
    assertTrue(
        notPosted
            .getMessage()
            .startsWith(
                "could not complete check run: HTTP 500 at " + gh.baseUrl() + REPO + "/check-runs"),
        notPosted.getMessage());
    assertTrue(notPosted.getMessage().contains("boom near ***"), notPosted.getMessage());
    assertFalse(notPosted.permanent());
  }

  @Test
  void aGitHub401IsOneLoggedLineWithoutTheToken() throws Exception {
    GitHubReporter reporter = new GitHubReporter(GitHubAuth.token(api(), PAT, "test"));
    stubRepository();
    gh.stubFor(
        post(REPO + "/statuses/" + SHA)
            .willReturn(jsonResponse("{\"message\":\"Bad credentials: " + PAT + "\"}", 401)));

    String log = stderrOf(() -> reporter.started(job(7, null), null));

    List<String> lines = log.lines().filter(l -> l.contains("GitHub:")).toList();
    assertEquals(1, lines.size(), log);
    assertTrue(lines.get(0).contains("could not set commit status pending for job 7"), log);
    assertTrue(
        lines.get(0).contains("HTTP 401 at " + gh.baseUrl() + REPO + "/statuses/" + SHA), log);
    assertFalse(log.contains(PAT), log);
  }

  @Test
  void aRepositoryAnswerWithoutItsOwnerIsOneClearLineNotANullPointerException() throws Exception {
    GitHubReporter reporter = new GitHubReporter(GitHubAuth.token(api(), PAT, "test"));
    gh.stubFor(
        get(REPO)
            .willReturn(
                okJson(
                    "{\"id\":1,\"name\":\"chat\",\"full_name\":\"acme/chat\",\"url\":\""
                        + gh.baseUrl()
                        + REPO
                        + "\"}")));

    String log = stderrOf(() -> reporter.started(job(7, null), null));

    List<String> lines = log.lines().filter(l -> l.contains("GitHub:")).toList();
    assertEquals(1, lines.size(), log);
    assertTrue(
        lines
            .get(0)
            .endsWith(
                "could not reach repository for job 7 (acme/chat@0123456): GitHub's answer to"
                    + " GET /repos/acme/chat names no owner, so nothing can be reported there"),
        log);
    assertFalse(log.contains("NullPointerException"), log);
  }

  @Test
  void anUnreachableGitHubIsNotPostedAndToBeTriedAgain() {
    GitHubReporter reporter =
        new GitHubReporter(GitHubAuth.token(URI.create("http://127.0.0.1:1"), PAT, "test"));

    NotPosted notPosted =
        assertThrows(
            NotPosted.class,
            () -> reporter.finished(job(7, 5), new JobResult("success", "ok", "s", null), null));

    assertTrue(
        notPosted
            .getMessage()
            .startsWith(
                "could not reach repository: no answer from http://127.0.0.1:1/repos/acme/chat:"
                    + " java.net.ConnectException"),
        notPosted.getMessage());
    assertFalse(notPosted.permanent());
    assertFalse(notPosted.getMessage().contains(PAT));
  }

  /**
   * What GitHub refuses for what it is (a 4xx) is permanent; no answer, a 5xx, a rate limit and
   * refused credentials (the service's own, which an operator fixes) are tried again.
   */
  @ParameterizedTest
  @CsvSource({
    "422, , Validation Failed, true",
    "404, , Not Found, true",
    "403, , Resource not accessible by integration, true",
    "410, , Gone, true",
    "403, X-RateLimit-Remaining, API rate limit exceeded for installation, false",
    "403, Retry-After, You have exceeded a secondary rate limit, false",
    "429, Retry-After, Too many requests, false",
    "401, , Bad credentials, false",
    "500, , Server Error, false",
    "502, , Bad Gateway, false",
    "503, , Service Unavailable, false"
  })
  void whatGitHubRefusesForGoodIsPermanentAndEverythingElseIsTriedAgain(
      int status, String header, String message, boolean permanent) {
    GitHubReporter reporter = new GitHubReporter(GitHubAuth.token(api(), PAT, "test"));
    stubRepository();
    gh.stubFor(get(REPO + "/commits/" + SHA).willReturn(okJson("{\"sha\":\"" + SHA + "\"}")));
    gh.stubFor(
        get(urlPathEqualTo(REPO + "/commits/" + SHA + "/comments")).willReturn(okJson("[]")));
    var answer = jsonResponse("{\"message\":\"" + message + "\"}", status);
    if (header != null) {
      answer = answer.withHeader(header, header.equals("Retry-After") ? "60" : "0");
    }
    gh.stubFor(post(urlPathEqualTo(REPO + "/commits/" + SHA + "/comments")).willReturn(answer));

    NotPosted notPosted =
        assertThrows(NotPosted.class, () -> reporter.commitComment(job(7, null), "k:1", "text"));

    assertEquals(permanent, notPosted.permanent(), notPosted.getMessage());
    assertTrue(
        notPosted.getMessage().startsWith("could not write commit comment: HTTP " + status),
        notPosted.getMessage());
  }

  @Test
  void aCommitCommentAlreadyOnTheCommitIsNotPostedAgainAndANewOneCarriesItsKey() throws Exception {
    GitHubReporter reporter = new GitHubReporter(GitHubAuth.token(api(), PAT, "test"));
    stubRepository();
    String comments = REPO + "/commits/" + SHA + "/comments";
    gh.stubFor(get(REPO + "/commits/" + SHA).willReturn(okJson("{\"sha\":\"" + SHA + "\"}")));
    gh.stubFor(
        get(urlPathEqualTo(comments))
            .willReturn(
                okJson(
                    "[{\"id\":1,\"body\":\"nice\"},"
                        + "{\"id\":2,\"body\":\"<!-- murmuration:report k:old -->\\nold\"}]")));
    gh.stubFor(post(urlPathEqualTo(comments)).willReturn(jsonResponse("{\"id\":3}", 201)));

    reporter.commitComment(job(7, null), "k:old", "old, posted again");
    reporter.commitComment(job(7, null), "k:new", "new");

    String posted = only(postRequestedFor(urlPathEqualTo(comments))).getBodyAsString();
    assertEquals("<!-- murmuration:report k:new -->\nnew", read(posted).path("body").asText());
  }

  // --- the fake's answers and helpers

  static URI api() {
    return URI.create(gh.baseUrl());
  }

  static Job job(long id, Integer pr) {
    return new Job(
        id,
        "delivery-" + id,
        pr == null ? Job.Trigger.PUSH : Job.Trigger.PULL_REQUEST,
        "acme/chat",
        "https://github.com/acme/chat.git",
        "main",
        "feature",
        SHA,
        pr,
        pr == null ? null : "fedcba9876543210fedcba9876543210fedcba98",
        pr == null ? null : "main",
        42L,
        "octocat",
        Job.State.RUNNING,
        Instant.now());
  }

  static void stubApp() {
    gh.stubFor(get("/app").willReturn(okJson("{\"id\":12345,\"slug\":\"murmuration\"}")));
    gh.stubFor(
        get("/app/installations/42")
            .willReturn(okJson("{\"id\":42,\"app_id\":12345,\"account\":{\"login\":\"acme\"}}")));
    gh.stubFor(
        post("/app/installations/42/access_tokens")
            .willReturn(
                jsonResponse(
                    "{\"token\":\""
                        + INSTALLATION_TOKEN
                        + "\",\"expires_at\":\""
                        + Instant.now().plusSeconds(3600)
                        + "\"}",
                    201)));
  }

  static void stubRepository() {
    gh.stubFor(
        get(REPO)
            .willReturn(
                okJson(
                    "{\"id\":1,\"name\":\"chat\",\"full_name\":\"acme/chat\","
                        + "\"owner\":{\"login\":\"acme\"},\"url\":\""
                        + gh.baseUrl()
                        + REPO
                        + "\"}")));
  }

  static LoggedRequest only(RequestPatternBuilder pattern) {
    List<LoggedRequest> found = gh.findAll(pattern);
    assertEquals(1, found.size(), "requests matching " + pattern.build());
    return found.get(0);
  }

  static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new AssertionError(json, e);
    }
  }

  /** Everything written to standard error (where the log goes) while {@code action} runs. */
  static String stderrOf(Runnable action) {
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
