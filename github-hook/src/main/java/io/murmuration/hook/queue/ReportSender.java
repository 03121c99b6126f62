package io.murmuration.hook.queue;

import io.murmuration.hook.Job;
import io.murmuration.hook.JobResult;
import io.murmuration.hook.ReportTarget;
import io.murmuration.hook.ReportTarget.NotPosted;
import io.murmuration.hook.Reporter;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's {@link Reporter}: a job's result and commit comments are stored in the {@link
 * Outbox} before the call returns, and one thread of this class posts them to the {@link
 * ReportTarget} (GitHub), trying again after a failure with a growing wait ({@link Backoff}: 30 s,
 * doubled each time, at most 30 min) until GitHub takes them, across restarts. A report GitHub
 * refuses for good ({@link NotPosted#permanent()}) is recorded as failed with GitHub's answer and
 * not tried again. {@link #started} is passed to the target at once, best effort: it is replaced by
 * the result anyway, and one arriving late could only hide a result that is already there.
 *
 * <p>At start every pending report is due at once: a restart is often what fixed the reason it
 * failed. {@link #stop(Duration)} lets a post in flight finish within a grace period, then
 * interrupts it; it is posted again after the restart (posts are safe to repeat, see {@link
 * ReportTarget}). The store is never touched by an interrupted thread: H2 closes its file when one
 * of its reads or writes is interrupted.
 */
public final class ReportSender implements Reporter, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReportSender.class);

  /** How long the thread sleeps with nothing pending (a wake-up could be lost; cheap to look). */
  private static final Duration IDLE = Duration.ofMinutes(1);

  /** How many due reports are read at once. */
  private static final int BATCH = 20;

  /**
   * The wait before trying a report again: {@code first} after its first failure, doubled after
   * each further one, never more than {@code max}.
   */
  public record Backoff(Duration first, Duration max) {
    /** 30 s, 1 min, 2 min, … 16 min, then every 30 min. */
    public static final Backoff DEFAULT =
        new Backoff(Duration.ofSeconds(30), Duration.ofMinutes(30));

    public Backoff {
      if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
        throw new IllegalArgumentException(
            "back-off needs 0 < first <= max: " + first + ", " + max);
      }
    }

    /** The wait after the {@code failures}-th failure in a row (1 for the first). */
    public Duration after(int failures) {
      Duration wait = first;
      for (int i = 1; i < failures && wait.compareTo(max) < 0; i++) {
        wait = wait.multipliedBy(2);
      }
      return wait.compareTo(max) < 0 ? wait : max;
    }
  }

  private final Outbox outbox;
  private final ReportTarget target;
  private final Backoff backoff;
  private final Semaphore wakeUps = new Semaphore(0);
  private final Thread thread;
  private volatile boolean stopping;
  private boolean posting; // guarded by this

  private ReportSender(Outbox outbox, ReportTarget target, Backoff backoff) {
    this.outbox = outbox;
    this.target = target;
    this.backoff = backoff;
    this.thread = new Thread(this::loop, "tide-reports");
  }

  /** Makes every pending report due now and starts sending. */
  public static ReportSender start(Outbox outbox, ReportTarget target, Backoff backoff)
      throws SQLException {
    outbox.allDueNow();
    ReportSender sender = new ReportSender(outbox, target, backoff);
    sender.thread.start();
    return sender;
  }

  @Override
  public void started(Job job, String detailsUrl) {
    target.started(job, detailsUrl);
  }

  @Override
  public void finished(Job job, JobResult result, String detailsUrl) {
    try {
      outbox.addResult(job, result, detailsUrl);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "the result of job " + job.id() + " could not be stored for GitHub: " + e, e);
    }
    wakeUps.release();
  }

  @Override
  public void commitComment(Job job, String key, String markdown) {
    boolean added;
    try {
      added = outbox.addCommitComment(job, key, markdown);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "the commit comment " + key + " could not be stored for GitHub: " + e, e);
    }
    if (added) {
      wakeUps.release();
    } else {
      log.info("commit comment {} of job {} was stored before: not again", key, job.id());
    }
  }

  /**
   * Stops sending: waits up to {@code grace} for a post in flight, then interrupts it. Returns when
   * the thread has ended; what is still pending is sent after the next start.
   */
  public void stop(Duration grace) throws InterruptedException {
    stopping = true;
    wakeUps.release();
    thread.join(grace.toMillis());
    synchronized (this) {
      if (posting) {
        thread.interrupt();
      }
    }
    thread.join();
  }

  @Override
  public void close() throws InterruptedException {
    stop(Duration.ofSeconds(10));
  }

  private void loop() {
    while (!stopping) {
      try {
        List<Outbox.Report> due = outbox.due(Instant.now(), BATCH);
        for (Outbox.Report report : due) {
          if (stopping) {
            break;
          }
          send(report);
        }
        if (due.isEmpty()) {
          Duration wait =
              outbox
                  .nextDue()
                  .map(t -> Duration.between(Instant.now(), t))
                  .filter(d -> d.compareTo(IDLE) < 0)
                  .orElse(IDLE);
          if (!wait.isNegative() && !wait.isZero()) {
            wakeUps.tryAcquire(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
            wakeUps.drainPermits();
          }
        }
      } catch (InterruptedException e) {
        // never interrupted while waiting (only a post is): the loop condition decides
      } catch (SQLException | RuntimeException e) {
        log.error("outbox failed; trying again in {}", text(IDLE), e);
        try {
          wakeUps.tryAcquire(IDLE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ignored) {
          // the loop condition decides
        }
      }
    }
  }

  private void send(Outbox.Report report) throws SQLException {
    String what = describe(report);
    NotPosted failure = null;
    boolean interrupted;
    synchronized (this) {
      if (stopping) {
        return;
      }
      posting = true;
    }
    try {
      switch (report.kind()) {
        case RESULT -> target.finished(report.job(), report.result(), report.detailsUrl());
        case COMMIT_COMMENT -> target.commitComment(report.job(), report.key(), report.markdown());
      }
    } catch (NotPosted e) {
      failure = e;
    } catch (RuntimeException e) { // a target must not throw: a bug, which trying cannot fix
      failure = new NotPosted(e.toString(), true);
    } finally {
      synchronized (this) {
        posting = false;
        interrupted = Thread.interrupted();
      }
    }
    if (interrupted) {
      log.info("{}: interrupted by the shutdown, sent again after the restart", what);
    } else if (failure == null) {
      outbox.posted(report.id());
      log.info(
          "GitHub: {} posted{}",
          what,
          report.attempts() == 0 ? "" : " at attempt " + (report.attempts() + 1));
    } else if (failure.permanent()) {
      outbox.failed(report.id(), failure.getMessage());
      log.warn("GitHub refused {} for good: {}; not tried again", what, failure.getMessage());
    } else {
      int failures = report.attempts() + 1;
      Duration wait = backoff.after(failures);
      outbox.retryAt(report.id(), Instant.now().plus(wait), failure.getMessage());
      log.warn(
          "GitHub: {} not posted: {}; trying again in {} (attempt {} failed)",
          what,
          failure.getMessage(),
          text(wait),
          failures);
    }
  }

  /** "the result of job 7 (acme/chat@0123456)", "commit comment KEY of job 9 (…)". */
  private static String describe(Outbox.Report r) {
    Job j = r.job();
    String where = j.repo() + "@" + j.sha().substring(0, Math.min(7, j.sha().length()));
    return switch (r.kind()) {
      case RESULT -> "the result of job " + j.id() + " (" + where + ")";
      case COMMIT_COMMENT -> "commit comment " + r.key() + " of job " + j.id() + " (" + where + ")";
    };
  }

  private static String text(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    return ms < 120_000 ? ms / 1000 + " s" : ms / 60_000 + " min";
  }
}
