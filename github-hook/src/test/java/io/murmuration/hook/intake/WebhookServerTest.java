package io.murmuration.hook.intake;

import static io.murmuration.hook.intake.Deliveries.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.murmuration.hook.Job;
import io.murmuration.hook.Job.State;
import io.murmuration.hook.Job.Trigger;
import io.murmuration.hook.JobResult;
import io.murmuration.hook.queue.JobStore;
import io.murmuration.hook.queue.Worker;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /webhook} over real HTTP on loopback, with a real H2 store on disk. */
class WebhookServerTest {
  private static final String SECRET = "It's a Secret to Everybody";

  @TempDir Path dataDir;
  private JobStore store;
  private WebhookServer server;
  private Deliveries github;
  private final AtomicInteger wakeUps = new AtomicInteger();
  private final List<Long> cancelledRunning = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    store = JobStore.openH2(dataDir);
    server =
        WebhookServer.start(
            WebhookServer.Settings.of(
                new InetSocketAddress("127.0.0.1", 0), WebhookSecret.of(SECRET)),
            store,
            dataDir.resolve("jobs"),
            () -> -1,
            wakeUps::incrementAndGet,
            cancelledRunning::add);
    github = new Deliveries(server.port(), SECRET);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    store.close();
  }

  @Test
  void aTrustedPullRequestIsQueuedBeforeThe202WhichComesWithinASecond() throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<String> r = github.send("pull_request", fixture("pull_request_opened"));
    long millis = (System.nanoTime() - t0) / 1_000_000;

    assertEquals(202, r.statusCode(), r.body());
    assertTrue(millis < 1000, "answered in " + millis + " ms");
    Job job = only(store.queued());
    assertTrue(r.body().contains("\"jobs\":[" + job.id() + "]"), r.body());
    assertEquals(Trigger.PULL_REQUEST, job.trigger());
    assertEquals("acme/chatd", job.repo());
    assertEquals("https://github.com/acme/chatd.git", job.cloneUrl());
    assertEquals("main", job.defaultBranch());
    assertEquals("faster-roster", job.branch());
    assertEquals("9f4b5c4a0e7c2a3d1b8e6f5a4c3b2a1908f7e6d5", job.sha());
    assertEquals(42, job.pr());
    assertEquals("6113728f27ae82c7b1a177c8d03f9e96e0adf246", job.baseSha());
    assertEquals("main", job.baseBranch());
    assertEquals(57212345L, job.installationId());
    assertEquals("grace", job.requestedBy());
    assertEquals(1, wakeUps.get());
  }

  @Test
  void aForgedSignatureIsRefusedWith401AndStoresNothing() throws Exception {
    byte[] body = Deliveries.bytes(fixture("pull_request_opened"));
    String forged = Deliveries.sign("not the secret", body);

    HttpResponse<String> r = github.send("pull_request", Deliveries.newDeliveryId(), body, forged);

    assertEquals(401, r.statusCode());
    assertTrue(store.recent(10).isEmpty());
  }

  @Test
  void aSignatureOfAnotherBodyIsRefusedWith401() throws Exception {
    ObjectNode signed = fixture("pull_request_opened");
    String signature = Deliveries.sign(SECRET, Deliveries.bytes(signed));
    ObjectNode tampered = signed.deepCopy();
    ((ObjectNode) tampered.get("pull_request").get("head")).put("sha", "0".repeat(40));

    HttpResponse<String> r =
        github.send(
            "pull_request", Deliveries.newDeliveryId(), Deliveries.bytes(tampered), signature);

    assertEquals(401, r.statusCode());
    assertTrue(store.recent(10).isEmpty());
  }

  @Test
  void aMissingSignatureIsRefusedWith401() throws Exception {
    byte[] body = Deliveries.bytes(fixture("push"));

    HttpResponse<String> r = github.send("push", Deliveries.newDeliveryId(), body, null);

    assertEquals(401, r.statusCode());
    assertTrue(store.recent(10).isEmpty());
  }

  @Test
  void aRedeliveryIsAnswered202ButMakesNoSecondJob() throws Exception {
    String delivery = Deliveries.newDeliveryId();
    ObjectNode push = fixture("push");

    HttpResponse<String> first = github.send("push", delivery, push);
    HttpResponse<String> again = github.send("push", delivery, push);

    assertEquals(202, first.statusCode());
    assertEquals(202, again.statusCode());
    assertTrue(again.body().contains("duplicate"), again.body());
    assertEquals(1, store.recent(10).size());
    assertEquals(1, wakeUps.get());
  }

  @Test
  void malformedJsonIsAnswered400() throws Exception {
    byte[] body = "{\"action\": \"opened\", \"pull_request\": {".getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> r =
        github.send(
            "pull_request", Deliveries.newDeliveryId(), body, Deliveries.sign(SECRET, body));

    assertEquals(400, r.statusCode());
    assertTrue(store.recent(10).isEmpty());
  }

  /**
   * A webhook set to GitHub's other content type, {@code application/x-www-form-urlencoded}, sends
   * the JSON as a form field; the answer says which setting to change.
   */
  @Test
  void aDeliveryThatIsNotApplicationJsonIsAnswered415SayingToChooseJson() throws Exception {
    byte[] form =
        ("payload="
                + java.net.URLEncoder.encode(fixture("push").toString(), StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> r =
        github.send(
            HttpRequest.newBuilder(github.endpoint())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-GitHub-Event", "push")
                .header("X-GitHub-Delivery", Deliveries.newDeliveryId())
                .header("X-Hub-Signature-256", Deliveries.sign(SECRET, form))
                .POST(HttpRequest.BodyPublishers.ofByteArray(form))
                .build());

    assertEquals(415, r.statusCode(), r.body());
    assertEquals(
        "Content-Type must be application/json: choose application/json as the content type in"
            + " the webhook's settings on GitHub",
        r.body());
    assertTrue(store.recent(10).isEmpty());
  }

  @Test
  void jsonWithACharsetIsJson() throws Exception {
    byte[] body = Deliveries.bytes(fixture("push"));

    HttpResponse<String> r =
        github.send(
            HttpRequest.newBuilder(github.endpoint())
                .header("Content-Type", "Application/JSON; charset=utf-8")
                .header("X-GitHub-Event", "push")
                .header("X-GitHub-Delivery", Deliveries.newDeliveryId())
                .header("X-Hub-Signature-256", Deliveries.sign(SECRET, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());

    assertEquals(202, r.statusCode(), r.body());
  }

  @Test
  void aPayloadWithoutItsRepositoryIsAnswered400() throws Exception {
    ObjectNode push = fixture("push");
    push.remove("repository");

    assertEquals(400, github.send("push", push).statusCode());
    assertTrue(store.recent(10).isEmpty());
  }

  @Test
  void aSenderLoginTooLongForTheStoreIsA400NamingTheFieldNotA500() throws Exception {
    ObjectNode push = fixture("push");
    ((ObjectNode) push.get("sender")).put("login", "l".repeat(300));

    HttpResponse<String> r = github.send("push", push);

    assertEquals(400, r.statusCode(), r.body());
    assertEquals(
        "sender.login: not a GitHub login (letters, digits, '-' and '_', at most 39 characters)",
        r.body());
    assertTrue(store.recent(10).isEmpty());
  }

  @Test
  void aBodyOverTheLimitIsAnswered413WhetherItsLengthIsDeclaredOrNot() throws Exception {
    byte[] big = new byte[WebhookServer.Settings.DEFAULT_MAX_BODY + 1];
    java.util.Arrays.fill(big, (byte) ' ');
    String signature = Deliveries.sign(SECRET, big);

    HttpResponse<String> declared = github.send("push", Deliveries.newDeliveryId(), big, signature);
    HttpResponse<String> chunked =
        github.send(
            HttpRequest.newBuilder(github.endpoint())
                .header("X-GitHub-Event", "push")
                .header("X-GitHub-Delivery", Deliveries.newDeliveryId())
                .header("X-Hub-Signature-256", signature)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build());

    assertEquals(413, declared.statusCode());
    assertEquals(413, chunked.statusCode());
    assertTrue(store.recent(10).isEmpty());
  }

  @Test
  void aBodyOfExactlyTheLimitIsRead() throws Exception {
    byte[] json = Deliveries.bytes(fixture("ping"));
    byte[] exact = new byte[WebhookServer.Settings.DEFAULT_MAX_BODY];
    java.util.Arrays.fill(exact, (byte) ' ');
    System.arraycopy(json, 0, exact, 0, json.length);

    HttpResponse<String> r =
        github.send("ping", Deliveries.newDeliveryId(), exact, Deliveries.sign(SECRET, exact));

    assertEquals(200, r.statusCode());
  }

  @Test
  void pingIsAnsweredWithoutAJob() throws Exception {
    HttpResponse<String> r = github.send("ping", fixture("ping"));

    assertEquals(200, r.statusCode());
    assertEquals("pong", r.body());
    assertTrue(store.recent(10).isEmpty());
  }

  @Test
  void anUnhandledEventIsAnswered204() throws Exception {
    ObjectNode star = Deliveries.JSON.createObjectNode().put("action", "created");
    star.set("repository", fixture("push").get("repository"));

    assertEquals(204, github.send("star", star).statusCode());
    assertTrue(store.recent(10).isEmpty());
  }

  @Test
  void aPullRequestClosedIsAnswered204() throws Exception {
    ObjectNode closed = fixture("pull_request_opened").put("action", "closed");

    assertEquals(204, github.send("pull_request", closed).statusCode());
    assertTrue(store.recent(10).isEmpty());
  }

  @Test
  void aPushToTheDefaultBranchQueuesATrendRunOfTheMergedCommit() throws Exception {
    assertEquals(202, github.send("push", fixture("push")).statusCode());

    Job job = only(store.queued());
    assertEquals(Trigger.PUSH, job.trigger());
    assertEquals("main", job.branch());
    assertEquals("0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", job.sha());
    assertEquals(null, job.pr());
  }

  @Test
  void aPushToAnotherBranchIsIgnored() throws Exception {
    ObjectNode push = fixture("push").put("ref", "refs/heads/faster-roster");

    assertEquals(204, github.send("push", push).statusCode());
    assertTrue(store.recent(10).isEmpty());
  }

  @Test
  void anUntrustedForkWaitsForApprovalAndRunsAfterLoadtestFromAMember() throws Exception {
    List<Long> ran = new CopyOnWriteArrayList<>();
    store.recoverAfterCrash();
    Worker worker =
        Worker.start(
            store,
            job -> {
              ran.add(job.id());
              return new JobResult("success", "ok", "ok", null);
            },
            Duration.ofMillis(50));
    try {
      assertEquals(
          202, github.send("pull_request", fixture("pull_request_fork_opened")).statusCode());
      Job waiting = only(store.recent(10));
      assertEquals(State.AWAITING_APPROVAL, waiting.state());
      Thread.sleep(300);
      assertTrue(ran.isEmpty(), "a fork's code ran before approval");

      HttpResponse<String> r = github.send("issue_comment", fixture("issue_comment_loadtest"));

      assertEquals(202, r.statusCode(), r.body());
      awaitState(waiting.id(), State.DONE);
      assertEquals(List.of(waiting.id()), ran);
      assertEquals(1, store.recent(10).size(), "approval made no extra job");
    } finally {
      worker.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void aPullRequestFromTheSameRepositoryByAnOutsideAuthorWaitsToo() throws Exception {
    ObjectNode pr = fixture("pull_request_opened");
    ((ObjectNode) pr.get("pull_request")).put("author_association", "FIRST_TIME_CONTRIBUTOR");

    assertEquals(202, github.send("pull_request", pr).statusCode());

    assertEquals(State.AWAITING_APPROVAL, only(store.recent(10)).state());
    assertEquals(0, wakeUps.get());
  }

  @Test
  void loadtestFromAnUntrustedAuthorApprovesNothing() throws Exception {
    github.send("pull_request", fixture("pull_request_fork_opened"));
    ObjectNode comment = fixture("issue_comment_loadtest");
    ObjectNode c = (ObjectNode) comment.get("comment");
    c.put("author_association", "CONTRIBUTOR");
    ((ObjectNode) c.get("user")).put("login", "mallory");

    assertEquals(204, github.send("issue_comment", comment).statusCode());
    assertEquals(State.AWAITING_APPROVAL, only(store.recent(10)).state());
    assertEquals(0, wakeUps.get());
  }

  @Test
  void aCommentWithoutTheCommandApprovesNothing() throws Exception {
    github.send("pull_request", fixture("pull_request_fork_opened"));
    ObjectNode comment = fixture("issue_comment_loadtest");
    ((ObjectNode) comment.get("comment")).put("body", "Could we /loadtest this later?");

    assertEquals(204, github.send("issue_comment", comment).statusCode());
    assertEquals(State.AWAITING_APPROVAL, only(store.recent(10)).state());
  }

  @Test
  void theApprovalLabelApprovesAWaitingPullRequest() throws Exception {
    github.send("pull_request", fixture("pull_request_fork_opened"));
    ObjectNode labeled = fixture("pull_request_fork_opened").put("action", "labeled");
    labeled.putObject("label").put("name", "loadtest");
    labeled.putObject("sender").put("login", "ada");

    assertEquals(202, github.send("pull_request", labeled).statusCode());
    assertEquals(State.QUEUED, only(store.recent(10)).state());
  }

  @Test
  void theApprovalLabelOnAPullRequestWithNothingWaitingRunsNothingAgain() throws Exception {
    github.send("pull_request", fixture("pull_request_opened"));
    Job ran = store.claim().orElseThrow();
    store.finish(ran.id(), new JobResult("success", "ok", "ok", null));
    ObjectNode labeled = fixture("pull_request_opened").put("action", "labeled");
    labeled.putObject("label").put("name", "loadtest");

    assertEquals(204, github.send("pull_request", labeled).statusCode());
    assertEquals(List.of(ran.id()), store.recent(10).stream().map(Job::id).toList());
    assertTrue(store.queued().isEmpty());
    assertEquals(1, wakeUps.get());
  }

  @Test
  void anotherLabelApprovesNothing() throws Exception {
    github.send("pull_request", fixture("pull_request_fork_opened"));
    ObjectNode labeled = fixture("pull_request_fork_opened").put("action", "labeled");
    labeled.putObject("label").put("name", "performance");

    assertEquals(204, github.send("pull_request", labeled).statusCode());
    assertEquals(State.AWAITING_APPROVAL, only(store.recent(10)).state());
  }

  @Test
  void loadtestOnAPullRequestWithNothingWaitingRunsItsNewestCommitAgain() throws Exception {
    github.send("pull_request", fixture("pull_request_opened"));
    Job first = only(store.queued());
    ObjectNode comment = fixture("issue_comment_loadtest");
    ((ObjectNode) comment.get("issue")).put("number", 42);
    String delivery = Deliveries.newDeliveryId();

    assertEquals(202, github.send("issue_comment", delivery, comment).statusCode());
    assertEquals(202, github.send("issue_comment", delivery, comment).statusCode());

    Job again = only(store.queued());
    assertTrue(again.id() > first.id());
    assertEquals(first.sha(), again.sha());
    assertEquals("ada", again.requestedBy());
    assertEquals(State.CANCELLED, store.job(first.id()).orElseThrow().state());
    assertEquals(2, store.recent(10).size(), "the redelivered comment made no third job");
  }

  @Test
  void aNewPushToAPullRequestSupersedesItsOlderRunningJob() throws Exception {
    github.send("pull_request", fixture("pull_request_opened"));
    Job older = store.claim().orElseThrow();
    ObjectNode sync = fixture("pull_request_opened").put("action", "synchronize");
    ((ObjectNode) sync.get("pull_request").get("head")).put("sha", "a".repeat(40));

    assertEquals(202, github.send("pull_request", sync).statusCode());

    assertEquals(State.CANCELLED, store.job(older.id()).orElseThrow().state());
    assertEquals(List.of(older.id()), cancelledRunning);
    Job newer = only(store.queued());
    assertEquals("a".repeat(40), newer.sha());
    assertFalse(store.finish(older.id(), new JobResult("success", "late", "late", null)));
  }

  @Test
  void aNewPushSupersedesAQueuedJobWithoutInterruptingAnything() throws Exception {
    github.send("pull_request", fixture("pull_request_opened"));
    ObjectNode sync = fixture("pull_request_opened").put("action", "synchronize");
    ((ObjectNode) sync.get("pull_request").get("head")).put("sha", "b".repeat(40));

    github.send("pull_request", sync);

    assertEquals("b".repeat(40), only(store.queued()).sha());
    assertTrue(cancelledRunning.isEmpty());
  }

  @Test
  void aRerequestedCheckRunQueuesItsCommitAgain() throws Exception {
    HttpResponse<String> r = github.send("check_run", fixture("check_run_rerequested"));

    assertEquals(202, r.statusCode(), r.body());
    Job job = only(store.queued());
    assertEquals(42, job.pr());
    assertEquals("9f4b5c4a0e7c2a3d1b8e6f5a4c3b2a1908f7e6d5", job.sha());
    assertEquals("faster-roster", job.branch());
    assertEquals("main", job.baseBranch());
  }

  @Test
  void theSecretIsReadFromAFileAndNeverPrinted() throws Exception {
    Path file = dataDir.resolve("webhook-secret");
    Files.writeString(file, SECRET + "\n");

    WebhookSecret secret =
        WebhookSecret.fromEnvironment(Map.of("MURM_WEBHOOK_SECRET_FILE", file.toString()));

    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    assertTrue(WebhookServer.signatureMatches(secret, body, Deliveries.sign(SECRET, body)));
    assertFalse(secret.toString().contains(SECRET));
    assertFalse(
        WebhookServer.Settings.of(new InetSocketAddress(0), secret).toString().contains(SECRET));
  }

  private void awaitState(long id, State state) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (store.job(id).orElseThrow().state() != state) {
      assertTrue(System.nanoTime() < deadline, "job " + id + " never reached " + state);
      Thread.sleep(20);
    }
  }

  private static Job only(List<Job> jobs) {
    assertEquals(1, jobs.size(), jobs.toString());
    return jobs.get(0);
  }
}
