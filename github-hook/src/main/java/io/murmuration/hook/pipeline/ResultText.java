package io.murmuration.hook.pipeline;

import io.murmuration.cli.Assertion;
import io.murmuration.hook.JobResult;
import io.murmuration.hook.github.SummaryMarkdown;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The check run's text for a job that ran the head alone (a push): a table of the key numbers per
 * scenario, the assertion lines and every run's numbers with links when the scenarios ran; the
 * failed step and the tail of its log otherwise. A pull request's A/B gate has its own, {@link
 * GateResult}.
 */
final class ResultText {
  private ResultText() {}

  /**
   * The job's result from its scenarios: {@code failure} when any failed, else {@code neutral} when
   * any was inconclusive, else {@code success}; the title is that of the first scenario with the
   * job's conclusion.
   */
  static JobResult of(List<ScenarioOutcome> outcomes, SummaryMarkdown details) {
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
    md.append(
        "| scenario | result | users | TTD p50 (ms) | TTD p99 (ms) | sent | lost | errors |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    for (ScenarioOutcome o : outcomes) {
      md.append(
          row(
              o.run().scenario(),
              o.conclusion(),
              o.number("users.peak"),
              o.number("ttd_ms.p50"),
              o.number("ttd_ms.p99"),
              o.number("messages.sent"),
              o.number("messages.lost"),
              o.number("errors_total")));
    }
    for (ScenarioOutcome o : outcomes) {
      if (!o.assertLines().isEmpty()) {
        md.append("\n**").append(o.run().scenario()).append("** assertions:\n\n```text\n");
        o.assertLines().forEach(l -> md.append(l).append('\n'));
        md.append("```\n");
      }
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
      Path summary = o.runFolder() == null ? null : o.runFolder().resolve("summary.json");
      if (summary != null && Files.isRegularFile(summary)) {
        try {
          List<Assertion> asserts = o.run().asserts().stream().map(Assertion::parse).toList();
          md.append("\n<details><summary>")
              .append(o.run().scenario())
              .append(": all numbers and links</summary>\n\n")
              .append(details.render(summary, asserts))
              .append("\n</details>\n");
        } catch (IOException | RuntimeException e) {
          md.append("\n(")
              .append(o.run().scenario())
              .append(": summary.json unreadable: ")
              .append(e.getMessage())
              .append(")\n");
        }
      }
    }
    Path runFolder =
        outcomes.stream()
            .map(ScenarioOutcome::runFolder)
            .filter(f -> f != null)
            .reduce((a, b) -> b)
            .orElse(null);
    return new JobResult(conclusion, title, md.toString(), runFolder);
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
