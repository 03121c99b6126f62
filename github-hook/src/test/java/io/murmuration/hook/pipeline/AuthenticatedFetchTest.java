package io.murmuration.hook.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.murmuration.hook.GitRepo;
import io.murmuration.hook.Job;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A private repository: served over smart HTTP by the real {@code git http-backend} behind HTTP
 * Basic authentication, as GitHub serves one to an installation token. The fetch succeeds with the
 * token, fails without it, and never writes the token into its log.
 */
class AuthenticatedFetchTest {
  private static final String TOKEN = "ghs_fetch0secret";

  @TempDir Path tmp;
  private HttpServer server;
  private GitRepo repo;
  private String sha;

  @BeforeEach
  void serveAPrivateRepository() throws Exception {
    repo = GitRepo.create(tmp.resolve("served/chatd.git"));
    sha = repo.commit("start = \"true\"\n");
    repo.git("config", "uploadpack.allowAnySHA1InWant", "true");
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("x-access-token:" + TOKEN).getBytes(StandardCharsets.UTF_8));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
    server.createContext(
        "/",
        ex -> {
          try (ex) {
            if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
              ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
              ex.sendResponseHeaders(401, -1);
              return;
            }
            httpBackend(ex, tmp.resolve("served"));
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void withTheTokenThePrivateRepositoryIsFetchedAndTheTokenStaysOutOfTheLog() throws Exception {
    Workspace ws = Workspace.create(tmp.resolve("work"), 1);
    Path log = ws.log("01-fetch.log");
    ws.fetch(job(), commands(ws), log, deadline(), TOKEN);

    assertTrue(Files.exists(ws.checkout.resolve(RepoConfig.PATH)));
    String text = Files.readString(log);
    assertFalse(text.contains(TOKEN), text);
    assertFalse(
        text.contains(Base64.getEncoder().encodeToString(("x-access-token:" + TOKEN).getBytes())),
        text);
  }

  @Test
  void withoutTheTokenTheFetchStepFails() {
    Workspace ws = Workspace.create(tmp.resolve("work"), 2);
    StepFailed failed =
        assertThrows(
            StepFailed.class,
            () -> ws.fetch(job(), commands(ws), ws.log("01-fetch.log"), deadline(), null));
    assertEquals("fetch", failed.step);
  }

  private Job job() {
    return new Job(
        1,
        "d-1",
        Job.Trigger.PUSH,
        "acme/chatd",
        "http://127.0.0.1:" + server.getAddress().getPort() + "/chatd.git",
        "main",
        "main",
        sha,
        null,
        null,
        null,
        42L,
        "octocat",
        Job.State.RUNNING,
        Instant.now());
  }

  private static Commands commands(Workspace ws) {
    return new Commands(
        Map.of("PATH", System.getenv("PATH"), "HOME", System.getProperty("java.io.tmpdir")),
        () -> false,
        ws.processes);
  }

  private static long deadline() {
    return System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
  }

  /** One request through {@code git http-backend} (CGI): the real smart-HTTP server of git. */
  private static void httpBackend(HttpExchange ex, Path root) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("git", "http-backend");
    Map<String, String> env = pb.environment();
    env.put("GIT_PROJECT_ROOT", root.toString());
    env.put("GIT_HTTP_EXPORT_ALL", "1");
    env.put("REMOTE_USER", "x-access-token");
    env.put("PATH_INFO", ex.getRequestURI().getPath());
    env.put("REQUEST_METHOD", ex.getRequestMethod());
    env.put(
        "QUERY_STRING",
        ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery());
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    env.put("CONTENT_TYPE", type == null ? "" : type);
    String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
    if (encoding != null) {
      env.put("HTTP_CONTENT_ENCODING", encoding);
    }
    String protocol = ex.getRequestHeaders().getFirst("Git-Protocol");
    if (protocol != null) {
      env.put("GIT_PROTOCOL", protocol);
    }
    Process p = pb.start();
    try (OutputStream in = p.getOutputStream();
        InputStream body = ex.getRequestBody()) {
      body.transferTo(in);
    }
    InputStream out = p.getInputStream();
    int status = 200;
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) { // CGI headers, up to an empty line
      int b = out.read();
      if (b < 0) {
        break;
      }
      if (b != '\n') {
        if (b != '\r') {
          line.write(b);
        }
        continue;
      }
      String header = line.toString(StandardCharsets.UTF_8);
      line.reset();
      if (header.isEmpty()) {
        break;
      }
      int colon = header.indexOf(':');
      String name = header.substring(0, colon).strip();
      String value = header.substring(colon + 1).strip();
      if (name.equalsIgnoreCase("Status")) {
        status = Integer.parseInt(value.substring(0, 3));
      } else {
        ex.getResponseHeaders().add(name, value);
      }
    }
    ex.sendResponseHeaders(status, 0);
    try (OutputStream response = ex.getResponseBody()) {
      out.transferTo(response);
    }
  }
}
