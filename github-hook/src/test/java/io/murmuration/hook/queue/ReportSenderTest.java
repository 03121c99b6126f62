package io.murmuration.hook.queue;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.jsonResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.murmuration.hook.Job;
import io.murmuration.hook.Job.State;
import io.murmuration.hook.JobResult;
import io.murmuration.hook.github.GitHubAuth;
import io.murmuration.hook.github.GitHubReporter;
import io.murmuration.hook.queue.Outbox.Report;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox's sender against a WireMock fake of GitHub's REST API over loopback, with the real
 * {@link GitHubReporter} (token mode) and a real H2 store: what GitHub refuses is tried again with
 * a short back-off until it is taken, exactly once; a refusal for good is recorded and left alone;
 * a report still pending when the sender stops goes out after the restart.
 */
class ReportSenderTest {
  @RegisterExtension
  static WireMockExtension gh =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "ghp_outbox0secret";
  private static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  private static final String REPO = "/repos/acme/chat";
  private static final String COMMENTS = REPO + "/commits/" + SHA + "/comments";
  private static final String STATUSES = REPO + "/statuses/" + SHA;

  /** Short enough for a test, long enough to see the order of the attempts. */
  private static final ReportSender.Backoff FAST =
      new ReportSender.Backoff(Duration.ofMillis(300), Duration.ofMillis(600));

  @TempDir Path dir;
  private JobStore store;
  private ReportSender sender;

  @BeforeEach
  void open() throws Exception {
    store = JobStore.openH2(dir);
    gh.stubFor(
        get(REPO)
            .willReturn(
                okJson(
                    "{\"id\":1,\"name\":\"chat\",\"full_name\":\"acme/chat\","
                        + "\"owner\":{\"login\":\"acme\"},\"url\":\""
                        + gh.baseUrl()
                        + REPO
                        + "\"}")));
    gh.stubFor(get(REPO + "/commits/" + SHA).willReturn(okJson("{\"sha\":\"" + SHA + "\"}")));
  }

  @AfterEach
  void close() throws Exception {
    if (sender != null) {
      sender.stop(Duration.ofSeconds(5));
    }
    store.close();
  }

  @Test
  void aCommentGitHubAnswers500ToIsPostedExactlyOnceAfterARetry() throws Exception {
    gh.stubFor(get(urlPathEqualTo(COMMENTS)).willReturn(okJson("[]")));
    gh.stubFor(
        post(urlPathEqualTo(COMMENTS))
            .inScenario("comment")
            .whenScenarioStateIs(STARTED)
            .willSetStateTo("refused once")
            .willReturn(jsonResponse("{\"message\":\"Server Error\"}", 500)));
    gh.stubFor(
        post(urlPathEqualTo(COMMENTS))
            .inScenario("comment")
            .whenScenarioStateIs("refused once")
            .willReturn(jsonResponse("{\"id\":501}", 201)));
    Job job = push("d1");
    sender = ReportSender.start(store.outbox(), github(), FAST);

    sender.commitComment(job, "change-points:abc", "a change");

    Report report = await(job, r -> r.state() == Outbox.State.POSTED);
    assertEquals(2, report.attempts());
    assertTrue(
        report.lastError().contains("could not write commit comment: HTTP 500 at"),
        report.lastError());
    Thread.sleep(2 * FAST.max().toMillis()); // nothing more happens to a posted report
    List<String> bodies = commentBodies();
    assertEquals(2, bodies.size(), "one refused, one taken: " + bodies);
    assertEquals("<!-- murmuration:report change-points:abc -->\na change", bodies.get(1));
    assertEquals(new Outbox.Counts(0, 0), store.outbox().counts());
  }

  @Test
  void aPostWhoseAnswerWasLostIsTriedAgainAndFoundOnTheCommitInsteadOfPostedTwice()
      throws Exception {
    // GitHub takes the comment, but the connection drops before its answer arrives
    gh.stubFor(
        post(urlPathEqualTo(COMMENTS))
            .inScenario("lost")
            .whenScenarioStateIs(STARTED)
            .willSetStateTo("taken")
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    gh.stubFor(
        get(urlPathEqualTo(COMMENTS))
            .inScenario("lost")
            .whenScenarioStateIs(STARTED)
            .willReturn(okJson("[]")));
    gh.stubFor(
        get(urlPathEqualTo(COMMENTS))
            .inScenario("lost")
            .whenScenarioStateIs("taken")
            .willReturn(
                okJson(
                    "[{\"id\":7,\"body\":\"LGTM\"},{\"id\":501,\"body\":\"<!-- murmuration:report"
                        + " change-points:lost -->\\na change\"}]")));
    Job job = push("d1");
    sender = ReportSender.start(store.outbox(), github(), FAST);

    sender.commitComment(job, "change-points:lost", "a change");

    Report report = await(job, r -> r.state() != Outbox.State.PENDING || r.attempts() > 1);
    assertEquals(Outbox.State.POSTED, report.state(), String.valueOf(report.lastError()));
    assertEquals(2, report.attempts());
    gh.verify(1, postRequestedFor(urlPathEqualTo(COMMENTS)));
  }

  @Test
  void storingTheSameCommentKeyAgainPostsOneComment() throws Exception {
    gh.stubFor(get(urlPathEqualTo(COMMENTS)).willReturn(okJson("[]")));
    gh.stubFor(post(urlPathEqualTo(COMMENTS)).willReturn(jsonResponse("{\"id\":501}", 201)));
    Job job = push("d1");
    sender = ReportSender.start(store.outbox(), github(), FAST);

    sender.commitComment(job, "change-points:same", "first");
    sender.commitComment(job, "change-points:same", "found again before it was posted");
    await(job, r -> r.state() == Outbox.State.POSTED);
    sender.commitComment(job, "change-points:same", "found again after it was posted");
    Thread.sleep(2 * FAST.max().toMillis());

    assertEquals(1, store.outbox().ofJob(job.id()).size());
    assertEquals(1, commentBodies().size());
    assertTrue(commentBodies().get(0).endsWith("\nfirst"), commentBodies().toString());
  }

  @Test
  void aRefusalForGoodIsRecordedWithGitHubsAnswerAndNotTriedAgain() throws Exception {
    gh.stubFor(get(urlPathEqualTo(COMMENTS)).willReturn(okJson("[]")));
    gh.stubFor(
        post(urlPathEqualTo(COMMENTS))
            .willReturn(
                jsonResponse("{\"message\":\"Validation Failed near " + TOKEN + "\"}", 422)));
    Job job = push("d1");
    sender = ReportSender.start(store.outbox(), github(), FAST);

    sender.commitComment(job, "change-points:refused", "a change");

    Report report = await(job, r -> r.state() != Outbox.State.PENDING);
    assertEquals(Outbox.State.FAILED, report.state());
    assertEquals(1, report.attempts());
    assertTrue(
        report
            .lastError()
            .startsWith("could not write commit comment: HTTP 422 at " + gh.baseUrl() + COMMENTS),
        report.lastError());
    assertTrue(report.lastError().contains("Validation Failed near ***"), report.lastError());
    assertFalse(report.lastError().contains(TOKEN));
    Thread.sleep(3 * FAST.max().toMillis()); // several back-offs: no second try
    gh.verify(1, postRequestedFor(urlPathEqualTo(COMMENTS)));
    assertEquals(new Outbox.Counts(0, 1), store.outbox().counts());
    assertEquals(
        List.of(report.id()), store.outbox().notPosted(10).stream().map(Report::id).toList());
  }

  @Test
  void aResultPendingWhenTheSenderStopsIsPostedAtTheNextStartWithoutWaitingOutItsBackOff()
      throws Exception {
    gh.stubFor(
        post(urlPathEqualTo(STATUSES))
            .willReturn(jsonResponse("{\"message\":\"Server Error\"}", 502)));
    Job job = claimed(push("d1"));
    ReportSender.Backoff hour = new ReportSender.Backoff(Duration.ofHours(1), Duration.ofHours(1));
    sender = ReportSender.start(store.outbox(), github(), hour);
    sender.finished(job, new JobResult("success", "TTD p99 4.1 ms", "| table |", null), null);
    Report refused = await(job, r -> r.attempts() == 1);
    assertTrue(refused.nextAttemptAt().isAfter(java.time.Instant.now().plusSeconds(3000)));
    sender.stop(Duration.ofSeconds(5));
    store.close();
    gh.resetAll();
    open();
    gh.stubFor(post(urlPathEqualTo(STATUSES)).willReturn(jsonResponse("{\"id\":1}", 201)));

    sender = ReportSender.start(store.outbox(), github(), hour);

    Report posted = await(job, r -> r.state() == Outbox.State.POSTED);
    assertEquals(2, posted.attempts());
    List<String> states =
        gh.findAll(postRequestedFor(urlPathEqualTo(STATUSES))).stream()
            .map(r -> read(r.getBodyAsString(), "state"))
            .toList();
    assertEquals(List.of("success"), states);
  }

  @Test
  void theResultsOfOnePullRequestGoOutInTheOrderTheyWereStored() throws Exception {
    gh.stubFor(
        post(urlPathEqualTo(STATUSES))
            .inScenario("status")
            .whenScenarioStateIs(STARTED)
            .willSetStateTo("up")
            .willReturn(jsonResponse("{\"message\":\"Server Error\"}", 500)));
    gh.stubFor(
        post(urlPathEqualTo(STATUSES))
            .inScenario("status")
            .whenScenarioStateIs("up")
            .willReturn(jsonResponse("{\"id\":1}", 201)));
    gh.stubFor(get(REPO + "/issues/5").willReturn(okJson("{\"number\":5,\"state\":\"open\"}")));
    gh.stubFor(get(urlPathEqualTo(REPO + "/issues/5/comments")).willReturn(okJson("[]")));
    gh.stubFor(
        post(urlPathEqualTo(REPO + "/issues/5/comments"))
            .willReturn(jsonResponse("{\"id\":99}", 201)));
    Job older = claimed(pullRequest("d1", 5));
    Job newer = claimed(pullRequest("d2", 5));
    Job elsewhere = claimed(pullRequest("d3", 6));
    gh.stubFor(get(REPO + "/issues/6").willReturn(okJson("{\"number\":6,\"state\":\"open\"}")));
    gh.stubFor(get(urlPathEqualTo(REPO + "/issues/6/comments")).willReturn(okJson("[]")));
    gh.stubFor(
        post(urlPathEqualTo(REPO + "/issues/6/comments"))
            .willReturn(jsonResponse("{\"id\":98}", 201)));
    sender = ReportSender.start(store.outbox(), github(), FAST);

    sender.finished(older, new JobResult("failure", "older push", "s", null), null);
    await(older, r -> r.attempts() == 1); // refused once: tried again in 300 ms
    sender.finished(newer, new JobResult("success", "newer push", "s", null), null);
    sender.finished(elsewhere, new JobResult("success", "another PR", "s", null), null);
    await(newer, r -> r.state() == Outbox.State.POSTED);

    List<String> titles =
        gh.findAll(postRequestedFor(urlPathEqualTo(STATUSES))).stream()
            .map(r -> read(r.getBodyAsString(), "description"))
            .toList();
    assertEquals(List.of("older push", "another PR", "older push", "newer push"), titles);
    assertEquals(Outbox.State.POSTED, await(older, r -> true).state());
  }

  // --- helpers

  private static GitHubReporter github() {
    return new GitHubReporter(GitHubAuth.token(URI.create(gh.baseUrl()), TOKEN, "test"));
  }

  /** A push job, stored (a report names a job of the store). */
  private Job push(String delivery) throws Exception {
    return store.accept(request(delivery, null)).orElseThrow();
  }

  private Job pullRequest(String delivery, int pr) throws Exception {
    return store.accept(request(delivery, pr)).orElseThrow();
  }

  /** {@code job}, claimed by a worker: its first attempt. */
  private Job claimed(Job job) throws Exception {
    Job running = store.claim().orElseThrow();
    assertEquals(job.id(), running.id());
    return running;
  }

  private static Job request(String delivery, Integer pr) {
    return new Job(
        0,
        delivery,
        pr == null ? Job.Trigger.PUSH : Job.Trigger.PULL_REQUEST,
        "acme/chat",
        "https://github.com/acme/chat.git",
        "main",
        pr == null ? "main" : "feature",
        SHA,
        pr,
        pr == null ? null : "fedcba9876543210fedcba9876543210fedcba98",
        pr == null ? null : "main",
        null,
        "octocat",
        State.QUEUED,
        java.time.Instant.now());
  }

  /** The job's only report once {@code done} holds for it; fails after 20 s. */
  private Report await(Job job, Predicate<Report> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      List<Report> reports = store.outbox().ofJob(job.id());
      assertTrue(reports.size() <= 1, reports.toString());
      if (!reports.isEmpty() && done.test(reports.get(0))) {
        return reports.get(0);
      }
      assertTrue(
          System.nanoTime() < deadline,
          "waited for the report of job " + job.id() + ": " + reports);
      Thread.sleep(20);
    }
  }

  private static List<String> commentBodies() {
    return gh.findAll(postRequestedFor(urlPathEqualTo(COMMENTS))).stream()
        .map(r -> read(r.getBodyAsString(), "body"))
        .toList();
  }

  private static String read(String json, String field) {
    try {
      return JSON.readTree(json).path(field).asText();
    } catch (Exception e) {
      throw new AssertionError(json, e);
    }
  }
}
