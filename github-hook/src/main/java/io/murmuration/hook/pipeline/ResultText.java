package io.murmuration.hook.pipeline;

import io.murmuration.gate.VerdictEvent;
import io.murmuration.hook.Job;
import io.murmuration.hook.JobResult;
import io.murmuration.hook.github.SummaryMarkdown;
import io.murmuration.results.RunMetric;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * The check run's text for a job that ran the head alone (a push): a table of the key numbers per
 * scenario, the assertions and every run's numbers with links when the scenarios ran; the failed
 * step and the tail of its log otherwise. A pull request's A/B gate has its own, {@link
 * GateResult}.
 */
final class ResultText {
  private ResultText() {}

  /** The numbers of each scenario in the table, from the metric vocabulary. */
  private static final List<RunMetric> COLUMNS =
      List.of(
          RunMetric.USERS_PEAK,
          RunMetric.TTD_P50,
          RunMetric.TTD_P99,
          RunMetric.MESSAGES_SENT,
          RunMetric.MESSAGES_LOST,
          RunMetric.ERRORS_TOTAL);

  /**
   * The job's result from its scenarios: {@code failure} when any failed, else {@code neutral} when
   * any was inconclusive, else {@code success}; the title is that of the first scenario with the
   * job's conclusion. Each scenario's conclusion is also a verdict event at the end of its run.
   */
  static JobResult of(Job job, List<ScenarioOutcome> outcomes, SummaryMarkdown details) {
    String conclusion =
        outcomes.stream().anyMatch(o -> o.conclusion().equals("failure"))
            ? "failure"
            : outcomes.stream().anyMatch(o -> o.conclusion().equals("neutral"))
                ? "neutral"
                : "success";
    ScenarioOutcome first =
        outcomes.stream().filter(o -> o.conclusion().equals(conclusion)).findFirst().orElseThrow();
    String title =
        first.headline()
            + (outcomes.size() > 1 && conclusion.equals("success")
                ? " (" + outcomes.size() + " scenarios)"
                : "");
    StringBuilder md = new StringBuilder();
    md.append("| scenario | result | ");
    COLUMNS.forEach(m -> md.append(m.heading()).append(" | "));
    md.append("\n|---|---|" + "---|".repeat(COLUMNS.size()) + "\n");
    for (ScenarioOutcome o : outcomes) {
      md.append(
          row(
              Stream.concat(
                      Stream.of(o.run().scenario(), o.conclusion()), COLUMNS.stream().map(o::value))
                  .toArray()));
    }
    for (ScenarioOutcome o : outcomes) {
      if (!o.conclusion().equals("success")) {
        md.append("\n**")
            .append(o.headline())
            .append("** — last lines of `")
            .append(o.log().getFileName())
            .append("`:\n\n")
            .append(codeBlock(Commands.tail(o.log(), Pipeline.TAIL_LINES)));
      }
    }
    for (ScenarioOutcome o : outcomes) {
      if (o.summary() != null) {
        md.append("\n<details><summary>")
            .append(o.run().scenario())
            .append(": all numbers and links</summary>\n\n")
            .append(details.render(o.summary()))
            .append("\n</details>\n");
      } else if (o.runFolder() != null) {
        md.append("\n(").append(o.run().scenario()).append(": no readable summary.json)\n");
      }
    }
    Path runFolder =
        outcomes.stream()
            .map(ScenarioOutcome::runFolder)
            .filter(f -> f != null)
            .reduce((a, b) -> b)
            .orElse(null);
    List<VerdictEvent> verdicts =
        outcomes.stream()
            .map(
                o ->
                    RunnerCommand.verdict(
                        job,
                        job.sha(),
                        null,
                        o.run().scenario(),
                        o.summary() == null ? Instant.now() : o.summary().endedAt(),
                        o.run().scenario() + ": " + o.conclusion(),
                        o.headline() + " (job " + job.id() + ")"))
            .toList();
    return new JobResult(conclusion, title, md.toString(), runFolder, verdicts, null);
  }

  /**
   * A step that failed: which, and the tail of its log; {@code failure}, or {@code neutral} when
   * the trouble is the service's ({@link StepFailed#infrastructure}).
   */
  static JobResult stepFailed(StepFailed e) {
    String md =
        "The **"
            + e.step
            + "** step failed: "
            + e.getMessage()
            + ".\n\n"
            + (e.aboutTheCommit
                ? ""
                : "This is trouble of the service's machine or network, not a verdict on the"
                    + " commit: re-run the check once it is fixed.\n\n")
            + "Last lines of `"
            + e.log.getFileName()
            + "`:\n\n"
            + codeBlock(Commands.tail(e.log, Pipeline.TAIL_LINES));
    return new JobResult(e.aboutTheCommit ? "failure" : "neutral", e.getMessage(), md, null);
  }

  /** A markdown table row of {@code cells}. */
  static String row(Object... cells) {
    StringBuilder b = new StringBuilder("|");
    for (Object c : cells) {
      b.append(' ').append(c).append(" |");
    }
    return b.append('\n').toString();
  }

  /** A fenced block that the text cannot close early. */
  static String codeBlock(String text) {
    String fence = "```";
    while (text.contains(fence)) {
      fence += "`";
    }
    return fence + "text\n" + text + "\n" + fence + "\n";
  }
}
