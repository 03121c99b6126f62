package io.murmuration.hook.queue;

import io.murmuration.hook.Job;
import io.murmuration.hook.JobResult;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that takes queued jobs from the {@link JobStore} one at a time, runs them through a
 * {@link JobExecutor} and records their results. One at a time because a load test needs the whole
 * machine: two concurrent runs would measure each other.
 *
 * <p>The intake calls {@link #wake()} after it queued work (the worker also polls every {@code
 * pollInterval}, in case a wake-up is lost or another process queued it) and {@link #cancel(long)}
 * when a newer push superseded the running job. {@link #stop(Duration)} lets the current job finish
 * within a grace period, then interrupts it and puts it back in the queue, so that it runs again
 * after the restart instead of being lost or recorded half-done.
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private final JobStore store;
  private final JobExecutor executor;
  private final Duration pollInterval;
  private final Semaphore wakeUps = new Semaphore(0);
  private final Thread thread;
  private volatile boolean stopping;
  private volatile long runningId = -1;
  private volatile boolean abandoned;

  private Worker(JobStore store, JobExecutor executor, Duration pollInterval) {
    this.store = store;
    this.executor = executor;
    this.pollInterval = pollInterval;
    this.thread = new Thread(this::loop, "tide-worker");
  }

  /** Starts a worker thread; call {@link JobStore#recoverAfterCrash()} before. */
  public static Worker start(JobStore store, JobExecutor executor, Duration pollInterval) {
    Worker worker = new Worker(store, executor, pollInterval);
    worker.thread.start();
    return worker;
  }

  /** New work is queued: look now rather than at the next poll. */
  public void wake() {
    wakeUps.release();
  }

  /**
   * Job {@code id} was cancelled in the store: if it is the one running, interrupt it. Its result,
   * if any, is then not recorded ({@link JobStore#finish} refuses a job that is no longer running).
   */
  public synchronized void cancel(long id) {
    if (runningId == id) {
      log.info("job {} superseded, interrupting it", id);
      thread.interrupt();
    }
  }

  /** The id of the job being run, or -1. */
  public long runningJob() {
    return runningId;
  }

  /**
   * Stops claiming, waits up to {@code grace} for the running job, then interrupts it (it goes back
   * to the queue). Returns when the thread has ended.
   */
  public void stop(Duration grace) throws InterruptedException {
    stopping = true;
    wakeUps.release();
    thread.join(grace.toMillis());
    synchronized (this) {
      abandoned = true;
      if (runningId != -1) {
        thread.interrupt(); // only a job is interrupted: H2 closes its file on an interrupted I/O
      }
    }
    thread.join();
  }

  @Override
  public void close() throws InterruptedException {
    stop(Duration.ofSeconds(30));
  }

  private void loop() {
    while (!stopping) {
      try {
        Optional<Job> job = store.claim();
        if (job.isPresent()) {
          runOne(job.get());
        } else {
          wakeUps.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
          wakeUps.drainPermits();
        }
      } catch (InterruptedException e) {
        // a cancel that arrived between two jobs, or stop(): the loop condition decides
      } catch (SQLException | RuntimeException e) {
        log.error("job store failed; retrying after {}", pollInterval, e);
        sleepQuietly(pollInterval);
      }
    }
  }

  private void runOne(Job job) throws SQLException {
    synchronized (this) {
      runningId = job.id();
    }
    JobResult result;
    try {
      log.info("job {} started: {} {} at {}", job.id(), job.trigger().tag, job.repo(), job.sha());
      result = executor.run(job);
    } catch (Exception e) {
      log.warn("job {} failed", job.id(), e);
      result =
          new JobResult("failure", "The load test could not run", "The job ended with: " + e, null);
    } finally {
      synchronized (this) {
        runningId = -1;
        Thread.interrupted(); // a cancel that came late must not hit the next job
      }
    }
    if (abandoned) {
      store.requeue(job.id());
      log.info("job {} interrupted by shutdown, queued again", job.id());
    } else if (store.finish(job.id(), result)) {
      log.info("job {} done: {}", job.id(), result.conclusion());
    } else {
      log.info("job {} ended but was cancelled meanwhile; its result is not recorded", job.id());
    }
  }

  private static void sleepQuietly(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
