package io.murmuration.hook.pipeline;

import io.murmuration.hook.Job;
import io.murmuration.results.RunId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code murm run} command line of one scenario: this JVM's own java binary and class path with
 * main class {@code io.murmuration.cli.Murm}, so that the runner is exactly the version of the
 * service, in a process of its own that a cancel can stop and whose crash cannot take the service
 * down.
 *
 * <p>The scenario, the one positional argument, comes after {@code --}; the configuration's values
 * cannot start with {@code -} ({@link RepoConfig} checks), so none can be read as an option.
 */
final class RunnerCommand {
  private RunnerCommand() {}

  /**
   * @param commit the commit whose server runs (the merge base for a gate's base arm)
   * @param arm {@code base} or {@code head} in an A/B gate, else null
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
    c.add("-cp");
    c.add(System.getProperty("java.class.path"));
    c.add("io.murmuration.cli.Murm");
    c.add("run");
    c.add("--target");
    c.add(String.join(",", config.targets()));
    c.add("--domain");
    c.add(config.domain());
    c.add("--users");
    c.add(Integer.toString(run.users()));
    c.add("--arrival-rate");
    c.add(Double.toString(run.arrivalRate()));
    if (run.duration() != null) {
      c.add("--duration");
      c.add(Durations.flag(run.duration()));
    }
    if (run.warmUp() != null) {
      c.add("--warm-up");
      c.add(Durations.flag(run.warmUp()));
    }
    RepoConfig.Accounts accounts = config.accounts();
    c.add("--accounts");
    c.add(accounts.mode());
    c.add("--username");
    c.add(accounts.username());
    c.add("--password");
    c.add(accounts.password());
    if (accounts.httpApi() != null) {
      c.add("--http-api");
      c.add(accounts.httpApi());
    }
    for (Map.Entry<String, String> p : run.params().entrySet()) {
      c.add("-P" + p.getKey() + "=" + p.getValue());
    }
    for (String a : run.asserts()) {
      c.add("--assert");
      c.add(a);
    }
    c.add("--quiet");
    c.add("--runs-dir");
    c.add(runsDir.toString());
    c.add("--run-id");
    c.add(runId);
    c.add("--tag");
    c.add(String.join(",", tags(job, commit, arm)));
    if (influxUrl != null) {
      c.add("--influx");
      c.add(influxUrl);
    }
    c.add("--");
    c.add(run.scenario());
    return c;
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
   * arm (none when the event did not name it), else the job's branch.
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
