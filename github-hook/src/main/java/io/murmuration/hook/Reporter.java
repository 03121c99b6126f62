package io.murmuration.hook;

/**
 * Tells GitHub about a job: a check run {@code in_progress} when it starts and completed with its
 * result, one sticky comment on the pull request updated in place, or a commit status when only a
 * token (no GitHub App) is configured; after a merged build, a comment on its commit when the trend
 * analysis found new change points. Implementations must not throw for GitHub's answers: a failed
 * report is logged, never the end of a job.
 */
public interface Reporter {
  /** The job is starting; {@code detailsUrl} points at the service's status page, or is null. */
  void started(Job job, String detailsUrl);

  /** The job ended with {@code result}. */
  void finished(Job job, JobResult result, String detailsUrl);

  /**
   * A new comment on {@code job}'s commit ({@code job.sha()}), in GitHub markdown. Posted once per
   * call: the caller decides that it is new (the trend check's change points, see {@code
   * TrendCheck}).
   */
  void commitComment(Job job, String markdown);
}
