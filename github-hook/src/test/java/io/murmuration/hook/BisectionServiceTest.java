package io.murmuration.hook;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.jsonResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.murmuration.accounts.Accounts;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.sut.LocalInflux;
import io.murmuration.sut.LocalServer;
import io.murmuration.testing.DashboardQueries;
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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * The whole service bisecting a real history: a git repository of twenty commits on {@code main}
 * whose server is a {@code murm proxy} in front of a real ejabberd, holding what ejabberd sends
 * back by the time in the repository's file {@code delay} — 0 ms until commit c14 makes it 200 ms.
 * Merged builds are pushed (c0 to c11, then c15 carrying c12–c15, then c16 on) and load-tested into
 * a real InfluxDB until the trend check finds the change point between the runs of c11 and c15 and
 * queues its bisection, which names c14 on a (WireMock) GitHub and in InfluxDB.
 *
 * <p>Why twelve runs before the change: the trend check's permutation test can only be as
 * significant as the shuffles of the history allow. With n runs of which k come after a clear step,
 * about 2 in C(n, k) shuffles split as well as the history does, so p &lt; 0.005 (999 shuffles)
 * needs C(n, k) well above 400: 12 runs and 4 or 5 after (C(16, 4) = 1,820; C(17, 5) = 6,188). The
 * delay is large so that one run slowed by a busy machine cannot hide the step.
 */
class BisectionServiceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "webhook-s3cret";
  private static final String TOKEN = "ghp_bisect0secret";
  private static final String REPO = "/repos/acme/chatd";
  private static final int USERS = 10;

  @TempDir Path tmp;
  private WireMockServer gh;

  @BeforeEach
  void startGitHub() {
    gh = new WireMockServer(options().dynamicPort());
    gh.start();
    gh.stubFor(get("/user").willReturn(okJson("{\"login\":\"murmuration\",\"id\":1}")));
    gh.stubFor(
        get(REPO)
            .willReturn(
                okJson(
                    "{\"id\":1,\"name\":\"chatd\",\"full_name\":\"acme/chatd\","
                        + "\"owner\":{\"login\":\"acme\"},\"url\":\""
                        + gh.baseUrl()
                        + REPO
                        + "\"}")));
    gh.stubFor(
        post(urlPathMatching(REPO + "/statuses/[0-9a-f]{40}"))
            .willReturn(jsonResponse("{\"id\":1,\"state\":\"success\"}", 201)));
    // the outbox reads a commit's comments before it posts one (a comment already there with the
    // report's key was posted before)
    gh.stubFor(
        get(urlPathMatching(REPO + "/commits/[0-9a-f]{40}/comments")).willReturn(okJson("[]")));
    gh.stubFor(
        post(urlPathMatching(REPO + "/commits/[0-9a-f]{40}/comments"))
            .willReturn(jsonResponse("{\"id\":501}", 201)));
  }

  @AfterEach
  void stopGitHub() {
    gh.stop();
  }

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void theChangePointOfMergedBuildsIsBisectedToTheCommitThatAddedDelay() throws Exception {
    // an ejabberd of its own, without the archive: every run logs in the same accounts, and
    // ejabberd's Mnesia archive made each message slower the more a user had (TTD p50 from 2 to
    // 100 ms and more over some 20 runs of the shared server)
    try (LocalEjabberd ejabberd =
        LocalEjabberd.start(LocalServer.Options.defaults().withArchive(false))) {
      bisect(ejabberd);
    }
  }

  private void bisect(LocalEjabberd ejabberd) throws Exception {
    ejabberd.registerUsers(Accounts.existing("bisect_{id}", "secret_{id}"), 1, USERS);
    String java = ProcessHandle.current().info().command().orElseThrow();
    GitRepo repo = GitRepo.create(tmp.resolve("chatd"));
    Files.writeString(
        repo.dir().resolve("start.sh"),
        "exec "
            + java
            + " -cp '"
            + System.getProperty("java.class.path")
            + "' io.murmuration.cli.Murm proxy --listen 127.0.0.1:$MURM_SUT_PORT --to "
            + ejabberd.c2s().getHostString()
            + ":"
            + ejabberd.c2s().getPort()
            + " --delay $(cat delay)\n");
    Files.writeString(repo.dir().resolve("delay"), "0ms\n");
    List<String> c = new ArrayList<>();
    c.add(
        repo.commit(
            """
            build = "echo building $(cat delay)"
            start = "exec bash start.sh"
            xmpp { target = "127.0.0.1:"${MURM_SUT_PORT}, domain = "%s" }
            accounts { mode = existing, username = "bisect_{id}", password = "secret_{id}" }
            scenarios = [ { scenario = one-to-one, users = %d, arrival-rate = 50, duration = 4s,
                            warm-up = 2s, params { interval = 100ms, messages = 0 } } ]
            # six rounds: a significant difference at alpha 0.05 with a rank test per arm or per
            # pair of runs; a test machine may be busy, the runner's own lag is not the point here
            gate { rounds = 6, max-lag = 1s }
            """
                .formatted(ejabberd.domain(), USERS)));
    for (int i = 1; i <= 19; i++) {
      if (i == 14) {
        Files.writeString(repo.dir().resolve("delay"), "200ms\n");
      } else {
        Files.writeString(repo.dir().resolve("change.txt"), "change " + i + "\n");
      }
      repo.git("add", "-A");
      repo.git("commit", "-q", "-m", "c" + i);
      c.add(repo.git("rev-parse", "HEAD"));
    }
    for (String sha : c) { // github-api comments on the commit GitHub answers with
      gh.stubFor(get(REPO + "/commits/" + sha).willReturn(okJson("{\"sha\":\"" + sha + "\"}")));
    }

    try (LocalInflux influx = LocalInflux.start(LocalInflux.Options.defaults())) {
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
      Map<String, String> env =
          Map.of(
              "MURM_WEBHOOK_SECRET", SECRET,
              "MURM_GITHUB_API_URL", gh.baseUrl(),
              "MURM_GITHUB_TOKEN", TOKEN);
      ByteArrayOutputStream console = new ByteArrayOutputStream();
      long from = System.currentTimeMillis() - 60_000;
      List<Integer> pushes = new ArrayList<>();
      Job bisection;
      try (HookService service =
          HookService.start(command.settings(), env, new PrintStream(console, true))) {
        List<Integer> toPush = new ArrayList<>();
        for (int i = 0; i <= 11; i++) {
          toPush.add(i);
        }
        toPush.addAll(List.of(15, 16, 17, 18, 19));
        for (int i : toPush) {
          push(service, repo, c.get(i), console);
          pushes.add(i);
          if (i >= 15 && bisectionOf(service, c.get(11)) != null) {
            break; // found: the bisection runs next
          }
        }
        bisection =
            Optional.ofNullable(bisectionOf(service, c.get(11)))
                .orElseThrow(
                    () ->
                        new AssertionError(
                            "no bisection queued; the runs: "
                                + influx.query(
                                    "SELECT \"commit\", ttd_p50_ms, ttd_p99_ms, msg_per_s"
                                        + " FROM \"run\"")
                                + "\n"
                                + console));
        awaitDone(service, bisection.id(), Duration.ofMinutes(10), console);

        JobResult result = service.store().result(bisection.id()).orElseThrow();
        Path jobDir = tmp.resolve("hook/jobs/job-" + bisection.id());
        String progress = Files.readString(jobDir.resolve("01-bisect.log"));
        System.out.println(result.title() + "\n" + result.summary() + "\n" + progress);
        assertEquals("success", result.conclusion(), () -> result + "\n" + progress);
        assertTrue(
            result.title().contains(" moved at " + c.get(14).substring(0, 7)), result.title());
        // the range c12..c15 of the change point between the runs of c11 and c15: two steps
        assertEquals(c.get(11), bisection.baseSha());
        assertEquals(c.get(15), bisection.sha());
        assertTrue(progress.contains("over 4 merged commits"), progress);
        assertEquals(2, progress.lines().filter(l -> l.contains("] step ")).count(), progress);
        assertTrue(Files.exists(jobDir.resolve("05-run-s2-r6-bad-1-one-to-one.log")));
        JsonNode status =
            JSON.readTree(page(service.port(), "/status.json")).path("results").path(0);
        assertEquals("bisect", status.path("trigger").asText(), status.toString());
        assertEquals("success", status.path("conclusion").asText(), status.toString());
        assertTrue(
            page(service.port(), "/jobs/" + bisection.id()).contains("<th>bisecting</th>"),
            "the job's page names what it bisects");
        // the comments go out through the outbox, on its own thread: wait until it has sent them
        long sent = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (service.store().outbox().counts().pending() > 0) {
          assertTrue(System.nanoTime() < sent, "reports still pending after 30 s:\n" + console);
          Thread.sleep(100);
        }
        assertEquals(0, service.store().outbox().counts().failed(), "no report refused");
      }

      // GitHub: a trend check's comment, on one of the pushes after the step, names the
      // bisection; the bisection's is on c14
      List<String> trend =
          gh.findAll(postRequestedFor(urlPathMatching(REPO + "/commits/.*/comments"))).stream()
              .filter(r -> pushes.stream().anyMatch(i -> i >= 15 && r.getUrl().contains(c.get(i))))
              .map(r -> body(r))
              .filter(b -> b.contains("A bisection (job " + bisection.id() + ")"))
              .toList();
      assertEquals(1, trend.size(), "the comment naming the bisection");
      String named = commentOn(c.get(14));
      // the outbox's key line, then the bisection's own marker
      assertEquals(
          List.of(
              "<!-- murmuration:report bisection:" + bisection.id() + " -->",
              "<!-- murmuration:bisection -->"),
          named.lines().limit(2).toList(),
          named);
      assertTrue(named.contains("/commit/" + c.get(14) + ")**"), named);
      // (the runs before the step may show a change of their own, e.g. a server still warming
      // over the first runs: its comment and its one-commit bisection are no concern here)
      assertEquals(
          1,
          gh.findAll(postRequestedFor(urlPathMatching(REPO + "/commits/.*/comments"))).stream()
              .filter(r -> body(r).contains("<!-- murmuration:bisection -->"))
              .count(),
          "one bisection comment");
      // no check run or status for the bisection: two statuses per push, none more
      gh.verify(2 * pushes.size(), postRequestedFor(urlPathMatching(REPO + "/statuses/.*")));

      // InfluxDB: the Trends dashboard's Verdicts annotation has the pushes' verdicts and the
      // bisection's, at the change point, on c14
      JsonNode rows = verdicts(influx, from, System.currentTimeMillis() + 60_000);
      List<String> titles = new ArrayList<>();
      rows.path("values").forEach(v -> titles.add(v.path(1).asText()));
      assertEquals(pushes.size() + 1, titles.size(), rows.toString());
      assertEquals(
          pushes.size(),
          titles.stream().filter(t -> t.equals("one-to-one: success")).count(),
          titles.toString());
      assertTrue(
          titles.contains(
              "one-to-one: " + label(bisection) + " moved at " + c.get(14).substring(0, 7)),
          titles.toString());
      String commit =
          JSON.readTree(
                  influx.query(
                      "SELECT \"title\", \"commit\" FROM \"event\" WHERE \"type\" = 'verdict'"
                          + " AND \"trigger\" = 'bisect'"))
              .at("/results/0/series/0/values/0/2")
              .asText();
      assertEquals(c.get(14), commit);
    }
  }

  /** The bisection queued for the range after {@code good}, or null. */
  private static Job bisectionOf(HookService service, String good) throws Exception {
    return service.store().recent(50).stream()
        .filter(j -> j.trigger() == Job.Trigger.BISECT && j.baseSha().equals(good))
        .findFirst()
        .orElse(null);
  }

  /** Pushes {@code sha} to main and waits until its job has ended. */
  private void push(HookService service, GitRepo repo, String sha, ByteArrayOutputStream console)
      throws Exception {
    ObjectNode payload = fixture("push.json");
    payload.put("after", sha);
    payload.with("repository").put("clone_url", repo.dir().toString());
    payload.with("repository").put("default_branch", "main");
    HttpResponse<String> answer = deliver(service.port(), "push", payload);
    assertEquals(202, answer.statusCode(), answer.body());
    long id =
        service.store().recent(10).stream()
            .filter(j -> j.sha().equals(sha) && j.trigger() == Job.Trigger.PUSH)
            .findFirst()
            .orElseThrow()
            .id();
    awaitDone(service, id, Duration.ofMinutes(2), console);
    JobResult result = service.store().result(id).orElseThrow();
    assertEquals("success", result.conclusion(), () -> result + "\n" + console);
  }

  private static void awaitDone(
      HookService service, long id, Duration limit, ByteArrayOutputStream console)
      throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (service.store().job(id).orElseThrow().state() != Job.State.DONE) {
      assertTrue(System.nanoTime() < deadline, "job " + id + " not done; console:\n" + console);
      Thread.sleep(200);
    }
  }

  /** The rows of the Trends dashboard's Verdicts annotation for acme/chatd main one-to-one. */
  private static JsonNode verdicts(LocalInflux influx, long fromMs, long toMs) throws Exception {
    JsonNode dashboard =
        DashboardQueries.read(
            DashboardQueries.dashboardsFolder().resolve("murmuration/trends.json"));
    JsonNode annotation = null;
    for (JsonNode a : dashboard.path("annotations").path("list")) {
      if (a.path("name").asText().equals("Verdicts")) {
        annotation = a;
      }
    }
    String query =
        DashboardQueries.expand(
            DashboardQueries.annotationQuery(annotation),
            DashboardQueries.variables(dashboard),
            new DashboardQueries.Context(
                fromMs,
                toMs,
                "10s",
                Map.of(
                    "repo", List.of("acme/chatd"),
                    "branch", List.of("main"),
                    "scenario", List.of("one-to-one"))));
    return JSON.readTree(influx.query(query)).path("results").path(0).path("series").path(0);
  }

  private static String label(Job bisection) {
    return io.murmuration.results.RunMetric.byField(bisection.changePoint().metric()).label();
  }

  private static String body(LoggedRequest r) {
    try {
      return JSON.readTree(r.getBodyAsString()).path("body").asText();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private String commentOn(String sha) throws Exception {
    List<LoggedRequest> found =
        gh.findAll(postRequestedFor(urlPathEqualTo(REPO + "/commits/" + sha + "/comments")));
    assertEquals(1, found.size(), "comments on " + sha);
    return body(found.get(0));
  }

  private static String page(int port, String path) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    }
  }

  private static ObjectNode fixture(String name) throws Exception {
    try (InputStream in = BisectionServiceTest.class.getResourceAsStream("/webhooks/" + name)) {
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
