package io.murmuration.hook;

import java.nio.file.Path;
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
 */
public record JobResult(String conclusion, String title, String summary, Path runFolder) {
  public JobResult {
    Objects.requireNonNull(conclusion, "conclusion");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(summary, "summary");
  }
}
