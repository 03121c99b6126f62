package io.murmuration.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.testing.LocalServersExtension;
import io.murmuration.testing.MurmProcess;
import io.murmuration.testing.OpenApiDocument;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code murm coordinator} and a worker, each in a JVM of its own, steered only through the control
 * API as an operator (or the webhook service) would: a run started, grown, changed, shrunk and
 * stopped, its summary fetched; every answer checked against the OpenAPI document.
 */
@ExtendWith(LocalServersExtension.class)
class ControlApiTest {
  private static final String TOKEN = "a-test-token-of-24-chars";

  @TempDir Path dir;
  private final List<MurmProcess> processes = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ObjectMapper json = new ObjectMapper();
  private OpenApiDocument doc;
  private URI api;

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (MurmProcess p : processes) {
      p.close();
    }
  }

  @Test
  void startsGrowsChangesShrinksAndStopsARunOverTheWorkers(LocalEjabberd ejabberd)
      throws Exception {
    doc = OpenApiDocument.load();
    int first = LocalServersExtension.freshUserIds(30);
    int cluster = MurmProcess.freePort();
    int port = MurmProcess.freePort();
    api = URI.create("http://127.0.0.1:" + port);
    Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    MurmProcess coordinator =
        start(
            "coordinator.log",
            "coordinator",
            "--cluster-bind",
            "127.0.0.1:" + cluster,
            "--api",
            "127.0.0.1:" + port,
            "--api-token-file",
            token.toString(),
            "--runs-dir",
            dir.resolve("runs").toString());
    coordinator.await(java.util.regex.Pattern.compile("control API on"), Duration.ofSeconds(60));

    // no token, a wrong one: refused before anything else
    assertEquals(401, call("GET", "/status", null, null).statusCode());
    assertEquals(401, call("GET", "/status", null, "not-the-token-at-all").statusCode());
    assertEquals(404, get("/nope").statusCode());
    assertEquals(405, get("/execution/stop").statusCode());

    // idle, no worker yet: a start is refused with the fix
    JsonNode status = ok(get("/status"), "Status");
    assertEquals("idle", status.get("state").asText());
    JsonNode refused = refused(post("/execution/start", "{\"scenario\":\"one-to-one\"}"));
    assertTrue(refused.get("message").asText().contains("murm node --seed"), refused.toString());
    refused(post("/execution/add_users", "{\"users\":5}"));
    assertEquals(400, post("/execution/add_users", "{\"users\":\"many\"}").statusCode());
    assertEquals(400, post("/execution/start", "[1]").statusCode());

    start(
        "worker.log",
        "node",
        "--seed",
        "127.0.0.1:" + cluster,
        "--bind",
        "127.0.0.2:0",
        "--runs-dir",
        dir.resolve("worker-runs").toString());
    awaitJson(
        "/nodes", "Member", n -> n.size() == 2 && n.get(1).get("status").asText().equals("up"));
    JsonNode scenarios = ok(get("/scenarios"), "Scenario");
    assertTrue(scenarios.toString().contains("\"name\":\"one-to-one\""), scenarios.toString());

    String target = ejabberd.c2s().getHostString() + ":" + ejabberd.c2s().getPort();
    String start =
        "{\"scenario\":\"one-to-one\",\"settings\":{\"users\":\"20\",\"first-user\":\""
            + first
            + "\",\"arrival-rate\":\"50\",\"duration\":\"60s\",\"target\":\""
            + target
            + "\",\"domain\":\""
            + ejabberd.domain()
            + "\",\"accounts\":\"register\",\"run-id\":\"api-run-"
            + first
            + "\"},\"params\":{\"bucket_size\":\"5\",\"messages\":\"0\",\"interval\":\"500ms\"}}";
    // a setting the API does not take is refused, naming the ones it does
    JsonNode bad =
        refused(
            post(
                "/execution/start", start.replace("\"users\"", "\"runs-dir\":\"/etc\",\"users\"")));
    assertTrue(
        bad.get("message").asText().contains("'runs-dir' cannot be given here"), bad.toString());
    ok(post("/execution/start", start), "Answer");
    refused(post("/execution/start", start));
    awaitJson("/status", "Status", s -> s.at("/run/users_connected").asInt() == 20);

    // a worker that joins mid-run gets users at the next add, as in amoc: half of these 10
    start(
        "late-worker.log",
        "node",
        "--seed",
        "127.0.0.1:" + cluster,
        "--bind",
        "127.0.0.3:0",
        "--runs-dir",
        dir.resolve("worker-runs").toString());
    awaitJson(
        "/nodes", "Member", n -> n.size() == 3 && n.get(2).get("status").asText().equals("up"));
    ok(post("/execution/add_users", "{\"users\":10,\"rate\":20}"), "Answer");
    awaitJson("/status", "Status", s -> s.at("/run/users_connected").asInt() == 30);
    JsonNode unknown =
        refused(post("/execution/update_settings", "{\"throttles\":{\"mesages\":5}}"));
    assertTrue(
        unknown.get("message").asText().contains("unknown throttle 'mesages'"), unknown.toString());
    refused(post("/execution/update_settings", "{\"params\":{\"bucket_size\":\"3\"}}"));
    ok(
        post(
            "/execution/update_settings",
            "{\"params\":{\"interval\":\"1s\"},\"throttles\":{\"messages\":100}}"),
        "Answer");
    ok(post("/execution/remove_users", "{\"users\":5}"), "Answer");
    awaitJson("/status", "Status", s -> s.at("/run/users_connected").asInt() == 25);
    ok(post("/execution/stop", null), "Answer");
    JsonNode done = awaitJson("/status", "Status", s -> s.get("state").asText().equals("idle"));
    assertEquals("finished", done.at("/run/state").asText(), done.toString());
    assertEquals(0, done.at("/run/exit_code").asInt(), done.toString());

    HttpResponse<String> summary = get("/runs/api-run-" + first + "/summary");
    assertEquals(200, summary.statusCode(), summary.body());
    JsonNode s = json.readTree(summary.body());
    assertEquals(30, s.at("/users/peak").asInt(), s.toString());
    assertEquals(2, s.get("nodes").size(), s.toString());
    assertEquals(
        first + "-" + (first + 19) + ", " + (first + 20) + "-" + (first + 24),
        s.at("/nodes/0/ids").asText(),
        s.toString());
    assertTrue(s.at("/nodes/1/node").asText().startsWith("127.0.0.3:"), s.toString());
    assertEquals((first + 25) + "-" + (first + 29), s.at("/nodes/1/ids").asText(), s.toString());
    assertEquals("finished", s.at("/nodes/1/state").asText(), s.toString());
    assertEquals(404, get("/runs/no-such-run/summary").statusCode());
    assertEquals(404, get("/runs/..%2F..%2Fetc/summary").statusCode());
    assertFalse(get("/openapi.yaml").body().isEmpty());
  }

  private MurmProcess start(String log, String... args) {
    MurmProcess p = MurmProcess.start(dir.resolve(log), args);
    processes.add(p);
    return p;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return call("GET", path, null, TOKEN);
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return call("POST", path, body, TOKEN);
  }

  private HttpResponse<String> call(String method, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(api.resolve(path))
            .timeout(Duration.ofSeconds(15))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The body of a 200 answer, checked against schema {@code schema} (of each item for arrays). */
  private JsonNode ok(HttpResponse<String> response, String schema) throws Exception {
    assertEquals(200, response.statusCode(), response.body());
    return conforming(response, schema);
  }

  private JsonNode refused(HttpResponse<String> response) throws Exception {
    assertEquals(409, response.statusCode(), response.body());
    JsonNode answer = conforming(response, "Answer");
    assertFalse(answer.get("accepted").asBoolean());
    return answer;
  }

  private JsonNode conforming(HttpResponse<String> response, String schema) throws Exception {
    JsonNode body = json.readTree(response.body());
    for (JsonNode item : body.isArray() ? body : json.createArrayNode().add(body)) {
      assertEquals(List.of(), doc.problems(item, schema), response.body());
    }
    return body;
  }

  private JsonNode awaitJson(String path, String schema, Predicate<JsonNode> until)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = ok(get(path), schema);
      if (until.test(last)) {
        return last;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(path + " never as expected; last: " + last);
  }
}
