package io.murmuration.hook.pipeline;

import io.murmuration.gate.VerdictEvent;
import io.murmuration.hook.Job;
import io.murmuration.httpload.HttpLoadPlan;
import io.murmuration.results.RunId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code murm run} command line of one scenario: this JVM's own java binary and class path with
 * main class {@code io.murmuration.cli.Murm}, so that the runner is exactly the version of the
 * service, in a process of its own that a cancel can stop and whose crash cannot take the service
 * down; the class path file of the HTTP load's Gatling child, when this JVM was given one, is
 * passed on.
 *
 * <p>The scenario, the one positional argument, comes after {@code --}; the configuration's values
 * cannot start with {@code -} ({@link RepoConfig} checks), so none can be read as an option.
 */
final class RunnerCommand {
  private RunnerCommand() {}

  /**
   * The {@code murm run} command line: the scenario's {@link #options}, its parameters, and what
   * stays local: {@code --runs-dir} and {@code --influx}.
   *
   * @param commit the commit whose server runs (the merge base for a gate's base arm)
   * @param arm {@code base} or {@code head} in an A/B gate, {@code good}, {@code mid} or {@code
   *     bad} in a bisection, else null
   */
  static List<String> of(
      Job job,
      RepoConfig config,
      RepoConfig.ScenarioRun run,
      Path runsDir,
      String runId,
      String influxUrl,
      String commit,
      String arm) {
    List<String> c = new ArrayList<>();
    c.add(javaBinary());
    c.add("-XX:+ExitOnOutOfMemoryError");
    String gatling = System.getProperty(HttpLoadPlan.CLASSPATH_FILE_PROPERTY);
    if (gatling != null) { // for a scenario with an HTTP load (its Gatling child's class path)
      c.add("-D" + HttpLoadPlan.CLASSPATH_FILE_PROPERTY + "=" + gatling);
    }
    c.add("-cp");
    c.add(System.getProperty("java.class.path"));
    c.add("io.murmuration.cli.Murm");
    c.add("run");
    for (Map.Entry<String, String> o : options(job, config, run, runId, commit, arm).entrySet()) {
      c.add("--" + o.getKey());
      c.add(o.getValue());
    }
    for (Map.Entry<String, String> p : run.params().entrySet()) {
      c.add("-P" + p.getKey() + "=" + p.getValue());
    }
    c.add("--quiet");
    c.add("--runs-dir");
    c.add(runsDir.toString());
    if (influxUrl != null) {
      c.add("--influx");
      c.add(influxUrl);
    }
    c.add("--");
    c.add(run.scenario());
    return c;
  }

  /**
   * The settings of one scenario run, as {@code murm run} options by long name (without {@code --})
   * in command-line order, values as on the command line: lists joined the way the runner splits
   * them ({@code target} and {@code tag} by {@code ,}, {@code assert} by {@code ;}). The local
   * command line ({@link #of}) and a coordinator's start request ({@link CoordinatorRunner}) are
   * both made from it; the scenario's parameters are {@link RepoConfig.ScenarioRun#params()}.
   */
  static Map<String, String> options(
      Job job,
      RepoConfig config,
      RepoConfig.ScenarioRun run,
      String runId,
      String commit,
      String arm) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("target", String.join(",", config.targets()));
    o.put("domain", config.domain());
    o.put("users", Integer.toString(run.users()));
    o.put("arrival-rate", Double.toString(run.arrivalRate()));
    if (run.duration() != null) {
      o.put("duration", Durations.flag(run.duration()));
    }
    if (run.warmUp() != null) {
      o.put("warm-up", Durations.flag(run.warmUp()));
    }
    RepoConfig.Accounts accounts = config.accounts();
    o.put("accounts", accounts.mode());
    o.put("username", accounts.username());
    o.put("password", accounts.password());
    if (accounts.httpApi() != null) {
      o.put("http-api", accounts.httpApi());
    }
    if (!run.asserts().isEmpty()) {
      o.put("assert", String.join(";", run.asserts()));
    }
    o.put("run-id", runId);
    o.put("tag", String.join(",", tags(job, commit, arm)));
    return o;
  }

  /**
   * A run id no earlier run of the service used, naming the job, round and scenario: {@code
   * 20261204-101500-j17-r2-head-1-one-to-one}. The job reads the run's folder by it.
   */
  static String runId(Job job, String scenario, String suffix, int index) {
    return RunId.at(
        java.time.Instant.now(), "j" + job.id() + suffix + "-" + (index + 1) + "-" + scenario);
  }

  /**
   * {@code repo=…,branch=…,commit=…,trigger=…[,pr=…][,arm=…]}; a comma in a value would split it.
   * The branch is the one whose code runs: the pull request's base branch for an A/B gate's base
   * arm (none when the event did not name it), else the job's branch (a bisection's: the branch of
   * the change point, whose commits its arms run).
   */
  static List<String> tags(Job job, String commit, String arm) {
    List<String> tags = new ArrayList<>();
    tags.add("repo=" + clean(job.repo()));
    String branch = "base".equals(arm) ? job.baseBranch() : job.branch();
    if (branch != null) {
      tags.add("branch=" + clean(branch));
    }
    tags.add("commit=" + clean(commit));
    tags.add("trigger=" + job.trigger().tag);
    if (job.pr() != null) {
      tags.add("pr=" + job.pr());
    }
    if (arm != null) {
      tags.add("arm=" + arm);
    }
    return tags;
  }

  /**
   * A verdict about the runs of {@code scenario} at {@code commit} ({@code arm} as for {@link
   * #tags}), as the dashboards' annotation: tagged like those runs, and with the scenario.
   */
  static VerdictEvent verdict(
      Job job,
      String commit,
      String arm,
      String scenario,
      java.time.Instant at,
      String title,
      String text) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (String tag : tags(job, commit, arm)) {
      int eq = tag.indexOf('=');
      tags.put(tag.substring(0, eq), tag.substring(eq + 1));
    }
    tags.put("scenario", scenario);
    return new VerdictEvent(at, tags, title, text);
  }

  private static String clean(String value) {
    return value.replace(',', '_');
  }

  private static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }
}
