package io.murmuration.hook;

import io.murmuration.gate.VerdictEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How a job ended, as reported on GitHub.
 *
 * @param conclusion GitHub's check-run conclusion: {@code success}, {@code failure}, {@code
 *     neutral}, {@code cancelled} or {@code action_required}
 * @param title one line, e.g. "TTD p99 4.1 ms, 0 lost — all assertions hold"
 * @param summary markdown: the table of key metrics, links to the dashboards and the run report;
 *     for a failed build or start, which step failed and the tail of its log
 * @param runFolder the runner's run folder, or null when no run happened
 * @param verdicts the verdict of each scenario judged, as annotations for the dashboards (written
 *     to InfluxDB when the service has one); empty when none was judged
 * @param comment a comment for a commit other than the job's (the commit a bisection named), or
 *     null
 */
public record JobResult(
    String conclusion,
    String title,
    String summary,
    Path runFolder,
    List<VerdictEvent> verdicts,
    CommitComment comment) {
  public JobResult {
    Objects.requireNonNull(conclusion, "conclusion");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(summary, "summary");
    verdicts = List.copyOf(verdicts);
  }

  /** A result without verdict events or comment. */
  public JobResult(String conclusion, String title, String summary, Path runFolder) {
    this(conclusion, title, summary, runFolder, List.of(), null);
  }

  /** A comment, in GitHub markdown, for commit {@code sha}. */
  public record CommitComment(String sha, String markdown) {
    public CommitComment {
      Objects.requireNonNull(sha, "sha");
      Objects.requireNonNull(markdown, "markdown");
    }
  }
}
