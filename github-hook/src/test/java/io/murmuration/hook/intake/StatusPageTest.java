package io.murmuration.hook.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.murmuration.hook.Job;
import io.murmuration.hook.Job.State;
import io.murmuration.hook.Job.Trigger;
import io.murmuration.hook.JobResult;
import io.murmuration.hook.queue.JobStore;
import io.murmuration.hook.queue.Outbox;
import io.murmuration.testing.Prerequisites;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page over real HTTP on loopback, with a real H2 store holding jobs in every state and
 * real job folders; one test renders it in headless Chromium (Debian's {@code chromium}).
 */
class StatusPageTest {
  private static final String SECRET = "webhook-s3cret-0f9e8d";
  private static final String TOKEN = "ghp_t0kenThatMustNeverShow1234567890";
  private static final String EVIL = "<script>alert(1)</script>";
  private static final String EVIL_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;";
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;
  private JobStore store;
  private WebhookServer server;
  private final AtomicLong running = new AtomicLong(-1);
  private long ok;
  private long evil;
  private long trend;
  private long current;
  private long queued;
  private long waiting;

  @BeforeEach
  void start() throws Exception {
    store = JobStore.openH2(dataDir.resolve("db"));
    ok =
        ended(
            job("d1", "acme/chatd", "faster-roster", 7, State.QUEUED), "success", "TTD p99 4.1 ms");
    evil =
        ended(
            job("d2", "acme/" + EVIL, "<b>bold</b>", 8, State.QUEUED), "failure", EVIL + " slower");
    trend = ended(job("d3", "acme/chatd", "main", null, State.QUEUED), "neutral", "no config");
    current = store.accept(job("d4", "acme/chatd", "roster-cache", 9, State.QUEUED)).get().id();
    assertEquals(current, store.claim().orElseThrow().id());
    running.set(current);
    queued = store.accept(job("d5", "acme/chatd", "main", null, State.QUEUED)).get().id();
    waiting =
        store.accept(job("d6", "fork/chatd", "patch-1", 10, State.AWAITING_APPROVAL)).get().id();

    Path jobs = dataDir.resolve("jobs");
    Path dir = Files.createDirectories(jobs.resolve("job-" + current).resolve("runs/r1"));
    dir = dir.getParent().getParent();
    for (String log :
        List.of(
            "01-fetch.log",
            "02-build.log",
            "03-start.log",
            "04-ready.log",
            "05-run-2-muc.log",
            "05-run-10-one-to-one.log")) {
      Files.writeString(dir.resolve(log), "log of " + log + "\n");
    }
    Files.writeString(dir.resolve("loadtest.conf"), "start = \"x\"\n");
    Path secrets = Files.writeString(dataDir.resolve("secrets.txt"), SECRET + "\n" + TOKEN + "\n");
    // a build command (untrusted code) could plant this link in its job folder
    Files.createSymbolicLink(dir.resolve("07-secrets.log"), secrets);
    Files.createDirectories(jobs.resolve("job-" + ok));
    Files.writeString(jobs.resolve("job-" + ok).resolve("01-fetch.log"), "fetched 0d1a26e\n");

    server =
        WebhookServer.start(
            WebhookServer.Settings.of(
                new InetSocketAddress("127.0.0.1", 0), WebhookSecret.of(SECRET)),
            store,
            jobs,
            running::get,
            () -> {},
            id -> {});
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    store.close();
  }

  @Test
  void thePageShowsTheRunningJobItsStepTheQueueInOrderAndTheResultsNewestFirst() throws Exception {
    HttpResponse<String> r = get("/");

    assertEquals(200, r.statusCode());
    assertEquals("text/html; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
    assertTrue(
        r.headers()
            .firstValue("Content-Security-Policy")
            .orElse("")
            .contains("default-src 'none'"));
    String page = r.body();
    assertTrue(page.contains("<meta http-equiv=\"refresh\" content=\"5\">"), page);
    String runningPart = section(page, "running");
    assertTrue(runningPart.contains("<a href=\"/jobs/" + current + "\">"), runningPart);
    assertTrue(runningPart.contains("roster-cache"), runningPart);
    assertTrue(runningPart.contains("https://github.com/acme/chatd/pull/9"), runningPart);
    assertTrue(runningPart.contains("<code>0d1a26e</code>"), runningPart);
    assertTrue(runningPart.contains("<code>05-run-10-one-to-one</code>"), runningPart);
    String queue = section(page, "queue");
    assertTrue(queue.indexOf("/jobs/" + queued + "\"") < queue.indexOf("/jobs/" + waiting + "\""));
    assertTrue(queue.contains("queued") && queue.contains("awaiting approval"), queue);
    String results = section(page, "results");
    assertTrue(results.indexOf("/jobs/" + trend + "\"") < results.indexOf("/jobs/" + evil + "\""));
    assertTrue(results.indexOf("/jobs/" + evil + "\"") < results.indexOf("/jobs/" + ok + "\""));
    assertTrue(results.contains("<span class=\"verdict success\">success</span>"), results);
    assertTrue(results.contains("<span class=\"verdict failure\">failure</span>"), results);
    assertTrue(results.contains("TTD p99 4.1 ms"), results);
    assertTrue(results.contains("<a href=\"https://github.com/acme/chatd/pull/7\">#7</a>"));
    assertTrue(
        results.contains(
            "https://github.com/acme/chatd/commit/0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c"));
  }

  @Test
  void untrustedValuesFromGitHubAreEscapedOnEveryPage() throws Exception {
    for (String path : List.of("/", "/jobs/" + evil)) {
      String page = get(path).body();
      assertFalse(page.toLowerCase().contains("<script"), path + ":\n" + page);
      assertFalse(page.contains("<b>bold"), page);
      assertTrue(page.contains("acme/" + EVIL_ESCAPED), page);
      assertTrue(page.contains(EVIL_ESCAPED + " slower"), page);
      // in a link the repository stays percent-encoded path segments of github.com
      assertTrue(page.contains("https://github.com/acme/%3Cscript%3Ealert%281%29%3C%2Fscript%3E/"));
    }
    String summary = section(get("/jobs/" + evil).body(), "result");
    assertTrue(summary.contains("<p>| scenario |\n" + EVIL_ESCAPED + "</p>"), summary);
  }

  @Test
  void aFinishedJobsPageShowsItsResultAsHtmlAndWhenItEnded() throws Exception {
    String markdown =
        """
        ### one-to-one: success
        | metric | base (median) | head (median) |
        |---|--:|--:|
        | ttd.p50 | 1.2 ms | **1.3 ms** |

        **Absolute limits** (`assert`): held.
        - ✅ `errors.total == 0` — measured 0

        [Grafana: Compare](https://grafana.example/d/x?a=1&b=2) · [no](javascript:alert(1))

        <details><summary>every run</summary>

        ```text
        </pre><script>alert(2)</script>
        ```
        </details>
        """;
    long id = store.accept(job("d7", "acme/chatd", "main", null, State.QUEUED)).get().id();
    while (store.claim().orElseThrow().id() != id) {
      // the older queued job is claimed first
    }
    store.finish(id, new JobResult("success", "fine", markdown, null));

    String page = get("/jobs/" + id).body();

    String result = section(page, "result");
    for (String html :
        List.of(
            "<h3>one-to-one: success</h3>",
            "<tr><th>metric</th><th style=\"text-align:right\">base (median)</th>",
            "<td style=\"text-align:right\"><strong>1.3 ms</strong></td>",
            "<p><strong>Absolute limits</strong> (<code>assert</code>): held.</p>",
            "<ul>\n<li>✅ <code>errors.total == 0</code> — measured 0</li>\n</ul>",
            "<a href=\"https://grafana.example/d/x?a=1&amp;b=2\">Grafana: Compare</a>",
            "[no](javascript:alert(1))",
            "<details><summary>every run</summary>",
            "<pre><code>&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;\n</code></pre>\n</details>")) {
      assertTrue(result.contains(html), html + " in\n" + result);
    }
    assertFalse(page.toLowerCase().contains("<script"), page);
    assertFalse(page.contains("href=\"javascript"), page);
    assertTrue(
        page.matches(
            "(?s).*<tr><th>finished</th><td>\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC"
                + " \\(took \\d+s\\)</td></tr>.*"),
        page);
  }

  @Test
  void statusJsonCarriesTheSameDataForMachines() throws Exception {
    HttpResponse<String> r = get("/status.json");

    assertEquals("application/json; charset=utf-8", r.headers().firstValue("Content-Type").get());
    JsonNode s = JSON.readTree(r.body());
    assertEquals(current, s.path("running").path("id").asLong());
    assertEquals("05-run-10-one-to-one", s.path("running").path("step").asText());
    assertTrue(s.path("running").path("elapsedSeconds").asLong() >= 0);
    assertEquals(List.of(queued, waiting), ids(s.path("queue")));
    assertEquals("awaiting_approval", s.path("queue").get(1).path("state").asText());
    assertEquals(List.of(trend, evil, ok), ids(s.path("results")));
    JsonNode last = s.path("results").get(2);
    assertEquals("success", last.path("conclusion").asText());
    assertEquals("https://github.com/acme/chatd/pull/7", last.path("pullRequestUrl").asText());
    assertEquals("/jobs/" + ok, last.path("details").asText());
    assertEquals("acme/" + EVIL, s.path("results").get(1).path("repo").asText());
  }

  @Test
  void reportsGitHubHasNotTakenAreCountedAndListedWithGitHubsLastAnswer() throws Exception {
    assertTrue(
        section(get("/").body(), "reports")
            .contains("Every result and comment has reached GitHub."));
    Outbox outbox = store.outbox();
    Job okJob = store.job(ok).orElseThrow();
    Job trendJob = store.job(trend).orElseThrow();
    outbox.addResult(okJob, new JobResult("success", "TTD p99 4.1 ms", "| t |", null), null);
    outbox.addCommitComment(trendJob, "change-points:abc", "a change");
    outbox.addCommitComment(trendJob, "change-points:def", "another change");
    List<Outbox.Report> stored = outbox.ofJob(ok);
    outbox.retryAt(
        stored.get(0).id(),
        Instant.now().plusSeconds(60),
        "could not complete check run: HTTP 502 at https://api.github.com/x: " + EVIL);
    List<Outbox.Report> comments = outbox.ofJob(trend);
    outbox.failed(comments.get(0).id(), "could not write commit comment: HTTP 422 at …: Invalid");
    outbox.posted(comments.get(1).id());

    String reports = section(get("/").body(), "reports");
    JsonNode json = JSON.readTree(get("/status.json").body()).path("reports");
    String okPage = section(get("/jobs/" + ok).body(), "reports");

    assertTrue(
        reports.contains(
            "<p>1 pending (tried again until GitHub takes them) · 1 refused by GitHub for good"
                + " (not tried again)</p>"),
        reports);
    assertTrue(reports.contains("HTTP 502 at https://api.github.com/x: " + EVIL_ESCAPED), reports);
    assertFalse(reports.contains(EVIL), reports);
    assertTrue(reports.contains("commit comment <code>change-points:abc</code>"), reports);
    assertTrue(reports.contains("<a href=\"/jobs/" + trend + "\">"), reports);
    assertFalse(reports.contains("change-points:def"), "a posted report is not listed");
    assertEquals(1, json.path("pending").asInt());
    assertEquals(1, json.path("failed").asInt());
    assertEquals(2, json.path("notPosted").size());
    JsonNode failed = json.path("notPosted").get(0);
    assertEquals("change-points:abc", failed.path("key").asText());
    assertEquals("failed", failed.path("state").asText());
    assertEquals(1, failed.path("attempts").asInt());
    assertTrue(failed.path("nextAttemptAt").isNull());
    assertEquals(
        "could not write commit comment: HTTP 422 at …: Invalid",
        failed.path("lastError").asText());
    assertEquals("pending", json.path("notPosted").get(1).path("state").asText());
    assertEquals(ok, json.path("notPosted").get(1).path("job").asLong());
    assertTrue(okPage.contains("<td>result</td><td>pending</td><td>1</td>"), okPage);
  }

  @Test
  void anABGatesLogsAreListedRoundByRoundAndTheCurrentStepIsTheLatestRounds() {
    List<String> ran =
        List.of(
            "01-fetch.log",
            "02-build-base.log",
            "02-build-head.log",
            "03-start-r1-base.log",
            "04-ready-r1-base.log",
            "05-run-r1-base-1-one-to-one.log",
            "05-run-r1-base-2-muc.log",
            "06-stop-r1-base.log",
            "03-start-r1-head.log",
            "04-ready-r1-head.log",
            "05-run-r1-head-1-one-to-one.log",
            "05-run-r1-head-2-muc.log",
            "06-stop-r1-head.log",
            "03-start-r2-base.log",
            "05-run-r10-head-1-one-to-one.log");
    List<String> shuffled = new java.util.ArrayList<>(ran);
    java.util.Collections.shuffle(shuffled, new java.util.Random(7));
    List<String> sorted = shuffled.stream().sorted(StatusPage.STEP_ORDER).toList();
    assertEquals(ran, sorted);
    assertEquals("05-run-r10-head-1-one-to-one", StatusPage.currentStep(sorted).orElseThrow());
  }

  @Test
  void aBisectionsLogsAreListedStepByStepEachWithItsBuildsThenItsRounds() {
    List<String> ran =
        List.of(
            "01-bisect.log",
            "01-fetch.log",
            "02-build-s1-good.log",
            "02-build-s1-mid.log",
            "02-build-s1-bad.log",
            "03-start-s1-r1-good.log",
            "05-run-s1-r1-good-1-one-to-one.log",
            "06-stop-s1-r1-good.log",
            "03-start-s1-r1-mid.log",
            "06-stop-s1-r1-mid.log",
            "03-start-s1-r1-bad.log",
            "03-start-s1-r10-good.log",
            "06-stop-s1-r10-bad.log",
            "02-build-s2-mid.log",
            "03-start-s2-r1-good.log",
            "05-run-s2-r1-mid-1-one-to-one.log");
    List<String> shuffled = new java.util.ArrayList<>(ran);
    java.util.Collections.shuffle(shuffled, new java.util.Random(7));
    List<String> sorted = shuffled.stream().sorted(StatusPage.STEP_ORDER).toList();
    assertEquals(ran, sorted);
    assertEquals("05-run-s2-r1-mid-1-one-to-one", StatusPage.currentStep(sorted).orElseThrow());
  }

  @Test
  void aJobsPageListsItsFieldsResultAndStepLogsWhichAreServedAsPlainText() throws Exception {
    String page = get("/jobs/" + current).body();
    assertTrue(page.contains("<tr><th>state</th><td>running</td></tr>"), page);
    assertTrue(page.contains("No result yet."), page);
    String logs = section(page, "logs");
    assertTrue(logs.indexOf("05-run-2-muc.log") < logs.indexOf("05-run-10-one-to-one.log"));
    assertTrue(logs.contains("<a href=\"/jobs/" + current + "/logs/01-fetch.log\">"), logs);
    assertFalse(logs.contains("loadtest.conf") || logs.contains("07-secrets.log"), logs);

    HttpResponse<String> log = get("/jobs/" + ok + "/logs/01-fetch.log");
    assertEquals(200, log.statusCode());
    assertEquals("text/plain; charset=utf-8", log.headers().firstValue("Content-Type").get());
    assertEquals("nosniff", log.headers().firstValue("X-Content-Type-Options").get());
    assertEquals("fetched 0d1a26e\n", log.body());
    assertEquals(404, get("/jobs/999").statusCode());
    assertEquals(404, get("/jobs/" + ok + "/logs/02-build.log").statusCode());
  }

  @Test
  void pathTraversalOtherFilesAndSymbolicLinksAreRefusedWith404() throws Exception {
    long id = current;
    for (String path :
        List.of(
            "/jobs/" + id + "/logs/../../db/jobs.mv.db",
            "/jobs/" + id + "/logs/../../secrets.txt",
            "/jobs/" + id + "/logs/%2e%2e/%2e%2e/secrets.txt",
            "/jobs/" + id + "/logs/%2e%2e%2f%2e%2e%2fsecrets.txt",
            "/jobs/" + id + "/logs/..%2F..%2Fdb%2Fjobs.mv.db",
            "/jobs/" + id + "/logs/01-fetch.log%2f..%2f..%2f..%2fsecrets.txt",
            "/jobs/" + id + "/logs/loadtest.conf",
            "/jobs/" + id + "/logs/07-secrets.log",
            "/jobs/" + id + "/logs/",
            "/jobs/" + id + "/../../secrets.txt",
            "/jobs/-1/logs/01-fetch.log",
            "/secrets.txt")) {
      String answer = raw(path);
      assertTrue(answer.startsWith("HTTP/1.1 404 "), path + " →\n" + answer);
      assertFalse(answer.contains(SECRET) || answer.contains(TOKEN), path);
    }
    assertTrue(raw("/jobs/" + id + "/logs/01-fetch.log").startsWith("HTTP/1.1 200 "));
  }

  @Test
  void onlyGetAndHeadAreAnswered() throws Exception {
    HttpRequest post =
        HttpRequest.newBuilder(uri("/")).POST(HttpRequest.BodyPublishers.ofString("x")).build();
    HttpRequest head =
        HttpRequest.newBuilder(uri("/jobs/" + ok + "/logs/01-fetch.log")).HEAD().build();
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> refused = http.send(post, HttpResponse.BodyHandlers.ofString());
      assertEquals(405, refused.statusCode());
      assertEquals("GET, HEAD", refused.headers().firstValue("Allow").orElse(""));
      HttpResponse<String> log = http.send(head, HttpResponse.BodyHandlers.ofString());
      assertEquals(200, log.statusCode());
      assertEquals("", log.body());
      assertEquals("16", log.headers().firstValue("Content-Length").orElse(""));
    }
  }

  @Test
  void noPageEverShowsTheWebhookSecretOrAToken() throws Exception {
    List<String> paths = new ArrayList<>(List.of("/", "/status.json"));
    for (long id = ok; id <= waiting; id++) {
      paths.add("/jobs/" + id);
    }
    for (String log : List.of("01-fetch.log", "05-run-10-one-to-one.log", "07-secrets.log")) {
      paths.add("/jobs/" + current + "/logs/" + log);
    }
    for (String path : paths) {
      String body = get(path).body();
      assertFalse(body.contains(SECRET), path);
      assertFalse(body.contains(TOKEN), path);
      assertFalse(body.contains("ghp_"), path);
    }
  }

  /**
   * Chromium loads the page as a browser does (meta refresh, CSP and all) and {@code --dump-dom}
   * prints the DOM it built: the injected script is text, not an element, and nothing ran.
   */
  @Test
  void headlessChromiumRendersTheRunningJobQueueAndResultsWithNoScript() throws Exception {
    Prerequisites.require(
        "chromium (" + CHROMIUM + ")", Files.isExecutable(CHROMIUM), "apt-get install -y chromium");
    String dom = chromium("--dump-dom", "--virtual-time-budget=2000", uri("/").toString()).trim();

    assertTrue(dom.startsWith("<!DOCTYPE html>") && dom.contains("<html lang=\"en\">"), dom);
    assertFalse(dom.toLowerCase().contains("<script"), dom);
    assertTrue(dom.contains("<title>Murmuration load tests</title>"), dom);
    assertTrue(section(dom, "running").contains("05-run-10-one-to-one"), dom);
    assertTrue(section(dom, "queue").contains("awaiting approval"), dom);
    assertTrue(section(dom, "results").contains("TTD p99 4.1 ms"), dom);
    assertTrue(dom.contains("acme/" + EVIL_ESCAPED), dom); // shown literally, as text
    assertFalse(dom.contains(SECRET) || dom.contains(TOKEN), dom);

    Path png = dataDir.resolve("status.png");
    chromium("--screenshot=" + png, "--window-size=1280,900", uri("/").toString());
    byte[] image = Files.readAllBytes(png);
    assertTrue(image.length > 1000, image.length + " bytes");
    assertEquals(
        "89504e470d0a1a0a", java.util.HexFormat.of().formatHex(image, 0, 8), "a PNG signature");
  }

  /** Runs headless Chromium with a fresh profile, offline: no update, sync or other traffic. */
  private String chromium(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox", // as root, Chromium refuses to start with its sandbox
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(dataDir, "chromium-profile")));
    command.addAll(List.of(args));
    Path err = dataDir.resolve("chromium.err");
    Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium did not finish");
    assertEquals(0, p.exitValue(), Files.readString(err));
    return out;
  }

  private long ended(Job job, String conclusion, String title) throws Exception {
    long id = store.accept(job).orElseThrow().id();
    assertEquals(id, store.claim().orElseThrow().id());
    assertTrue(store.finish(id, new JobResult(conclusion, title, "| scenario |\n" + EVIL, null)));
    Thread.sleep(5); // distinct finish times
    return id;
  }

  private static Job job(String delivery, String repo, String branch, Integer pr, State state) {
    return new Job(
        0,
        delivery,
        pr == null ? Trigger.PUSH : Trigger.PULL_REQUEST,
        repo,
        "https://github.com/" + repo + ".git",
        "main",
        branch,
        "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
        pr,
        null,
        pr == null ? null : "main",
        null,
        "grace",
        state,
        Instant.EPOCH);
  }

  /** The HTML of {@code <section id="id">…</section>}. */
  private static String section(String html, String id) {
    int start = html.indexOf("<section id=\"" + id + "\">");
    assertTrue(start >= 0, "no section " + id + " in\n" + html);
    return html.substring(start, html.indexOf("</section>", start));
  }

  private static List<Long> ids(JsonNode array) {
    List<Long> ids = new ArrayList<>();
    array.forEach(j -> ids.add(j.path("id").asLong()));
    return ids;
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private HttpResponse<String> get(String path) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  /** The whole answer to a GET of {@code path} sent byte for byte, as no client normalizes it. */
  private String raw(String path) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
