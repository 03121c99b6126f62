package io.murmuration.hook.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.hook.Job;
import io.murmuration.hook.Job.State;
import io.murmuration.hook.Job.Trigger;
import io.murmuration.hook.JobResult;
import io.murmuration.hook.PayloadValues;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store on a real H2 file database ({@link PostgresJobStoreTest}: the same on PostgreSQL). */
class JobStoreTest {
  @TempDir Path dataDir;
  private JobStore store;

  @BeforeEach
  void open() throws Exception {
    store = openStore();
  }

  /** Opens the store under test, the same database each time within a test. */
  JobStore openStore() throws Exception {
    return JobStore.openH2(dataDir);
  }

  @AfterEach
  void close() throws Exception {
    store.close();
  }

  static Job request(String delivery, Integer pr, State state) {
    return new Job(
        0,
        delivery,
        pr == null ? Trigger.PUSH : Trigger.PULL_REQUEST,
        "acme/chatd",
        "https://github.com/acme/chatd.git",
        "main",
        "main",
        "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
        pr,
        null,
        pr == null ? null : "main",
        null,
        "ada",
        state,
        Instant.EPOCH);
  }

  @Test
  void theStatusPageQueriesListWaitingJobsStartTimesAndResultsNewestFirst() throws Exception {
    long first = store.accept(request("d1", 1, State.QUEUED)).orElseThrow().id();
    long second = store.accept(request("d2", 2, State.QUEUED)).orElseThrow().id();
    long cancelled = store.accept(request("d3", 3, State.QUEUED)).orElseThrow().id();
    long waiting = store.accept(request("d4", 4, State.AWAITING_APPROVAL)).orElseThrow().id();
    assertEquals(Optional.empty(), store.startedAt(first));

    Instant before = Instant.now().minusSeconds(1);
    assertEquals(first, store.claim().orElseThrow().id());
    assertTrue(store.startedAt(first).orElseThrow().isAfter(before));
    store.finish(first, new JobResult("success", "fine", "| table |", null));
    assertEquals(second, store.claim().orElseThrow().id());
    store.finish(second, new JobResult("failure", "slower", "| table |", null));
    store.cancelOlder("acme/chatd", 3, cancelled + 100);

    assertEquals(List.of(waiting), store.awaitingApproval().stream().map(Job::id).toList());
    List<JobStore.Ended> ended = store.ended(20);
    assertEquals(List.of(second, first), ended.stream().map(e -> e.job().id()).toList());
    assertEquals("failure", ended.get(0).conclusion());
    assertEquals("slower", ended.get(0).title());
    assertFalse(ended.get(0).finishedAt().isBefore(ended.get(1).finishedAt()));
    assertEquals(1, store.ended(1).size());
  }

  @Test
  void aDeliveryIdMakesOneJobOnly() throws Exception {
    Optional<Job> first = store.accept(request("d1", null, State.QUEUED));
    Optional<Job> again = store.accept(request("d1", 7, State.QUEUED));

    assertTrue(first.isPresent());
    assertTrue(first.get().id() > 0);
    assertTrue(again.isEmpty());
    assertEquals(1, store.recent(10).size());
  }

  @Test
  void claimTakesTheOldestQueuedJobAndCountsTheAttempt() throws Exception {
    long a = store.accept(request("a", null, State.QUEUED)).orElseThrow().id();
    store.accept(request("b", null, State.AWAITING_APPROVAL));
    long c = store.accept(request("c", null, State.QUEUED)).orElseThrow().id();

    assertEquals(a, store.claim().orElseThrow().id());
    assertEquals(c, store.claim().orElseThrow().id());
    assertTrue(store.claim().isEmpty(), "a job awaiting approval is never claimed");
    assertEquals(1, store.attempts(a));
    assertEquals(2, store.running().size());
  }

  @Test
  void racingWorkersNeverClaimTheSameJob() throws Exception {
    int jobs = 40;
    for (int i = 0; i < jobs; i++) {
      store.accept(request("d" + i, null, State.QUEUED));
    }
    ConcurrentLinkedQueue<Long> claimed = new ConcurrentLinkedQueue<>();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  go.await();
                  for (Optional<Job> j = store.claim(); j.isPresent(); j = store.claim()) {
                    claimed.add(j.get().id());
                  }
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      t.start();
      workers.add(t);
    }
    go.countDown();
    for (Thread t : workers) {
      t.join();
    }

    assertEquals(jobs, claimed.size());
    assertEquals(jobs, new HashSet<>(claimed).size());
  }

  @Test
  void aJobHasAtMostOneResult() throws Exception {
    long id = store.accept(request("d", null, State.QUEUED)).orElseThrow().id();
    store.claim();

    assertTrue(store.finish(id, new JobResult("success", "first", "s", null)));
    assertFalse(store.finish(id, new JobResult("failure", "second", "s", null)));
    assertEquals("first", store.result(id).orElseThrow().title());
    assertEquals(State.DONE, store.job(id).orElseThrow().state());
  }

  @Test
  void aNewerJobCancelsTheOlderOnesOfItsPullRequestOnlyAndNamesTheRunningOne() throws Exception {
    long running = store.accept(request("a", 5, State.QUEUED)).orElseThrow().id();
    store.claim();
    long queued = store.accept(request("b", 5, State.QUEUED)).orElseThrow().id();
    long otherPr = store.accept(request("c", 6, State.QUEUED)).orElseThrow().id();
    long newer = store.accept(request("d", 5, State.QUEUED)).orElseThrow().id();

    List<Long> toStop = store.cancelOlder("acme/chatd", 5, newer);

    assertEquals(List.of(running), toStop);
    assertEquals(State.CANCELLED, store.job(running).orElseThrow().state());
    assertEquals(State.CANCELLED, store.job(queued).orElseThrow().state());
    assertEquals(State.QUEUED, store.job(otherPr).orElseThrow().state());
    assertEquals(State.QUEUED, store.job(newer).orElseThrow().state());
  }

  @Test
  void approvalQueuesTheWaitingJobsOfThatPullRequestOnce() throws Exception {
    long waiting = store.accept(request("a", 5, State.AWAITING_APPROVAL)).orElseThrow().id();
    long otherPr = store.accept(request("b", 6, State.AWAITING_APPROVAL)).orElseThrow().id();

    List<Job> approved = store.approve("c", "acme/chatd", 5, "ada", true).orElseThrow();

    assertEquals(List.of(waiting), approved.stream().map(Job::id).toList());
    assertEquals(State.QUEUED, store.job(waiting).orElseThrow().state());
    assertEquals(State.AWAITING_APPROVAL, store.job(otherPr).orElseThrow().state());
    assertTrue(
        store.approve("c", "acme/chatd", 5, "ada", true).isEmpty(), "a redelivered approval");
    assertEquals(2, store.recent(10).size());
  }

  @Test
  void jobsLeftRunningByADeadProcessAreQueuedAgainAtTheNextStart() throws Exception {
    long a = store.accept(request("a", null, State.QUEUED)).orElseThrow().id();
    store.accept(request("b", null, State.QUEUED));
    store.claim();
    store.close();

    store = openStore();
    assertEquals(1, store.recoverAfterCrash());

    Job again = store.claim().orElseThrow();
    assertEquals(a, again.id(), "the interrupted job keeps its place in the queue");
    assertEquals(2, store.attempts(a));
    Set<State> states = new HashSet<>();
    store.recent(10).forEach(j -> states.add(j.state()));
    assertEquals(Set.of(State.RUNNING, State.QUEUED), states);
  }

  @Test
  void theLongestValuesTheIntakeAcceptsFitTheirColumns() throws Exception {
    Job longest =
        new Job(
            0,
            PayloadValues.deliveryId("delivery", "d".repeat(PayloadValues.DELIVERY_MAX)),
            Trigger.PULL_REQUEST,
            PayloadValues.repo("repo", "o".repeat(39) + "/" + "n".repeat(100)),
            PayloadValues.cloneUrl(
                "clone", "https://github.com/" + "c".repeat(PayloadValues.URL_MAX - 19), List.of()),
            PayloadValues.branch("default", "m".repeat(PayloadValues.BRANCH_MAX)),
            PayloadValues.branch("branch", "b".repeat(PayloadValues.BRANCH_MAX)),
            PayloadValues.sha("sha", "f".repeat(40)),
            Integer.MAX_VALUE,
            PayloadValues.sha("base", "e".repeat(40)),
            PayloadValues.branch("base", "r".repeat(PayloadValues.BRANCH_MAX)),
            Long.MAX_VALUE,
            PayloadValues.login("login", "l".repeat(39) + "[bot]"),
            State.QUEUED,
            Instant.EPOCH);

    long id = store.accept(longest).orElseThrow().id();

    Job stored = store.job(id).orElseThrow();
    assertEquals(longest.repo(), stored.repo());
    assertEquals(longest.cloneUrl(), stored.cloneUrl());
    assertEquals(longest.branch(), stored.branch());
    assertEquals(longest.requestedBy(), stored.requestedBy());
  }

  @Test
  void aResultTooLongForItsColumnsIsStoredCutWithAMark() throws Exception {
    long id = store.accept(request("d", null, State.QUEUED)).orElseThrow().id();
    store.claim();

    assertTrue(
        store.finish(id, new JobResult("failure", "t".repeat(5000), "s".repeat(300_000), null)));

    JobResult stored = store.result(id).orElseThrow();
    assertEquals(JobStore.TITLE_MAX, stored.title().length());
    assertTrue(stored.title().endsWith("…"), stored.title());
    assertEquals(JobStore.SUMMARY_MAX, stored.summary().length());
    assertTrue(stored.summary().endsWith("…"));
    assertEquals(State.DONE, store.job(id).orElseThrow().state());
  }

  @Test
  void aStoreMadeBeforeTheBaseBranchColumnGetsItWhenOpened() throws Exception {
    Path old = dataDir.resolve("old");
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection(JobStore.h2Url(old), "sa", "");
        java.sql.Statement st = c.createStatement()) {
      st.execute(
          "CREATE TABLE deliveries (delivery_id VARCHAR(100) PRIMARY KEY,"
              + " received_at TIMESTAMP WITH TIME ZONE NOT NULL)");
      st.execute(
          "CREATE TABLE jobs (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
              + " delivery_id VARCHAR(100) NOT NULL UNIQUE REFERENCES deliveries (delivery_id),"
              + " trigger_kind VARCHAR(20) NOT NULL, repo VARCHAR(300) NOT NULL,"
              + " clone_url VARCHAR(1000), default_branch VARCHAR(300), branch VARCHAR(300),"
              + " sha VARCHAR(64) NOT NULL, pr INTEGER, base_sha VARCHAR(64),"
              + " installation_id BIGINT, requested_by VARCHAR(100), state VARCHAR(20) NOT NULL,"
              + " attempts INTEGER DEFAULT 0 NOT NULL,"
              + " accepted_at TIMESTAMP WITH TIME ZONE NOT NULL,"
              + " started_at TIMESTAMP WITH TIME ZONE, finished_at TIMESTAMP WITH TIME ZONE,"
              + " conclusion VARCHAR(30), title VARCHAR(1000), summary VARCHAR(100000))");
    }

    try (JobStore upgraded = JobStore.openH2(old)) {
      long id = upgraded.accept(request("d", 5, State.QUEUED)).orElseThrow().id();
      assertEquals("main", upgraded.job(id).orElseThrow().baseBranch());
      assertEquals(new Outbox.Counts(0, 0), upgraded.outbox().counts(), "the outbox is made");
      long bisection = upgraded.accept(bisection("b")).orElseThrow().id();
      assertEquals(
          bisection("b").changePoint(), upgraded.job(bisection).orElseThrow().changePoint());
    }
  }

  // --- the outbox (same database, same rules)

  @Test
  void theOutboxStoresAKeyOnceAndEndsAReportOnce() throws Exception {
    Job job = store.accept(request("d", null, State.QUEUED)).orElseThrow();
    Outbox outbox = store.outbox();

    assertTrue(outbox.addCommitComment(job, "change-points:1", "first"));
    assertFalse(outbox.addCommitComment(job, "change-points:1", "again, while pending"));
    Outbox.Report report = outbox.due(Instant.now(), 10).get(0);
    assertEquals("first", report.markdown());
    assertEquals(job.id(), report.job().id());
    assertEquals(new Outbox.Counts(1, 0), outbox.counts());

    assertTrue(outbox.posted(report.id()));
    assertFalse(outbox.posted(report.id()), "posted once");
    assertFalse(outbox.failed(report.id(), "late"), "an ended report stays as it ended");
    assertFalse(outbox.retryAt(report.id(), Instant.now(), "late"));
    assertFalse(outbox.addCommitComment(job, "change-points:1", "again, once posted"));
    assertEquals(List.of(), outbox.due(Instant.now().plusSeconds(3600), 10));
    assertEquals(new Outbox.Counts(0, 0), outbox.counts());
    Outbox.Report ended = outbox.ofJob(job.id()).get(0);
    assertEquals(Outbox.State.POSTED, ended.state());
    assertEquals(1, ended.attempts());
    assertEquals("", ended.markdown(), "a posted report's text is not kept");
    assertTrue(outbox.addCommitComment(job, "change-points:2", "another"));
  }

  /** A bisection's comment goes on the commit it names, not on the bisection job's own commit. */
  @Test
  void aCommitCommentIsSentForTheCommitItWasStoredFor() throws Exception {
    Job job = store.accept(request("d", null, State.QUEUED)).orElseThrow();
    String named = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b";
    assertNotEquals(named, job.sha());

    store.outbox().addCommitComment(job.withSha(named), "bisection:1", "named");

    Outbox.Report report = store.outbox().due(Instant.now(), 10).get(0);
    assertEquals(named, report.job().sha());
    assertEquals(job.id(), report.job().id());
  }

  @Test
  void aJobsResultIsStoredOncePerAttemptWithItsTitleAndSummary() throws Exception {
    long id = store.accept(request("d", 5, State.QUEUED)).orElseThrow().id();
    Job first = store.claim().orElseThrow();
    JobResult result = new JobResult("failure", "slower", "| table |", null);

    assertTrue(store.outbox().addResult(first, result, "https://tide.example/jobs/" + id));
    assertFalse(store.outbox().addResult(first, result, null), "the same attempt");
    store.requeue(id);
    Job second = store.claim().orElseThrow();
    assertTrue(store.outbox().addResult(second, result, null), "the attempt after a crash");

    List<Outbox.Report> reports = store.outbox().ofJob(id);
    assertEquals(
        List.of("job:" + id + ":attempt:1", "job:" + id + ":attempt:2"),
        reports.stream().map(Outbox.Report::key).toList());
    assertEquals(result.title(), reports.get(0).result().title());
    assertEquals(result.summary(), reports.get(0).result().summary());
    assertEquals("https://tide.example/jobs/" + id, reports.get(0).detailsUrl());
    assertEquals(Outbox.Kind.RESULT, reports.get(0).kind());
  }

  @Test
  void aPendingReportHoldsBackTheLaterReportsOfItsPullRequestOnly() throws Exception {
    Job older = store.accept(request("a", 5, State.QUEUED)).orElseThrow();
    Job newer = store.accept(request("b", 5, State.QUEUED)).orElseThrow();
    Job otherPr = store.accept(request("c", 6, State.QUEUED)).orElseThrow();
    Outbox outbox = store.outbox();
    JobResult result = new JobResult("success", "ok", "s", null);
    outbox.addResult(older, result, null);
    outbox.addResult(newer, result, null);
    outbox.addResult(otherPr, result, null);
    Instant now = Instant.now();
    long first = outbox.due(now, 10).get(0).id();
    Instant later = now.plusSeconds(60);

    assertTrue(outbox.retryAt(first, later, "HTTP 502"));

    assertEquals(
        List.of(otherPr.id()), outbox.due(now, 10).stream().map(r -> r.job().id()).toList());
    outbox.posted(outbox.due(now, 10).get(0).id());
    Instant next = outbox.nextDue().orElseThrow();
    assertTrue(
        java.time.Duration.between(later, next).abs().toMillis() < 1, next + " is the older's");
    assertEquals(List.of(), outbox.due(now, 10), "the newer waits for the older");
    assertTrue(outbox.posted(outbox.due(later.plusMillis(1), 10).get(0).id()));
    assertEquals(List.of(newer.id()), outbox.due(now, 10).stream().map(r -> r.job().id()).toList());
    assertEquals("HTTP 502", outbox.ofJob(older.id()).get(0).lastError());
  }

  @Test
  void afterARestartEveryPendingReportIsDueAtOnce() throws Exception {
    Job job = store.accept(request("d", null, State.QUEUED)).orElseThrow();
    store.outbox().addCommitComment(job, "k", "text");
    long id = store.outbox().due(Instant.now(), 1).get(0).id();
    store.outbox().retryAt(id, Instant.now().plusSeconds(3600), "HTTP 500");
    store.close();

    store = openStore();

    assertEquals(List.of(), store.outbox().due(Instant.now(), 10));
    assertEquals(1, store.outbox().allDueNow());
    assertEquals(
        List.of(id),
        store.outbox().due(Instant.now(), 10).stream().map(Outbox.Report::id).toList());
  }

  @Test
  void aCommitCommentKeyOutsideItsAlphabetIsRefusedWithTheRule() throws Exception {
    Job job = store.accept(request("d", null, State.QUEUED)).orElseThrow();

    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> store.outbox().addCommitComment(job, "two words", "text"));

    assertEquals(
        "commit comment key 'two words': use 1 to 200 letters, digits and . _ : / @ + = -"
            + " (e.g. change-points:<hash>)",
        e.getMessage());
    assertEquals(new Outbox.Counts(0, 0), store.outbox().counts());
  }

  /**
   * A bisection is a job like the others: stored with its range and change point, it is there after
   * a restart, and queueing it again under the same delivery id makes no second job.
   */
  @Test
  void aBisectionKeepsItsRangeAndChangePointAcrossARestartAndIsQueuedOnce() throws Exception {
    Job queued = store.accept(bisection("bisect-1")).orElseThrow();
    store.close();
    store = openStore();

    Job stored = store.job(queued.id()).orElseThrow();
    assertEquals(Trigger.BISECT, stored.trigger());
    assertEquals(bisection("bisect-1").sha(), stored.sha());
    assertEquals(bisection("bisect-1").baseSha(), stored.baseSha());
    assertEquals(bisection("bisect-1").changePoint(), stored.changePoint());
    assertEquals(null, request("d", null, State.QUEUED).changePoint());
    assertEquals(Optional.empty(), store.accept(bisection("bisect-1")));
    assertEquals(queued.id(), store.claim().orElseThrow().id());
  }

  static Job bisection(String delivery) {
    return new Job(
        0,
        delivery,
        Trigger.BISECT,
        "acme/chatd",
        "https://github.com/acme/chatd.git",
        "main",
        "main",
        "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
        null,
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
        null,
        null,
        "trend-check",
        State.QUEUED,
        Instant.EPOCH,
        new Job.ChangePoint("one-to-one", "ttd_p99_ms", Instant.parse("2026-11-20T10:15:30Z")));
  }
}
