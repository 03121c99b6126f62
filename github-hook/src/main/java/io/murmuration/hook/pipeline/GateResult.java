package io.murmuration.hook.pipeline;

import io.murmuration.gate.Gate;
import io.murmuration.gate.Report;
import io.murmuration.gate.Settings;
import io.murmuration.gate.Verdict;
import io.murmuration.gate.VerdictEvent;
import io.murmuration.hook.Job;
import io.murmuration.hook.JobResult;
import io.murmuration.hook.github.SummaryMarkdown;
import io.murmuration.results.ExitCode;
import io.murmuration.results.GrafanaLink;
import io.murmuration.results.RunMetric;
import io.murmuration.results.Summary;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The check run's text for a pull request's A/B gate: per scenario, the gate's table ({@link
 * Report#markdown()}: metric, base, head, change, interval, p-value, verdict), the absolute limits
 * (the scenario's {@code assert} lines, checked by the runner on every head run) and every run's
 * numbers.
 *
 * <p>A scenario fails when the statistics say head is worse beyond a tolerance, when an absolute
 * limit broke in any head run, or when a head run did not finish while every base run did (the
 * change broke the server under load). Base runs that broke a limit or did not finish make it
 * neutral at worst — that is not the pull request's doing. The job's conclusion is the worst
 * scenario's. Each scenario's verdict is also a verdict event, tagged like its head runs (arm
 * {@code head}), at the end of its last head run: the Compare dashboard's annotation.
 */
final class GateResult {
  private GateResult() {}

  /** One scenario's verdict and its reason. */
  private record Judged(Verdict verdict, String reason, Report report) {}

  /**
   * @param baseRounds per round, the base's outcome of each scenario (in configuration order)
   * @param headRounds the same for the head
   */
  static JobResult of(
      Job job,
      RepoConfig config,
      String baseCommit,
      List<List<ScenarioOutcome>> baseRounds,
      List<List<ScenarioOutcome>> headRounds,
      URI grafana) {
    String headCommit = job.sha();
    Instant first = null;
    Instant last = null;
    Verdict overall = Verdict.SUCCESS;
    String title = null;
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            Locale.ROOT,
            "**A/B gate**: head `%s` against its merge base `%s`, %d round%s on the same machine,"
                + " the arms' order alternating (base–head, head–base, …), each round's two runs"
                + " judged as a pair.%n",
            shortSha(headCommit),
            shortSha(baseCommit),
            baseRounds.size(),
            baseRounds.size() == 1 ? "" : "s"));
    ScenarioOutcome lastHead = null;
    List<VerdictEvent> verdicts = new ArrayList<>();
    for (int i = 0; i < config.scenarios().size(); i++) {
      int index = i;
      List<ScenarioOutcome> base = baseRounds.stream().map(r -> r.get(index)).toList();
      List<ScenarioOutcome> head = headRounds.stream().map(r -> r.get(index)).toList();
      String name = config.scenarios().get(i).scenario();
      Judged j = judge(base, head, config.gate().settings());
      if (title == null || j.verdict().compareTo(overall) > 0) {
        title = name + ": " + j.reason();
      }
      if (j.verdict().compareTo(overall) > 0) {
        overall = j.verdict();
      }
      md.append("\n### ").append(name).append(": ").append(j.verdict().label()).append("\n\n");
      md.append(j.verdict().label()).append(" — ").append(j.reason()).append("\n\n");
      if (j.report() != null) {
        md.append(j.report().markdown());
      }
      md.append("\n**Absolute limits** (`assert`, checked on every head run): ");
      md.append(limits(config.scenarios().get(i), head)).append('\n');
      md.append(runs(base, head));
      for (List<ScenarioOutcome> arm : List.of(base, head)) {
        for (Summary s : summaries(arm)) {
          first = first == null || s.startedAt().isBefore(first) ? s.startedAt() : first;
          last = last == null || s.endedAt().isAfter(last) ? s.endedAt() : last;
        }
      }
      for (ScenarioOutcome o : head) {
        if (!o.finished()) {
          md.append("\n**head: ")
              .append(o.headline())
              .append("** — last lines of `")
              .append(o.log().getFileName())
              .append("`:\n\n")
              .append(ResultText.codeBlock(Commands.tail(o.log(), Pipeline.TAIL_LINES)));
          break;
        }
      }
      lastHead = head.isEmpty() ? lastHead : head.get(head.size() - 1);
      verdicts.add(
          RunnerCommand.verdict(
              job,
              headCommit,
              "head",
              name,
              summaries(head).stream()
                  .map(Summary::endedAt)
                  .max(Instant::compareTo)
                  .orElse(Instant.now()),
              name + ": " + j.verdict().label(),
              j.reason()
                  + String.format(
                      Locale.ROOT,
                      " (head %s against merge base %s, %d rounds, job %d)",
                      shortSha(headCommit),
                      shortSha(baseCommit),
                      baseRounds.size(),
                      job.id())));
    }
    if (grafana != null && first != null && job.pr() != null) {
      md.append("\n[Grafana: Compare dashboard](")
          .append(GrafanaLink.compare(grafana, job.repo(), job.pr(), first, last))
          .append(") — base and head runs side by side\n");
    }
    if (overall == Verdict.SUCCESS) {
      title =
          String.format(
              Locale.ROOT,
              "no regression beyond the tolerances: %d scenario%s, %d rounds",
              config.scenarios().size(),
              config.scenarios().size() == 1 ? "" : "s",
              baseRounds.size());
    } else if (overall == Verdict.NEUTRAL) {
      title = "inconclusive — " + title;
    }
    return new JobResult(
        overall.label(),
        title,
        md.toString(),
        lastHead == null ? null : lastHead.runFolder(),
        verdicts,
        null);
  }

  /** The base could not be built or started: nothing to compare with, and not the head's fault. */
  static JobResult baseFailed(StepFailed e, String baseCommit) {
    String md =
        "The merge base `"
            + shortSha(baseCommit)
            + "` could not be load-tested, so there is nothing to compare the head with: the **"
            + e.step
            + "** step failed: "
            + e.getMessage()
            + ".\n\nLast lines of `"
            + e.log.getFileName()
            + "`:\n\n"
            + ResultText.codeBlock(Commands.tail(e.log, Pipeline.TAIL_LINES));
    return new JobResult("neutral", "base not comparable: " + e.getMessage(), md, null);
  }

  private static Judged judge(
      List<ScenarioOutcome> base, List<ScenarioOutcome> head, Settings settings) {
    List<ScenarioOutcome> broke =
        head.stream().filter(o -> o.exit() == ExitCode.ASSERTION_FAILED).toList();
    List<ScenarioOutcome> headUnfinished = head.stream().filter(o -> !o.finished()).toList();
    boolean baseUnfinished = base.stream().anyMatch(o -> !o.finished());
    List<Summary> bs = summaries(base);
    List<Summary> hs = summaries(head);
    Report report =
        bs.isEmpty() || hs.isEmpty()
            ? null
            : Gate.compare(new Gate.Arm("base", bs), new Gate.Arm("head", hs), settings);
    if (!broke.isEmpty()) {
      return new Judged(
          Verdict.FAILURE,
          String.format(
              Locale.ROOT,
              "an absolute limit broke in %d of %d head runs (%s)",
              broke.size(),
              head.size(),
              broke.get(0).headline()),
          report);
    }
    if (!headUnfinished.isEmpty() && !baseUnfinished) {
      return new Judged(
          Verdict.FAILURE,
          String.format(
              Locale.ROOT,
              "%d of %d head runs did not finish while every base run did (%s)",
              headUnfinished.size(),
              head.size(),
              headUnfinished.get(0).headline()),
          report);
    }
    if (report == null) {
      return new Judged(
          Verdict.NEUTRAL,
          "not judged: no " + (bs.isEmpty() ? "base" : "head") + " run wrote a summary",
          null);
    }
    return new Judged(report.verdict(), report.reason(), report);
  }

  /** The numbers of each run in the folded table of every run. */
  private static final List<RunMetric> RUN_COLUMNS =
      List.of(
          RunMetric.TTD_P50,
          RunMetric.TTD_P99,
          RunMetric.MESSAGES_PER_S,
          RunMetric.LAG_P99,
          RunMetric.ERRORS_TOTAL);

  private static List<Summary> summaries(List<ScenarioOutcome> outcomes) {
    return outcomes.stream().map(ScenarioOutcome::summary).filter(Objects::nonNull).toList();
  }

  private static String limits(RepoConfig.ScenarioRun run, List<ScenarioOutcome> head) {
    if (run.asserts().isEmpty()) {
      return "none configured.";
    }
    StringBuilder b = new StringBuilder();
    int failing = 0;
    for (int r = 0; r < head.size(); r++) {
      for (Summary.AssertionOutcome a : head.get(r).assertions()) {
        if (!a.passed()) {
          failing++;
          b.append("\n- round ")
              .append(r + 1)
              .append(": `")
              .append(a.expression())
              .append("` measured ")
              .append(a.measured() == null ? "nothing" : SummaryMarkdown.number(a.measured()));
        }
      }
    }
    String all = "`" + String.join("`, `", run.asserts()) + "`";
    return failing == 0 ? all + " held in every head run." : all + b;
  }

  private static String runs(List<ScenarioOutcome> base, List<ScenarioOutcome> head) {
    StringBuilder b = new StringBuilder("\n<details><summary>every run</summary>\n\n");
    b.append("| round | arm | run | exit | ");
    RUN_COLUMNS.forEach(m -> b.append(m.heading()).append(" | "));
    b.append("\n|---|---|---|---|--:|--:|--:|--:|--:|\n");
    for (int r = 0; r < Math.max(base.size(), head.size()); r++) {
      for (List<ScenarioOutcome> arm : List.of(base, head)) {
        if (r >= arm.size()) {
          continue;
        }
        ScenarioOutcome o = arm.get(r);
        b.append(
            ResultText.row(
                Stream.concat(
                        Stream.of(
                            r + 1,
                            arm == base ? "base" : "head",
                            o.runFolder() == null ? "–" : "`" + o.runFolder().getFileName() + "`",
                            o.exitStatus() == null ? "time limit" : o.exitStatus()),
                        RUN_COLUMNS.stream().map(o::value))
                    .toArray()));
      }
    }
    return b.append("\n</details>\n").toString();
  }

  private static String shortSha(String sha) {
    return sha.length() > 12 ? sha.substring(0, 12) : sha;
  }
}
