package io.murmuration.hook.queue;

import static io.murmuration.hook.queue.JobStoreTest.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.hook.Job.State;
import io.murmuration.hook.JobResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerTest {
  @TempDir Path dataDir;
  private JobStore store;

  @BeforeEach
  void open() throws Exception {
    store = JobStore.openH2(dataDir);
  }

  @AfterEach
  void close() throws Exception {
    store.close();
  }

  @Test
  void runsQueuedJobsOneAtATimeInOrderAndRecordsTheirResults() throws Exception {
    List<Long> ran = new CopyOnWriteArrayList<>();
    long a = store.accept(request("a", null, State.QUEUED)).orElseThrow().id();
    long b = store.accept(request("b", null, State.QUEUED)).orElseThrow().id();
    Worker worker =
        Worker.start(
            store,
            job -> {
              ran.add(job.id());
              return new JobResult("success", "job " + job.id(), "", null);
            },
            Duration.ofSeconds(10));
    worker.wake();

    awaitState(b, State.DONE);
    worker.stop(Duration.ofSeconds(5));

    assertEquals(List.of(a, b), ran);
    assertEquals("job " + a, store.result(a).orElseThrow().title());
  }

  @Test
  void aJobThatThrowsEndsAsAFailure() throws Exception {
    long a = store.accept(request("a", null, State.QUEUED)).orElseThrow().id();
    Worker worker =
        Worker.start(
            store,
            job -> {
              throw new IllegalStateException("mvn exited with 1");
            },
            Duration.ofMillis(20));

    awaitState(a, State.DONE);
    worker.stop(Duration.ofSeconds(5));

    assertEquals("failure", store.result(a).orElseThrow().conclusion());
    assertTrue(store.result(a).orElseThrow().summary().contains("mvn exited with 1"));
  }

  @Test
  void cancellingTheRunningJobInterruptsItAndRecordsNoResult() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    long a = store.accept(request("a", 5, State.QUEUED)).orElseThrow().id();
    Worker worker =
        Worker.start(
            store,
            job -> {
              started.countDown();
              Thread.sleep(60_000);
              return new JobResult("success", "never", "", null);
            },
            Duration.ofMillis(20));
    assertTrue(started.await(5, TimeUnit.SECONDS));
    long newer = store.accept(request("b", 5, State.AWAITING_APPROVAL)).orElseThrow().id();

    store.cancelOlder("acme/chatd", 5, newer).forEach(worker::cancel);

    long t0 = System.nanoTime();
    while (worker.runningJob() == a) {
      assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "the cancelled job kept running");
      Thread.sleep(10);
    }
    worker.stop(Duration.ofSeconds(5));
    assertEquals(State.CANCELLED, store.job(a).orElseThrow().state());
    assertTrue(store.result(a).isEmpty());
  }

  @Test
  void stoppingAfterTheGracePeriodPutsTheRunningJobBackInTheQueue() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    long a = store.accept(request("a", null, State.QUEUED)).orElseThrow().id();
    Worker worker =
        Worker.start(
            store,
            job -> {
              started.countDown();
              Thread.sleep(60_000);
              return new JobResult("success", "never", "", null);
            },
            Duration.ofMillis(20));
    assertTrue(started.await(5, TimeUnit.SECONDS));

    worker.stop(Duration.ofMillis(100));

    assertEquals(State.QUEUED, store.job(a).orElseThrow().state());
    assertTrue(store.result(a).isEmpty());
  }

  private void awaitState(long id, State state) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (store.job(id).orElseThrow().state() != state) {
      assertTrue(System.nanoTime() < deadline, "job " + id + " never reached " + state);
      Thread.sleep(20);
    }
  }
}
