package io.murmuration.hook.pipeline;

import io.murmuration.hook.github.SummaryMarkdown;
import io.murmuration.results.ExitCode;
import io.murmuration.results.RunMetric;
import io.murmuration.results.Summary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How one {@code murm run} of a job ended, read from what the runner leaves and nothing else: its
 * exit status (null when it hit its time limit) and the {@code summary.json} of the run folder the
 * job named with {@code --run-id} — with the run's numbers, its assertions and their outcomes. The
 * runner's console output is for people (the step log) and never parsed.
 *
 * <p>Exit status → conclusion: {@link ExitCode#OK} {@code success}; {@link
 * ExitCode#ASSERTION_FAILED} and {@link ExitCode#RUN_FAILED} (users ended on errors: the server
 * dropped or refused them mid-run; or planned work was left undone) {@code failure}; {@link
 * ExitCode#SETUP_ERROR} (nothing ran: unreachable target, login refused, bad parameter) also {@code
 * failure}, because at this commit the server does not accept the configured users, which is the
 * author's to look at, not a question of statistics; {@link ExitCode#INTERNAL_ERROR} (a bug in
 * Murmuration) and anything else {@code neutral}: it says nothing about the commit.
 *
 * @param runFolder the run folder when the runner made it, else null
 * @param summary its {@code summary.json} when written and readable, else null
 */
record ScenarioOutcome(
    RepoConfig.ScenarioRun run, Integer exitStatus, Path log, Path runFolder, Summary summary) {

  /**
   * Reads the outcome of a run that was given {@code runFolder} ({@code --runs-dir}/{@code
   * --run-id}).
   */
  static ScenarioOutcome read(
      RepoConfig.ScenarioRun run, Integer exitStatus, Path log, Path runFolder) {
    Summary summary = null;
    Path file = runFolder.resolve(Summary.FILE);
    if (Files.isRegularFile(file)) {
      try {
        summary = Summary.read(file);
      } catch (java.io.IOException | RuntimeException e) {
        summary = null; // an unreadable summary: the table shows dashes
      }
    }
    return new ScenarioOutcome(
        run, exitStatus, log, Files.isDirectory(runFolder) ? runFolder : null, summary);
  }

  /** The exit status as the runner's classification; null for a time limit or an unknown code. */
  ExitCode exit() {
    return exitStatus == null ? null : ExitCode.of(exitStatus);
  }

  /** Ran to its end, whatever its assertions said. */
  boolean finished() {
    return exit() == ExitCode.OK || exit() == ExitCode.ASSERTION_FAILED;
  }

  /** The assertions as the run checked them; empty without a summary. */
  List<Summary.AssertionOutcome> assertions() {
    return summary == null ? List.of() : summary.assertions();
  }

  String conclusion() {
    if (exitStatus == null) {
      return "failure";
    }
    ExitCode code = exit();
    if (code == null) {
      return "neutral";
    }
    return switch (code) {
      case OK -> summary == null ? "neutral" : "success";
      case ASSERTION_FAILED, SETUP_ERROR, RUN_FAILED -> "failure";
      default -> "neutral";
    };
  }

  /** One line saying what happened, for the check run's title. */
  String headline() {
    String name = run.scenario();
    if (exitStatus == null) {
      return name + " did not finish within " + Durations.text(run.timeout());
    }
    ExitCode code = exit();
    if (code == null) {
      return name + ": internal error in Murmuration (exit status " + exitStatus + ")";
    }
    return switch (code) {
      case OK ->
          summary == null
              ? name + ": the runner wrote no summary"
              : RunMetric.TTD_P99.label()
                  + " "
                  + value(RunMetric.TTD_P99)
                  + " ms, "
                  + value(RunMetric.MESSAGES_LOST)
                  + " lost"
                  + (assertions().isEmpty() ? "" : " — all assertions hold");
      case ASSERTION_FAILED ->
          name
              + ": assertion failed"
              + assertions().stream()
                  .filter(a -> !a.passed())
                  .findFirst()
                  .map(a -> " (" + a.expression() + ")")
                  .orElse("");
      case SETUP_ERROR -> name + " could not start (setup error)";
      case RUN_FAILED ->
          name
              + ": run failed"
              + (summary == null || summary.failure() == null ? "" : ": " + summary.failure());
      default -> name + ": internal error in Murmuration (exit status " + exitStatus + ")";
    };
  }

  /** A metric of the run as {@code summary.json} has it, or "–" when absent. */
  String value(RunMetric metric) {
    Number n = summary == null ? null : metric.of(summary);
    return n == null ? "–" : SummaryMarkdown.number(n);
  }
}
