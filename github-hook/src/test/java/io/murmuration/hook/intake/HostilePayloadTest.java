package io.murmuration.hook.intake;

import static io.murmuration.hook.intake.Deliveries.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.murmuration.hook.GitRepo;
import io.murmuration.hook.HookService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile values in every payload field that reaches a command line, a path or the job store, sent
 * correctly signed to the whole service (store, worker, pipeline): each delivery is refused with a
 * 400 whose one line names the field, no job is stored (so none runs), and the file that the
 * injected commands would create never appears. The repository the payloads point at is a real one
 * on disk, under {@code clone-url-prefixes}, so that a {@code --upload-pack} that reached git would
 * run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostilePayloadTest {
  private static final String SECRET = "hostile-test-secret";

  private Path tmp;
  private Path canary;
  private GitRepo repo;
  private HookService service;
  private Deliveries github;
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();

  @BeforeAll
  void start() throws Exception {
    tmp = Files.createTempDirectory("murm-hostile");
    canary = tmp.resolve("canary");
    repo = GitRepo.create(tmp.resolve("origin"));
    repo.commit("build = \"true\"\nstart = \"exec sleep 600\"\n");
    Config settings =
        ConfigFactory.parseMap(
            Map.of(
                "listen", "127.0.0.1:0",
                "data-dir", tmp.resolve("hook").toString(),
                "max-body", "1MiB",
                "approval-labels", List.of("loadtest"),
                "clone-url-prefixes", List.of(tmp + "/")));
    service =
        HookService.start(
            settings, Map.of("MURM_WEBHOOK_SECRET", SECRET), new PrintStream(console, true));
    github = new Deliveries(service.port(), SECRET);
  }

  @AfterAll
  void stop() throws Exception {
    service.close();
    try (Stream<Path> all = Files.walk(tmp)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Text fields, by event: each reaches git, a path or the store. */
  private static final Map<String, List<String>> TEXT_FIELDS =
      Map.of(
          "push",
          List.of(
              "/after",
              "/repository/full_name",
              "/repository/clone_url",
              "/repository/default_branch",
              "/sender/login"),
          "pull_request",
          List.of(
              "/pull_request/head/sha",
              "/pull_request/head/ref",
              "/pull_request/base/sha",
              "/pull_request/base/ref",
              "/repository/full_name",
              "/repository/clone_url",
              "/repository/default_branch",
              "/sender/login"),
          "pull_request labeled",
          List.of("/repository/full_name", "/sender/login"),
          "issue_comment",
          List.of("/repository/full_name", "/comment/user/login"),
          "check_run",
          List.of(
              "/check_run/head_sha",
              "/check_run/pull_requests/0/head/ref",
              "/check_run/pull_requests/0/base/sha",
              "/check_run/pull_requests/0/base/ref",
              "/repository/full_name",
              "/repository/clone_url",
              "/repository/default_branch",
              "/sender/login"));

  /** Number fields, by event. */
  private static final Map<String, List<String>> NUMBER_FIELDS =
      Map.of(
          "push", List.of("/installation/id"),
          "pull_request", List.of("/pull_request/number", "/installation/id"),
          "pull_request labeled", List.of("/pull_request/number"),
          "issue_comment", List.of("/issue/number"),
          "check_run", List.of("/check_run/pull_requests/0/number", "/installation/id"));

  private List<String> hostileTexts() {
    Path c = canary;
    return List.of(
        "--upload-pack=touch " + c,
        "-c core.sshCommand=touch " + c,
        "--output=" + c,
        "../../etc",
        "main\nevil",
        "main\u0000evil",
        "x".repeat(300),
        "a".repeat(5000),
        "$(touch " + c + ")",
        "main; touch " + c,
        "`touch " + c + "`",
        "file://" + c.getParent() + "/../../etc",
        "ext::sh -c touch% " + c);
  }

  private static List<JsonNode> hostileNumbers() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return List.of(
        f.textNode("$(touch /tmp/x)"),
        f.textNode("42; rm -rf /"),
        f.numberNode(-1),
        f.numberNode(0),
        f.numberNode(1e30),
        f.numberNode(new java.math.BigInteger("99999999999999999999999")),
        f.numberNode(4.5));
  }

  Stream<Arguments> hostileFields() {
    List<Arguments> cases = new ArrayList<>();
    TEXT_FIELDS.forEach(
        (event, fields) -> {
          for (String field : fields) {
            for (String value : hostileTexts()) {
              cases.add(
                  Arguments.of(
                      event, field, JsonNodeFactory.instance.textNode(value), label(value)));
            }
          }
        });
    NUMBER_FIELDS.forEach(
        (event, fields) -> {
          for (String field : fields) {
            for (JsonNode value : hostileNumbers()) {
              cases.add(Arguments.of(event, field, value, label(value.toString())));
            }
          }
        });
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} = {3}")
  @MethodSource("hostileFields")
  void aHostileValueIsRefusedWith400NamingTheFieldAndNothingRuns(
      String event, String pointer, JsonNode value, String label) throws Exception {
    ObjectNode payload = validPayload(event);
    String parent = pointer.substring(0, pointer.lastIndexOf('/'));
    ((ObjectNode) payload.at(parent)).set(pointer.substring(pointer.lastIndexOf('/') + 1), value);

    HttpResponse<String> r = github.send(event.split(" ")[0], payload);

    String field = pointer.substring(1).replace('/', '.');
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(r.body().startsWith(field + ": "), r.body());
    assertFalse(r.body().contains("\n"), "one line: " + r.body());
    assertTrue(service.store().recent(1).isEmpty(), "a job was stored");
    assertFalse(Files.exists(canary), "an injected command ran");
  }

  @ParameterizedTest(name = "X-GitHub-Delivery = {0}")
  @MethodSource("hostileDeliveryIds")
  void aHostileDeliveryIdIsRefusedWith400(String deliveryId) throws Exception {
    HttpResponse<String> r = github.send("push", deliveryId, validPayload("push"));

    assertEquals(400, r.statusCode(), r.body());
    assertTrue(r.body().startsWith("X-GitHub-Delivery: "), r.body());
    assertTrue(service.store().recent(1).isEmpty(), "a job was stored");
  }

  Stream<String> hostileDeliveryIds() {
    return Stream.of(
        "--upload-pack=touch " + canary, "../../etc", "x".repeat(101), "$(touch " + canary + ")");
  }

  /** The fixture of {@code event}, pointing at the repository on disk: valid as it is. */
  private ObjectNode validPayload(String event) {
    ObjectNode p =
        switch (event) {
          case "pull_request" -> fixture("pull_request_opened");
          case "pull_request labeled" -> {
            ObjectNode labeled = fixture("pull_request_fork_opened").put("action", "labeled");
            labeled.putObject("label").put("name", "loadtest");
            yield labeled;
          }
          case "issue_comment" -> fixture("issue_comment_loadtest");
          case "check_run" -> fixture("check_run_rerequested");
          default -> fixture("push");
        };
    ((ObjectNode) p.get("repository")).put("clone_url", repo.dir().toString());
    return p;
  }

  private static String label(String value) {
    String shown = value.replace("\n", "\\n").replace("\u0000", "\\0");
    return shown.length() > 40 ? shown.substring(0, 20) + "…(" + shown.length() + ")" : shown;
  }
}
