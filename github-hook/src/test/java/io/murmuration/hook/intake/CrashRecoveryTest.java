package io.murmuration.hook.intake;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.jsonResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.murmuration.hook.intake.Deliveries.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.murmuration.hook.GitRepo;
import io.murmuration.hook.Job;
import io.murmuration.hook.Job.State;
import io.murmuration.hook.queue.JobStore;
import io.murmuration.sut.LocalInflux;
import io.murmuration.testing.RunHistory;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every accepted job runs to one recorded end across a {@code kill -9}: the service runs in its own
 * JVM ({@link CrashTestService}), is killed with SIGKILL while one job runs and others are queued,
 * and is started again on the same data directory.
 */
class CrashRecoveryTest {
  private static final String SECRET = "crash-test-secret";
  private static final Pattern JOB_ID = Pattern.compile("\"jobs\":\\[(\\d+)]");
  private static final long JOB_MILLIS = 400;

  /** How long the first service's jobs last: longer than the test, so the kill lands in one. */
  private static final long HELD_MILLIS = 600_000;

  @TempDir Path dir;

  @Test
  void everyAcceptedJobEndsDoneExactlyOnceAfterAKill9AndARestart() throws Exception {
    Path data = dir.resolve("data");
    Path runs = dir.resolve("runs.txt");
    Map<String, Long> accepted = new LinkedHashMap<>(); // delivery id → job id

    Process first = launch(data, runs, "first", HELD_MILLIS); // its jobs last until the kill
    Deliveries github = new Deliveries(awaitPort(first, "first"), SECRET);
    for (int i = 0; i < 6; i++) {
      String delivery = Deliveries.newDeliveryId();
      ObjectNode push = fixture("push").put("after", String.format("%040x", i + 1));
      HttpResponse<String> r = github.send("push", delivery, push);
      assertEquals(202, r.statusCode(), r.body());
      accepted.put(delivery, jobId(r));
    }
    awaitLines(runs, "start ", 1); // the first job runs, and would for ten minutes
    first.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no flush
    first.waitFor();
    List<String> beforeKill = Files.readAllLines(runs);
    assertTrue(
        count(beforeKill, "end ") < accepted.size(), "the kill came too late: " + beforeKill);

    Process second = launch(data, runs, "second", JOB_MILLIS);
    try {
      github = new Deliveries(awaitPort(second, "second"), SECRET);
      Map.Entry<String, Long> some = accepted.entrySet().iterator().next();
      HttpResponse<String> replay = github.send("push", some.getKey(), fixture("push"));
      assertEquals(202, replay.statusCode());
      assertTrue(replay.body().contains("duplicate"), replay.body());

      awaitLines(runs, "end ", accepted.size()); // each job ends once in all
    } finally {
      second.destroy(); // SIGTERM: the shutdown hook closes the store
      second.waitFor();
    }

    List<String> lines = Files.readAllLines(runs);
    Map<Long, Integer> ends = tally(lines, "end ");
    Map<Long, Integer> starts = tally(lines, "start ");
    try (JobStore store = JobStore.openH2(data)) {
      List<Job> all = store.recent(100);
      assertEquals(accepted.size(), all.size(), "jobs in the store: " + all);
      for (long id : accepted.values()) {
        assertEquals(State.DONE, store.job(id).orElseThrow().state(), "job " + id);
        assertEquals("ran " + id, store.result(id).orElseThrow().title());
        assertEquals(1, ends.getOrDefault(id, 0), "job " + id + " completed once: " + lines);
        assertEquals(
            starts.get(id).intValue(),
            store.attempts(id),
            "every start is a counted attempt: " + lines);
      }
      long interrupted = accepted.values().stream().filter(id -> starts.get(id) == 2).count();
      assertTrue(interrupted >= 1, "no run was interrupted by the kill: " + lines);
    }
  }

  /**
   * A job's processes end with it: the real service ({@code murm hook}) is killed with SIGKILL
   * while a job's build has a child running, which survives it (Java has no parent-death signal);
   * after the restart, the job's second attempt finds that child gone when its own build starts.
   * The build records it: the first attempt leaves {@code sleep 600} running, the second writes
   * whether that process still runs.
   */
  @Test
  void aKilledServicesJobProcessesAreStoppedBeforeTheJobRunsAgain() throws Exception {
    Path state = Files.createDirectories(dir.resolve("state"));
    GitRepo repo = GitRepo.create(dir.resolve("origin"));
    Files.writeString(
        repo.dir().resolve("build.sh"),
        """
        if [ -f %1$s/child.pid ]; then  # a later attempt: does the first one's child still run?
          st=$(cut -d' ' -f3 /proc/$(cat %1$s/child.pid)/stat 2>/dev/null)
          if [ -n "$st" ] && [ "$st" != Z ]; then echo alive; else echo gone; fi > %1$s/verdict.tmp
          mv %1$s/verdict.tmp %1$s/verdict
        else
          sleep 600 &
          echo $! > %1$s/child.tmp && mv %1$s/child.tmp %1$s/child.pid
          wait
        fi
        """
            .formatted(state));
    String sha =
        repo.commit(
            """
            build = "bash build.sh"
            start = "exec sleep 600"
            ready { tcp = "127.0.0.1:1", timeout = 1s }
            scenarios = [ { scenario = one-to-one } ]
            """);
    Path conf = dir.resolve("hook.conf");
    Files.writeString(
        conf,
        """
        listen = "127.0.0.1:0"
        data-dir = "%s"
        clone-url-prefixes = ["%s/"]
        """
            .formatted(dir.resolve("data"), dir));
    ObjectNode push = fixture("push").put("after", sha);
    ((ObjectNode) push.get("repository")).put("clone_url", repo.dir().toString());
    List<String> hook = List.of("io.murmuration.hook.HookCommand", "--config", conf.toString());

    ServiceProcess first = launch("first", hook);
    long child;
    try {
      Deliveries github = new Deliveries(first.announcedPort(), SECRET);
      assertEquals(202, github.send("push", push).statusCode());
      awaitFile(state.resolve("child.pid"));
      child = Long.parseLong(Files.readString(state.resolve("child.pid")).strip());
    } finally {
      first.process().destroyForcibly(); // SIGKILL: the job's processes are orphaned, not stopped
      first.process().waitFor();
    }
    assertTrue(ProcessHandle.of(child).isPresent(), "the kill took the build's child with it");

    ServiceProcess second = launch("second", hook);
    try {
      awaitFile(state.resolve("verdict"));
      assertEquals(
          "gone",
          Files.readString(state.resolve("verdict")).strip(),
          "the first attempt's child ran beside the second attempt");
    } finally {
      second.close();
      ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /**
   * A report stored for GitHub survives a {@code kill -9}: the real service ({@code murm hook}, a
   * token, InfluxDB holding a branch whose TTD p99 stepped up) load-tests a push; GitHub answers
   * 500 to the commit status, so the result waits to be tried again and the change point's comment
   * waits behind it (reports on one commit go out in order). The service is killed with SIGKILL;
   * started again with GitHub answering, it posts both at once, each exactly once.
   */
  @Test
  void reportsGitHubHasNotTakenArePostedOnceAfterAKill9AndARestart() throws Exception {
    WireMockServer gh = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    gh.start();
    try (LocalInflux influx = LocalInflux.start(LocalInflux.Options.defaults())) {
      RunHistory.write(
          influx,
          RunHistory.of("acme/chatd", i -> String.format("c%02d", i))
              .steppedRuns(0, 20, 10, 20, 26));
      GitRepo repo = GitRepo.create(dir.resolve("origin"));
      Files.writeString(repo.dir().resolve("roster.c"), "/* no load-test configuration */\n");
      repo.git("add", "-A");
      repo.git("commit", "-q", "-m", "merge faster roster");
      String sha = repo.git("rev-parse", "HEAD");
      String statuses = "/repos/acme/chatd/statuses/" + sha;
      String comments = "/repos/acme/chatd/commits/" + sha + "/comments";
      stubGitHub(gh, sha, 500);
      Path conf = dir.resolve("hook.conf");
      Files.writeString(
          conf,
          """
          listen = "127.0.0.1:0"
          data-dir = "%s"
          clone-url-prefixes = ["%s/"]
          influx = "%s"
          """
              .formatted(dir.resolve("data"), dir, influx.url()));
      Map<String, String> env =
          Map.of(
              "MURM_WEBHOOK_SECRET",
              SECRET,
              "MURM_GITHUB_API_URL",
              gh.baseUrl(),
              "MURM_GITHUB_TOKEN",
              "ghp_crash0test");
      List<String> hook = List.of("io.murmuration.hook.HookCommand", "--config", conf.toString());
      ObjectNode push = fixture("push").put("after", sha);
      ((ObjectNode) push.get("repository")).put("clone_url", repo.dir().toString());

      ServiceProcess first = ServiceProcess.start(dir.resolve("service-first.log"), env, hook);
      try {
        int port = first.announcedPort();
        assertEquals(202, new Deliveries(port, SECRET).send("push", push).statusCode());
        awaitStatus(
            port,
            s ->
                s.path("results").size() == 1
                    && s.path("reports").path("pending").asInt() == 2
                    && s.path("reports").path("notPosted").findValues("attempts").stream()
                        .anyMatch(a -> a.asInt() == 1));
      } finally {
        first.process().destroyForcibly(); // SIGKILL
        first.process().waitFor();
      }
      gh.resetAll();
      stubGitHub(gh, sha, 201);

      try (ServiceProcess second =
          ServiceProcess.start(dir.resolve("service-second.log"), env, hook)) {
        int port = second.announcedPort();
        assertTrue(
            second
                .output()
                .contains(
                    "2 report(s) to GitHub left pending by a stopped service: sending them now"),
            second.output());
        awaitStatus(
            port,
            s ->
                s.path("reports").path("pending").asInt() == 0
                    && s.path("reports").path("failed").asInt() == 0);
      }

      List<String> states =
          gh.findAll(postRequestedFor(urlPathEqualTo(statuses))).stream()
              .map(r -> json(r.getBodyAsString()).path("state").asText())
              .toList();
      assertEquals(List.of("success"), states, "the result, once (the job did not run again)");
      List<LoggedRequest> posted = gh.findAll(postRequestedFor(urlPathEqualTo(comments)));
      assertEquals(1, posted.size(), "one comment");
      String body = json(posted.get(0).getBodyAsString()).path("body").asText();
      assertTrue(body.contains("https://github.com/acme/chatd/compare/c09...c10"), body);
      assertTrue(
          influx
              .query("SELECT * FROM \"event\" WHERE \"type\" = 'change_point'")
              .contains("\"c10\""),
          "the change point's event");
    } finally {
      gh.stop();
    }
  }

  /** What GitHub answers: the repository and commit, and {@code status} to every post. */
  private static void stubGitHub(WireMockServer gh, String sha, int status) {
    String repo = "/repos/acme/chatd";
    gh.stubFor(get("/user").willReturn(okJson("{\"login\":\"tide-bot\"}")));
    gh.stubFor(
        get(repo)
            .willReturn(
                okJson(
                    "{\"id\":1,\"name\":\"chatd\",\"full_name\":\"acme/chatd\","
                        + "\"owner\":{\"login\":\"acme\"},\"url\":\""
                        + gh.baseUrl()
                        + repo
                        + "\"}")));
    gh.stubFor(get(repo + "/commits/" + sha).willReturn(okJson("{\"sha\":\"" + sha + "\"}")));
    gh.stubFor(
        get(urlPathEqualTo(repo + "/commits/" + sha + "/comments")).willReturn(okJson("[]")));
    for (String path : List.of(repo + "/statuses/" + sha, repo + "/commits/" + sha + "/comments")) {
      gh.stubFor(
          post(urlPathEqualTo(path))
              .willReturn(
                  jsonResponse(status == 201 ? "{\"id\":1}" : "{\"message\":\"x\"}", status)));
    }
  }

  private static JsonNode json(String text) {
    try {
      return Deliveries.JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError(text, e);
    }
  }

  /** Until the service's {@code /status.json} satisfies {@code done}; fails after 90 s. */
  private void awaitStatus(int port, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + 90_000_000_000L;
    String last = "";
    try (HttpClient http = HttpClient.newHttpClient()) {
      while (true) {
        try {
          last =
              http.send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + port + "/status.json"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body();
          if (done.test(json(last))) {
            return;
          }
        } catch (IOException e) {
          last = e.toString();
        }
        assertTrue(System.nanoTime() < deadline, "status: " + last + "\n" + logs());
        Thread.sleep(100);
      }
    }
  }

  private Process launch(Path data, Path runs, String name, long jobMillis) throws IOException {
    return launch(
            name,
            List.of(
                CrashTestService.class.getName(),
                data.toString(),
                dir.resolve("port-" + name).toString(),
                runs.toString(),
                Long.toString(jobMillis)))
        .process();
  }

  /** A JVM running {@code mainAndArgs}, its output in service-NAME.log. */
  private ServiceProcess launch(String name, List<String> mainAndArgs) throws IOException {
    return ServiceProcess.start(
        dir.resolve("service-" + name + ".log"),
        Map.of("MURM_WEBHOOK_SECRET", SECRET),
        mainAndArgs);
  }

  private void awaitFile(Path file) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.exists(file)) {
      assertTrue(System.nanoTime() < deadline, "no " + file.getFileName() + ": " + logs());
      Thread.sleep(50);
    }
  }

  /** The port the service wrote once listening. */
  private int awaitPort(Process p, String name) throws Exception {
    Path portFile = dir.resolve("port-" + name);
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!Files.exists(portFile)) {
      assertTrue(p.isAlive(), "the service died: " + logs());
      assertTrue(System.nanoTime() < deadline, "the service did not start: " + logs());
      Thread.sleep(50);
    }
    return Integer.parseInt(Files.readString(portFile).strip());
  }

  private String logs() throws IOException {
    StringBuilder b = new StringBuilder();
    for (File f : dir.toFile().listFiles()) {
      if (f.getName().startsWith("service-")) {
        b.append(Files.readString(f.toPath()));
      }
    }
    return b.toString();
  }

  private void awaitLines(Path runs, String prefix, int n) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.exists(runs) || count(Files.readAllLines(runs), prefix) < n) {
      assertTrue(System.nanoTime() < deadline, "waited for " + n + " '" + prefix + "': " + logs());
      Thread.sleep(20);
    }
  }

  private static long jobId(HttpResponse<String> r) {
    Matcher m = JOB_ID.matcher(r.body());
    assertTrue(m.find(), r.body());
    return Long.parseLong(m.group(1));
  }

  private static int count(List<String> lines, String prefix) {
    return (int) lines.stream().filter(l -> l.startsWith(prefix)).count();
  }

  private static Map<Long, Integer> tally(List<String> lines, String prefix) {
    Map<Long, Integer> n = new HashMap<>();
    for (String l : lines) {
      if (l.startsWith(prefix)) {
        n.merge(Long.parseLong(l.substring(prefix.length()).strip()), 1, Integer::sum);
      }
    }
    return n;
  }
}
