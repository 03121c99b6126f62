package io.murmuration.hook;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.jsonResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.murmuration.hook.github.TestKeys;
import io.murmuration.hook.queue.Outbox;
import io.murmuration.sut.LocalInflux;
import io.murmuration.testing.RunHistory;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole service, as GitHub sees it: a signed {@code pull_request} delivery → 202 → the job
 * fetches a real git repository at the pull request's head, starts a real ejabberd as the
 * repository's configuration says, runs one-to-one through the runner → the (WireMock) GitHub API
 * receives the check run in progress, then completed with the numbers, and the sticky comment. And
 * a merged build's push: once the job's result is reported, the trend check comments a new change
 * point of the branch's history (in a real InfluxDB) on the pushed commit.
 */
class HookServiceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "webhook-s3cret";
  private static final String REPO = "/repos/acme/chatd";

  @TempDir Path tmp;
  private WireMockServer gh;

  @BeforeEach
  void startGitHub() {
    gh = new WireMockServer(options().dynamicPort());
    gh.start();
    gh.stubFor(get("/app").willReturn(okJson("{\"id\":12345,\"slug\":\"murmuration\"}")));
    gh.stubFor(
        get("/app/installations/42")
            .willReturn(okJson("{\"id\":42,\"app_id\":12345,\"account\":{\"login\":\"acme\"}}")));
    gh.stubFor(
        post("/app/installations/42/access_tokens")
            .willReturn(
                jsonResponse(
                    "{\"token\":\"ghs_inst\",\"expires_at\":\""
                        + Instant.now().plusSeconds(3600)
                        + "\"}",
                    201)));
    gh.stubFor(
        get(REPO)
            .willReturn(
                okJson(
                    "{\"id\":1,\"name\":\"chatd\",\"full_name\":\"acme/chatd\","
                        + "\"owner\":{\"login\":\"acme\"},\"url\":\""
                        + gh.baseUrl()
                        + REPO
                        + "\"}")));
    gh.stubFor(post(REPO + "/check-runs").willReturn(jsonResponse("{\"id\":777}", 201)));
    gh.stubFor(patch(REPO + "/check-runs/777").willReturn(okJson("{\"id\":777}")));
    gh.stubFor(get(REPO + "/issues/42").willReturn(okJson("{\"number\":42,\"state\":\"open\"}")));
    gh.stubFor(get(urlPathEqualTo(REPO + "/issues/42/comments")).willReturn(okJson("[]")));
    gh.stubFor(
        post(urlPathEqualTo(REPO + "/issues/42/comments"))
            .willReturn(jsonResponse("{\"id\":99}", 201)));
  }

  @AfterEach
  void stopGitHub() {
    gh.stop();
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aSignedPullRequestIsGatedAgainstItsBaseAndReportedOnTheCheckRunAndInOneComment()
      throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    GitRepo repo = GitRepo.create(tmp.resolve("chatd"));
    String base =
        repo.commit(
            """
            start = "exec %s -cp '%s' io.murmuration.cli.Murm server ejabberd --users 20 --port $MURM_SUT_PORT"
            ready { command = "grep -q 'is up' $MURM_START_LOG", timeout = 90s }
            xmpp { target = "127.0.0.1:"${MURM_SUT_PORT}, domain = localhost }
            accounts { mode = existing }
            scenarios = [ { scenario = one-to-one, users = 20, arrival-rate = 20, duration = 4s,
                            params { interval = 1s, messages = 0 },
                            assert = ["messages.lost == 0"] } ]
            gate { rounds = 3 }
            """
                .formatted(java, System.getProperty("java.class.path")));
    repo.git("checkout", "-q", "-b", "faster-roster");
    Files.writeString(repo.dir().resolve("roster.c"), "/* faster */\n");
    repo.git("add", "-A");
    repo.git("commit", "-q", "-m", "faster roster");
    String head = repo.git("rev-parse", "HEAD");

    Path key = TestKeys.writePkcs8(TestKeys.rsa(), tmp.resolve("app.pem"));
    Path conf = tmp.resolve("hook.conf");
    Files.writeString(
        conf,
        """
        listen = "127.0.0.1:0"
        data-dir = "%s"
        clone-url-prefixes = ["%s/"]
        public-url = "https://tide.example/"
        grafana = "https://grafana.example"
        """
            .formatted(tmp.resolve("hook"), tmp));
    HookCommand command = new HookCommand();
    command.config = conf.toFile();
    Map<String, String> env =
        Map.of(
            "MURM_WEBHOOK_SECRET",
            SECRET,
            "MURM_GITHUB_API_URL",
            gh.baseUrl(),
            "MURM_GITHUB_APP_ID",
            "12345",
            "MURM_GITHUB_APP_KEY_FILE",
            key.toString());
    ByteArrayOutputStream console = new ByteArrayOutputStream();

    try (HookService service =
        HookService.start(command.settings(), env, new PrintStream(console, true))) {
      ObjectNode payload = fixture("pull_request_opened.json");
      payload.with("repository").put("clone_url", repo.dir().toString());
      payload.with("repository").put("default_branch", "main");
      payload.with("pull_request").with("head").put("sha", head).put("ref", "faster-roster");
      payload.with("pull_request").with("base").put("sha", base);
      payload.with("installation").put("id", 42);
      long sent = System.nanoTime();
      HttpResponse<String> answer = deliver(service.port(), "pull_request", payload);
      assertEquals(202, answer.statusCode(), answer.body());
      assertTrue(System.nanoTime() - sent < TimeUnit.SECONDS.toNanos(1), "202 within a second");

      long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
      while (gh.findAll(patchRequestedFor(urlPathEqualTo(REPO + "/check-runs/777"))).isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "no completed check run; console:\n" + console);
        Thread.sleep(200);
      }
      // the status page of the live service: the job and its result, and none of the secrets
      long id = service.store().recent(1).get(0).id();
      for (String path :
          List.of("/", "/status.json", "/jobs/" + id, "/jobs/" + id + "/logs/01-fetch.log")) {
        HttpResponse<String> page = fetchPage(service.port(), path);
        assertEquals(200, page.statusCode(), path);
        for (String secret : List.of(SECRET, "ghs_inst", "BEGIN PRIVATE KEY")) {
          assertFalse(page.body().contains(secret), path + " shows " + secret);
        }
      }
      assertTrue(fetchPage(service.port(), "/").body().contains("<a href=\"/jobs/" + id + "\">"));
    }

    JsonNode created = body(only(postRequestedFor(urlPathEqualTo(REPO + "/check-runs"))));
    assertEquals(head, created.path("head_sha").asText());
    assertEquals("in_progress", created.path("status").asText());
    assertEquals("https://tide.example/jobs/1", created.path("details_url").asText());
    JsonNode completed = body(only(patchRequestedFor(urlPathEqualTo(REPO + "/check-runs/777"))));
    assertEquals("completed", completed.path("status").asText());
    // three rounds of the same server: never a failure (that needs four), success or neutral by
    // the noise of 4-second runs
    String conclusion = completed.path("conclusion").asText();
    assertTrue(List.of("success", "neutral").contains(conclusion), completed.toString());
    String summary = completed.path("output").path("summary").asText();
    assertTrue(summary.contains("against its merge base `" + base.substring(0, 12) + "`"), summary);
    assertTrue(
        summary.contains("3 rounds on the same machine, the arms' order alternating"), summary);
    for (String metric : List.of("ttd.p50", "ttd.p99", "messages_per_s")) {
      assertTrue(summary.contains("\n| " + metric + " | "), metric + " row:\n" + summary);
    }
    assertTrue(summary.contains("`messages.lost == 0` held in every head run."), summary);
    assertTrue(summary.contains("base 3 runs, head 3 runs"), summary);
    assertTrue(
        summary.contains(
            "[Grafana: Compare dashboard](https://grafana.example/d/murm-compare/"
                + "murmuration-compare?var-repo=acme%2Fchatd&var-pr=42&from="),
        summary);
    String title = completed.path("output").path("title").asText();
    assertTrue(
        conclusion.equals("success")
            ? title.equals("no regression beyond the tolerances: 1 scenario, 3 rounds")
            : title.startsWith("inconclusive — one-to-one: "),
        title);
    String comment =
        body(only(postRequestedFor(urlPathEqualTo(REPO + "/issues/42/comments"))))
            .path("body")
            .asText();
    assertTrue(comment.startsWith("<!-- murmuration:loadtest -->"), comment);
    assertTrue(comment.contains("| metric | base (median) | head (median) |"), comment);
    gh.verify(getRequestedFor(urlPathEqualTo(REPO + "/issues/42/comments")));
    // the job ran the pull request's head and its base, with their tags
    Path jobDir = tmp.resolve("hook/jobs").resolve(jobDir(tmp));
    String runLog = Files.readString(jobDir.resolve("05-run-r3-head-1-one-to-one.log"));
    assertTrue(runLog.contains("commit=" + head), runLog);
    assertTrue(runLog.contains("pr=42"), runLog);
    assertTrue(runLog.contains("trigger=pull_request"), runLog);
    assertTrue(runLog.contains("arm=head"), runLog);
    String baseLog = Files.readString(jobDir.resolve("05-run-r1-base-1-one-to-one.log"));
    assertTrue(baseLog.contains("commit=" + base), baseLog);
    assertTrue(baseLog.contains("arm=base"), baseLog);
    assertTrue(baseLog.contains("branch=main,"), baseLog);
    assertTrue(runLog.contains("branch=faster-roster,"), runLog);
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void afterAMergedBuildsJobANewChangePointIsCommentedOnThePushedCommitOnceItsResultIsReported()
      throws Exception {
    GitRepo repo = GitRepo.create(tmp.resolve("chatd"));
    Files.writeString(repo.dir().resolve("roster.c"), "/* no load-test configuration */\n");
    repo.git("add", "-A");
    repo.git("commit", "-q", "-m", "merge faster roster");
    String head = repo.git("rev-parse", "HEAD");
    gh.stubFor(get(REPO + "/commits/" + head).willReturn(okJson("{\"sha\":\"" + head + "\"}")));
    gh.stubFor(
        get(urlPathEqualTo(REPO + "/commits/" + head + "/comments")).willReturn(okJson("[]")));
    gh.stubFor(
        post(urlPathEqualTo(REPO + "/commits/" + head + "/comments"))
            .willReturn(jsonResponse("{\"id\":501}", 201)));

    try (LocalInflux influx = LocalInflux.start(LocalInflux.Options.defaults())) {
      // the branch's history so far: TTD p99 stepped from 20 to 26 ms at commit c10
      RunHistory.write(
          influx,
          RunHistory.of("acme/chatd", i -> String.format("c%02d", i))
              .steppedRuns(0, 20, 10, 20, 26));
      Path conf = tmp.resolve("hook.conf");
      Files.writeString(
          conf,
          """
          listen = "127.0.0.1:0"
          data-dir = "%s"
          clone-url-prefixes = ["%s/"]
          influx = "%s"
          """
              .formatted(tmp.resolve("hook"), tmp, influx.url()));
      HookCommand command = new HookCommand();
      command.config = conf.toFile();
      Path key = TestKeys.writePkcs8(TestKeys.rsa(), tmp.resolve("app.pem"));
      Map<String, String> env =
          Map.of(
              "MURM_WEBHOOK_SECRET",
              SECRET,
              "MURM_GITHUB_API_URL",
              gh.baseUrl(),
              "MURM_GITHUB_APP_ID",
              "12345",
              "MURM_GITHUB_APP_KEY_FILE",
              key.toString());
      ByteArrayOutputStream console = new ByteArrayOutputStream();
      try (HookService service =
          HookService.start(command.settings(), env, new PrintStream(console, true))) {
        ObjectNode payload = fixture("push.json");
        payload.put("after", head);
        payload.with("repository").put("clone_url", repo.dir().toString());
        payload.with("repository").put("default_branch", "main");
        payload.with("installation").put("id", 42);
        HttpResponse<String> answer = deliver(service.port(), "push", payload);
        assertEquals(202, answer.statusCode(), answer.body());

        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (service.store().recent(1).isEmpty()
            || service.store().recent(1).get(0).state() != Job.State.DONE
            || service.store().outbox().counts().pending() > 0) {
          assertTrue(
              System.nanoTime() < deadline, "job not done or not reported; console:\n" + console);
          Thread.sleep(100);
        }
        long id = service.store().recent(1).get(0).id();
        assertEquals(
            List.of(Outbox.Kind.RESULT, Outbox.Kind.COMMIT_COMMENT),
            service.store().outbox().ofJob(id).stream().map(Outbox.Report::kind).toList());
      }
      LoggedRequest completed = only(patchRequestedFor(urlPathEqualTo(REPO + "/check-runs/777")));
      assertEquals("neutral", body(completed).path("conclusion").asText(), "no configuration");
      LoggedRequest comment =
          only(postRequestedFor(urlPathEqualTo(REPO + "/commits/" + head + "/comments")));
      String text = body(comment).path("body").asText();
      assertTrue(text.contains("https://github.com/acme/chatd/compare/c09...c10"), text);
      assertTrue(
          comment.getLoggedDate().compareTo(completed.getLoggedDate()) >= 0,
          "the job's own result is reported first");
      assertTrue(
          influx
              .query("SELECT * FROM \"event\" WHERE \"type\" = 'change_point'")
              .contains("\"c10\""),
          "the change point's event");
    }
  }

  /**
   * A newer push to a pull request cancels its older job; when that job is not the one the pipeline
   * is running (another worker claimed it, or it ended meanwhile), the running job of another
   * repository or branch goes on. Here the older job is claimed by the test itself while the
   * service's pipeline runs a push job whose build waits for a file.
   */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void supersedingAJobThePipelineDoesNotRunLeavesTheRunningJobAlone() throws Exception {
    Path building = tmp.resolve("building");
    Path go = tmp.resolve("go");
    GitRepo repo = GitRepo.create(tmp.resolve("chatd"));
    String sha =
        repo.commit(
            """
            build = "touch %s; while [ ! -f %s ]; do sleep 0.05; done"
            start = "exec sleep 600"
            ready { tcp = "127.0.0.1:1", timeout = 1s }
            scenarios = [ { scenario = one-to-one } ]
            """
                .formatted(building, go));
    Path conf = tmp.resolve("hook.conf");
    Files.writeString(
        conf,
        """
        listen = "127.0.0.1:0"
        data-dir = "%s"
        clone-url-prefixes = ["%s/"]
        """
            .formatted(tmp.resolve("hook"), tmp));
    HookCommand command = new HookCommand();
    command.config = conf.toFile();
    ByteArrayOutputStream console = new ByteArrayOutputStream();

    try (HookService service =
        HookService.start(
            command.settings(),
            Map.of("MURM_WEBHOOK_SECRET", SECRET),
            new PrintStream(console, true))) {
      ObjectNode push = fixture("push.json").put("after", sha);
      push.with("repository").put("clone_url", repo.dir().toString());
      assertEquals(202, deliver(service.port(), "push", push).statusCode());
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (!Files.exists(building)) {
        assertTrue(System.nanoTime() < deadline, "the push job never built:\n" + console);
        Thread.sleep(50);
      }
      long running = service.store().running().get(0).id();
      ObjectNode pr = fixture("pull_request_opened.json");
      pr.with("repository").put("clone_url", repo.dir().toString());
      pr.with("pull_request").with("head").put("sha", sha);
      pr.with("pull_request").with("base").put("sha", sha);
      assertEquals(202, deliver(service.port(), "pull_request", pr).statusCode());
      long older = service.store().claim().orElseThrow().id(); // another worker's, say

      pr.put("action", "synchronize");
      assertEquals(202, deliver(service.port(), "pull_request", pr).statusCode());
      Files.createFile(go);

      assertEquals(Job.State.CANCELLED, service.store().job(older).orElseThrow().state());
      while (service.store().job(running).orElseThrow().state() != Job.State.DONE) {
        assertTrue(System.nanoTime() < deadline, "the push job never ended:\n" + console);
        Thread.sleep(50);
      }
      JobResult result = service.store().result(running).orElseThrow();
      assertEquals("failure", result.conclusion(), result.toString());
      assertEquals("server did not become ready within 1 s", result.title());
    }
  }

  /**
   * The {@code coordinator} block is checked when the service starts, before the job store opens: a
   * token file others can read stops it with the fix; a good one is read, and never shown.
   */
  @Test
  @Timeout(60)
  void theCoordinatorSettingIsCheckedAtStartUpAndItsTokenNeverShown() throws Exception {
    String token = "a-test-token-of-24-chars";
    Path tokenFile = Files.writeString(tmp.resolve("coordinator-token"), token + "\n");
    Files.setPosixFilePermissions(
        tokenFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
    Path conf = tmp.resolve("hook.conf");
    Files.writeString(
        conf,
        """
        listen = "127.0.0.1:0"
        data-dir = "%s"
        coordinator { url = "http://127.0.0.1:8086", token-file = "%s" }
        """
            .formatted(tmp.resolve("hook"), tokenFile));
    HookCommand command = new HookCommand();
    command.config = conf.toFile();
    ByteArrayOutputStream console = new ByteArrayOutputStream();

    IllegalArgumentException refused =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () ->
                HookService.start(
                    command.settings(),
                    Map.of("MURM_WEBHOOK_SECRET", SECRET),
                    new PrintStream(console, true)));
    assertEquals(
        "coordinator.token-file " + tokenFile + " is readable by others: chmod 600 " + tokenFile,
        refused.getMessage());
    assertFalse(Files.exists(tmp.resolve("hook/db")), "the job store was opened");

    Files.setPosixFilePermissions(
        tokenFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    try (HookService service =
        HookService.start(
            command.settings(),
            Map.of("MURM_WEBHOOK_SECRET", SECRET),
            new PrintStream(console, true))) {
      assertTrue(
          console
              .toString()
              .contains("scenarios run on the coordinator at http://127.0.0.1:8086 (all workers)"),
          console.toString());
      assertFalse(console.toString().contains(token), console.toString());
    }
  }

  @Test
  void aCheckRunsDetailsLinkIsTheJobsPageOnThePublicUrl() {
    assertEquals("https://tide.example/jobs/7", HookService.detailsUrl("https://tide.example/", 7));
    assertEquals("https://x.example/ci/jobs/7", HookService.detailsUrl("https://x.example/ci", 7));
    assertNull(HookService.detailsUrl(null, 7));
  }

  private static HttpResponse<String> fetchPage(int port, String path) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private static String jobDir(Path tmp) throws Exception {
    try (var dirs = Files.list(tmp.resolve("hook/jobs"))) {
      List<Path> all = dirs.toList();
      assertEquals(1, all.size(), all.toString());
      return all.get(0).getFileName().toString();
    }
  }

  private LoggedRequest only(com.github.tomakehurst.wiremock.matching.RequestPatternBuilder p) {
    List<LoggedRequest> found = gh.findAll(p);
    assertEquals(1, found.size(), "requests matching " + p.build());
    return found.get(0);
  }

  private static JsonNode body(LoggedRequest request) throws Exception {
    return JSON.readTree(request.getBodyAsString());
  }

  private static ObjectNode fixture(String name) throws Exception {
    try (InputStream in = HookServiceTest.class.getResourceAsStream("/webhooks/" + name)) {
      return (ObjectNode) JSON.readTree(in);
    }
  }

  private static HttpResponse<String> deliver(int port, String event, JsonNode payload)
      throws Exception {
    byte[] body = JSON.writeValueAsBytes(payload);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhook"))
            .header("X-GitHub-Event", event)
            .header("X-GitHub-Delivery", UUID.randomUUID().toString())
            .header("X-Hub-Signature-256", signature)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
  }
}
