package io.murmuration.hook.intake;

import static io.murmuration.hook.intake.Deliveries.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.murmuration.hook.GitRepo;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's log as an operator reads it: the real {@code murm hook} in a JVM of its own, its
 * output in a file. A HEAD request is answered like a GET without its body and logs nothing; a
 * GitHub that cannot be reached (github-api retries each call) logs one line per failed call, in
 * the service's own format — never the JDK's two-line java.util.logging records: the job's start,
 * and the first attempt at its result, which is tried again later.
 */
class ServiceLogTest {
  private static final String SECRET = "log-test-secret";

  /** The first line of a java.util.logging record: "Dec 04, 2026 10:46:02 PM some.Class method". */
  private static final Pattern JUL_HEADER =
      Pattern.compile("[A-Z][a-z]{2} \\d{2}, \\d{4} \\d{1,2}:\\d{2}:\\d{2} [AP]M .*");

  @TempDir Path tmp;

  @Test
  void headRequestsLogNothingAndEachFailedGitHubCallIsOneLine() throws Exception {
    GitRepo repo = GitRepo.create(tmp.resolve("origin"));
    Files.writeString(repo.dir().resolve("README"), "no load-test configuration\n");
    repo.git("add", "-A");
    repo.git("commit", "-q", "-m", "readme");
    Path conf = tmp.resolve("hook.conf");
    Files.writeString(
        conf,
        """
        listen = "127.0.0.1:0"
        data-dir = "%s"
        clone-url-prefixes = ["%s/"]
        """
            .formatted(tmp.resolve("data"), tmp));
    Map<String, String> env =
        Map.of(
            "MURM_WEBHOOK_SECRET",
            SECRET,
            "MURM_GITHUB_TOKEN",
            "ghp_logtest",
            "MURM_GITHUB_API_URL",
            "http://127.0.0.1:" + unusedPort());
    ObjectNode push = fixture("push").put("after", repo.git("rev-parse", "HEAD"));
    ((ObjectNode) push.get("repository")).put("clone_url", repo.dir().toString());

    String log;
    try (ServiceProcess hook =
            ServiceProcess.start(
                tmp.resolve("hook.log"),
                env,
                List.of("io.murmuration.hook.HookCommand", "--config", conf.toString()));
        HttpClient http = HttpClient.newHttpClient()) {
      int port = hook.announcedPort();
      for (String path : List.of("/", "/status.json", "/webhook")) {
        URI uri = URI.create("http://127.0.0.1:" + port + path);
        HttpResponse<String> get =
            http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> head =
            http.send(
                HttpRequest.newBuilder(uri).HEAD().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(get.statusCode(), head.statusCode(), path);
        assertEquals(
            get.headers().firstValue("Content-Type"), head.headers().firstValue("Content-Type"));
        assertEquals("", head.body(), path);
      }
      assertEquals(202, new Deliveries(port, SECRET).send("push", push).statusCode());
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (hook.output().lines().filter(l -> l.contains("GitHub: ")).count() < 2) {
        assertTrue(System.nanoTime() < deadline, "no GitHub failure logged:\n" + hook.output());
        Thread.sleep(50);
      }
      log = hook.output();
    }

    List<String> github = log.lines().filter(l -> l.contains("GitHub: ")).toList();
    assertEquals(2, github.size(), "one line per failed call (started, finished):\n" + log);
    assertTrue(
        github
            .get(0)
            .matches(
                "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN GitHubReporter - GitHub: could not reach"
                    + " repository for job 1 .*"),
        github.get(0));
    assertTrue(
        github
            .get(1)
            .matches(
                "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN ReportSender - GitHub: the result of job 1 .* not"
                    + " posted: could not reach repository: .*; trying again in 30 s \\(attempt 1"
                    + " failed\\)"),
        github.get(1));
    for (String line : log.lines().toList()) {
      assertFalse(JUL_HEADER.matcher(line).matches(), "a two-line JDK log record:\n" + log);
    }
    assertFalse(log.contains("retrying"), log);
    assertFalse(log.contains("HEAD"), log);
  }

  private static int unusedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
