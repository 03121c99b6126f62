package io.murmuration.hook;

/**
 * Tells GitHub about a job: a check run {@code in_progress} when it starts and completed with its
 * result, one sticky comment on the pull request updated in place, or a commit status when only a
 * token (no GitHub App) is configured; and comments on a commit (new change points after a merged
 * build). The service's reporter is {@code io.murmuration.hook.queue.ReportSender}, which stores
 * each report that matters in the job store's outbox and posts it through a {@link ReportTarget}
 * until GitHub takes it.
 *
 * <p>No method fails because of GitHub's answer; {@link #finished} and {@link #commitComment} do
 * not wait for it either.
 */
public interface Reporter {
  /**
   * The job is starting; {@code detailsUrl} points at the service's status page, or is null. Best
   * effort: tried once, and a failure is only logged, because the result replaces it anyway.
   */
  void started(Job job, String detailsUrl);

  /**
   * The job ended with {@code result}. Stored before this returns and posted until GitHub takes it;
   * one report per attempt of the job.
   *
   * @throws IllegalStateException when the report could not be stored (the job store failed)
   */
  void finished(Job job, JobResult result, String detailsUrl);

  /**
   * A comment on {@code job}'s commit ({@code job.sha()}), in GitHub markdown. Stored before this
   * returns and posted until GitHub takes it, once per {@code key}: a second call with a key that
   * was stored before (posted or not) changes nothing. The caller names what the comment is about
   * in the key, e.g. the change points it reports ({@code TrendCheck}).
   *
   * @param key 1 to 200 letters, digits and {@code . _ : / @ + = -}; unique among all the service's
   *     commit comments, for good
   * @throws IllegalArgumentException when {@code key} breaks that rule
   * @throws IllegalStateException when the comment could not be stored (the job store failed)
   */
  void commitComment(Job job, String key, String markdown);
}
