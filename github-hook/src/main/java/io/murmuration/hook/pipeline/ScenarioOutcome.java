package io.murmuration.hook.pipeline;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How one {@code murm run} of a job ended: its exit status (null when it hit its time limit), its
 * run folder and {@code summary.json} when it wrote them, and the {@code assert …} lines it
 * printed.
 *
 * <p>Exit status → conclusion: 0 {@code success}; 1 (an assertion did not hold) and 3 (users ended
 * on errors: the server dropped or refused them mid-run) {@code failure}; 2 (nothing ran:
 * unreachable target, login refused, bad parameter) also {@code failure}, because at this commit
 * the server does not accept the configured users, which is the author's to look at, not a question
 * of statistics; 4 (a bug in Murmuration) and anything else {@code neutral}: it says nothing about
 * the commit.
 */
record ScenarioOutcome(
    RepoConfig.ScenarioRun run,
    Integer exitStatus,
    Path log,
    Path runFolder,
    Config summary,
    List<String> assertLines) {

  /** Reads what the runner left: the {@code run folder:} and {@code assert} lines of its log. */
  static ScenarioOutcome read(RepoConfig.ScenarioRun run, Integer exitStatus, Path log) {
    Path folder = null;
    List<String> asserts = new ArrayList<>();
    try {
      for (String line :
          new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList()) {
        if (line.startsWith("run folder: ")) {
          folder = Path.of(line.substring("run folder: ".length()).strip());
        } else if (line.startsWith("assert ")) {
          asserts.add(line.substring("assert ".length()).strip());
        }
      }
    } catch (java.io.IOException e) {
      // no log: nothing ran
    }
    Config summary = null;
    if (folder != null && Files.isRegularFile(folder.resolve("summary.json"))) {
      try {
        summary = ConfigFactory.parseFile(folder.resolve("summary.json").toFile());
      } catch (ConfigException e) {
        summary = null; // an unreadable summary: the table shows dashes
      }
    }
    return new ScenarioOutcome(run, exitStatus, log, folder, summary, List.copyOf(asserts));
  }

  String conclusion() {
    if (exitStatus == null) {
      return "failure";
    }
    return switch (exitStatus) {
      case 0 -> summary == null ? "neutral" : "success";
      case 1, 2, 3 -> "failure";
      default -> "neutral";
    };
  }

  /** One line saying what happened, for the check run's title. */
  String headline() {
    String name = run.scenario();
    if (exitStatus == null) {
      return name + " did not finish within " + Durations.text(run.timeout());
    }
    return switch (exitStatus) {
      case 0 ->
          summary == null
              ? name + ": the runner wrote no summary"
              : "TTD p99 "
                  + number("ttd_ms.p99")
                  + " ms, "
                  + number("messages.lost")
                  + " lost"
                  + (assertLines.isEmpty() ? "" : " — all assertions hold");
      case 1 ->
          name
              + ": assertion failed"
              + assertLines.stream()
                  .filter(l -> l.contains(" FAIL "))
                  .findFirst()
                  .map(l -> " (" + l.substring(0, l.indexOf(" FAIL ")).strip() + ")")
                  .orElse("");
      case 2 -> name + " could not start (setup error)";
      case 3 -> name + ": run failed";
      default -> name + ": internal error in Murmuration (exit status " + exitStatus + ")";
    };
  }

  /** A value of {@code summary.json} as text, or "–" when absent. */
  String number(String path) {
    if (summary == null || !summary.hasPath(path)) {
      return "–";
    }
    String text = summary.getValue(path).unwrapped().toString();
    return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
  }
}
