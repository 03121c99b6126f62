package io.murmuration.hook;

import java.time.Instant;
import java.util.Objects;

/**
 * A load test the service accepted: which repository, at which commit, why, and where it stands.
 * Immutable; the {@code JobStore} holds the current state of each job.
 *
 * @param id the store's id, unique and increasing
 * @param deliveryId GitHub's {@code X-GitHub-Delivery} of the webhook that asked for it (a
 *     redelivery of the same id makes no second job)
 * @param trigger why it runs: a merged build ({@link Trigger#PUSH}), a pull request, or the
 *     bisection of a change point
 * @param repo {@code owner/name}
 * @param cloneUrl where to fetch the repository from (for tests: a local path or file URL)
 * @param defaultBranch the repository's default branch, from which the per-repository configuration
 *     is read (never from the pull request's head)
 * @param branch the branch under test (a pull request's head branch; a bisection's series' branch)
 * @param sha the commit under test (a pull request's head commit; for a bisection the commit of the
 *     first run after the change)
 * @param pr the pull request's number, or null for a push
 * @param baseSha the pull request's base commit (for a bisection the commit of the last run before
 *     the change), or null for a push
 * @param baseBranch the pull request's base branch (the branch it would merge into), or null for a
 *     push or when the event did not name it
 * @param installationId the GitHub App installation that sent the event, or null
 * @param requestedBy who caused it (GitHub login)
 * @param state where it stands
 * @param acceptedAt when the service stored it
 * @param changePoint what a bisection looks for; null for other jobs
 */
public record Job(
    long id,
    String deliveryId,
    Trigger trigger,
    String repo,
    String cloneUrl,
    String defaultBranch,
    String branch,
    String sha,
    Integer pr,
    String baseSha,
    String baseBranch,
    Long installationId,
    String requestedBy,
    State state,
    Instant acceptedAt,
    ChangePoint changePoint) {

  /** A job that is no bisection. */
  public Job(
      long id,
      String deliveryId,
      Trigger trigger,
      String repo,
      String cloneUrl,
      String defaultBranch,
      String branch,
      String sha,
      Integer pr,
      String baseSha,
      String baseBranch,
      Long installationId,
      String requestedBy,
      State state,
      Instant acceptedAt) {
    this(
        id,
        deliveryId,
        trigger,
        repo,
        cloneUrl,
        defaultBranch,
        branch,
        sha,
        pr,
        baseSha,
        baseBranch,
        installationId,
        requestedBy,
        state,
        acceptedAt,
        null);
  }

  public Job {
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(repo, "repo");
    Objects.requireNonNull(sha, "sha");
    Objects.requireNonNull(state, "state");
  }

  /** Why a job runs; {@link #tag} is the {@code trigger} tag of its metrics. */
  public enum Trigger {
    PUSH("push"),
    PULL_REQUEST("pull_request"),
    /**
     * The search for the commit that moved a metric of the default branch, queued by the trend
     * check for a change point whose range holds several commits.
     */
    BISECT("bisect");

    public final String tag;

    Trigger(String tag) {
      this.tag = tag;
    }
  }

  /**
   * The change point a bisection looks for: the series' scenario, the metric that moved (a field of
   * the {@code run} point, {@code ttd_p99_ms}), and the time of the run where the change starts.
   */
  public record ChangePoint(String scenario, String metric, Instant at) {
    public ChangePoint {
      Objects.requireNonNull(scenario, "scenario");
      Objects.requireNonNull(metric, "metric");
      Objects.requireNonNull(at, "at");
    }
  }

  /** Where a job stands. */
  public enum State {
    /** Untrusted (a fork, an outside author): runs once a trusted collaborator approves it. */
    AWAITING_APPROVAL,
    QUEUED,
    RUNNING,
    /** Ran to its end (its {@link JobResult} says with which conclusion). */
    DONE,
    /** Superseded by a newer push to the same pull request, or cancelled by an operator. */
    CANCELLED
  }

  public Job withState(State newState) {
    return new Job(
        id,
        deliveryId,
        trigger,
        repo,
        cloneUrl,
        defaultBranch,
        branch,
        sha,
        pr,
        baseSha,
        baseBranch,
        installationId,
        requestedBy,
        newState,
        acceptedAt,
        changePoint);
  }

  /**
   * The same job at another commit: the reporter comments on a job's commit, and a bisection's
   * result is a comment on the commit it named.
   */
  public Job withSha(String commit) {
    return new Job(
        id,
        deliveryId,
        trigger,
        repo,
        cloneUrl,
        defaultBranch,
        branch,
        commit,
        pr,
        baseSha,
        baseBranch,
        installationId,
        requestedBy,
        state,
        acceptedAt,
        changePoint);
  }
}
