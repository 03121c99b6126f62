package io.murmuration.hook;

/**
 * Where the reports of a {@link Reporter} are posted: GitHub ({@code GitHubReporter}), or the
 * console when no GitHub credentials are configured. The outbox's sender calls it from one thread;
 * what it posts must be safe to post again after a failure or a crash (a report is retried until it
 * is accepted), so each call either updates something in place or first looks whether it was posted
 * already.
 */
public interface ReportTarget {
  /** Best effort: a failure is logged, never thrown. */
  void started(Job job, String detailsUrl);

  /** Posts the result of a job: check run or commit status, and a pull request's comment. */
  void finished(Job job, JobResult result, String detailsUrl) throws NotPosted;

  /**
   * Posts a comment on the job's commit, unless a comment for {@code key} is already there (a post
   * whose answer was lost).
   */
  void commitComment(Job job, String key, String markdown) throws NotPosted;

  /**
   * The report did not get through. {@link #permanent()} says that trying again cannot help (GitHub
   * refused it for what it is: a repository, pull request or commit that is not there, a missing
   * permission, an invalid request); otherwise it is tried again later (no answer, a 5xx, a rate
   * limit, refused credentials). The message is one line, secrets blanked out.
   */
  final class NotPosted extends Exception {
    private final boolean permanent;

    public NotPosted(String message, boolean permanent) {
      super(message);
      this.permanent = permanent;
    }

    public boolean permanent() {
      return permanent;
    }
  }
}
