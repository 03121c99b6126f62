package io.murmuration.hook.pipeline;

import io.murmuration.gate.Comparison;
import io.murmuration.gate.Metric;
import io.murmuration.hook.Job;
import io.murmuration.hook.JobResult;
import io.murmuration.hook.PayloadValues;
import io.murmuration.hook.github.SummaryMarkdown;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;

/**
 * One job from commit to result: fetch the repository at the commit, read the configuration from
 * the default branch, build, start the server, wait until it is ready, run each scenario through
 * the runner (a {@code murm run} subprocess, or a run on a {@link Coordinator}'s workers when the
 * service is given one: {@link CoordinatorRunner}), stop the server, and turn it all into a {@link
 * JobResult}.
 *
 * <p>A pull request is judged against its base instead ({@link GateResult}): the merge base and the
 * head are both built, then {@code gate.rounds} rounds each start the base's server, run the
 * scenarios, stop it, and do the same for the head, in the order base, head, head, base, base,
 * head… ({@link #order}) on the same machine, so that drift of the machine and the position within
 * a round land on both arms alike; each round's two runs are judged as a pair. Each step logs to
 * its own file in the job's folder ({@link Workspace}) and has a time limit; a failing step ends
 * the job with conclusion {@code failure}, the step named and the tail of its log quoted — never
 * silently — except a fetch that fails (an unreachable remote, a network error, no token), which is
 * trouble of the service's side and ends it {@code neutral}. The server is stopped whatever
 * happens.
 *
 * <p>A bisection job ({@link Job.Trigger#BISECT}) searches the merged commits of a change point's
 * range for the one that moved the metric ({@link Bisection}), with the same rounds and statistics
 * as the gate: each step runs the last-good, the middle and the first-bad commit in every round.
 *
 * <p>One job at a time: {@link #run} is called by one worker thread; {@link #cancel} may come from
 * any other thread and stops the job it names, if that is the job in progress (its running
 * command's whole process group), within about a second, ending it with conclusion {@code
 * cancelled}.
 */
public final class Pipeline {
  /** Environment variables passed from the service to the commands; nothing else is. */
  private static final List<String> PASSED_ENV =
      List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR", "JAVA_HOME");

  /** Lines of a failed step's log quoted in the result. */
  static final int TAIL_LINES = 30;

  /**
   * What the service configures.
   *
   * @param workRoot where the job folders go
   * @param operatorConfigs a folder of {@code <owner>/<name>.conf} files that replace a
   *     repository's own configuration, or null
   * @param influxUrl the InfluxDB the runs write to ({@code murm run --influx}), or null
   * @param fetchTimeout the time limit of fetching the repository
   * @param details renders each run's numbers, with links to Grafana and the run's report
   * @param fetchToken where the token for fetching comes from, or null: fetch without one
   * @param coordinator the coordinator whose workers run the scenarios, or null: a local {@code
   *     murm run} each
   * @param cpus where the server under test and the runner are pinned, or null: where the kernel
   *     puts them
   */
  public record Settings(
      Path workRoot,
      Path operatorConfigs,
      String influxUrl,
      Duration fetchTimeout,
      SummaryMarkdown details,
      FetchToken fetchToken,
      Coordinator coordinator,
      Cpus cpus) {
    public static Settings of(Path workRoot) {
      return new Settings(
          workRoot,
          null,
          null,
          Duration.ofMinutes(10),
          new SummaryMarkdown(null, null),
          null,
          null,
          null);
    }

    /** Pin the server under test and the runner to separate CPUs. */
    public Settings withCpus(Cpus c) {
      return new Settings(
          workRoot, operatorConfigs, influxUrl, fetchTimeout, details, fetchToken, coordinator, c);
    }

    public Settings withOperatorConfigs(Path folder) {
      return new Settings(
          workRoot, folder, influxUrl, fetchTimeout, details, fetchToken, coordinator, cpus);
    }

    public Settings withInflux(String url) {
      return new Settings(
          workRoot, operatorConfigs, url, fetchTimeout, details, fetchToken, coordinator, cpus);
    }

    /** Links in the results: the Grafana to point at, where run folders are served (or nulls). */
    public Settings withLinks(URI grafana, URI runsUrl) {
      return new Settings(
          workRoot,
          operatorConfigs,
          influxUrl,
          fetchTimeout,
          new SummaryMarkdown(grafana, runsUrl),
          fetchToken,
          coordinator,
          cpus);
    }

    /** Fetch with a token from {@code source} (private repositories). */
    public Settings withFetchToken(FetchToken source) {
      return new Settings(
          workRoot, operatorConfigs, influxUrl, fetchTimeout, details, source, coordinator, cpus);
    }

    /** Run the scenarios on {@code c}'s workers instead of a local {@code murm run} each. */
    public Settings withCoordinator(Coordinator c) {
      return new Settings(
          workRoot, operatorConfigs, influxUrl, fetchTimeout, details, fetchToken, c, cpus);
    }
  }

  /** Where the token to fetch a job's repository comes from (a GitHub installation token). */
  @FunctionalInterface
  public interface FetchToken {
    /** The token for {@code job}'s repository, or null for none. */
    String forJob(Job job) throws java.io.IOException;
  }

  private final Settings settings;
  private volatile boolean cancelled;

  /** The id of the job {@link #run} runs, or -1; guarded by {@code this}. */
  private long running = -1;

  private volatile String step = "start";

  /** Which round and arm of an A/B gate runs, for {@link #step}; empty otherwise. */
  private volatile String stepPrefix = "";

  /** The arm whose build or round runs: whose step failed, when one fails. */
  private Arm current;

  public Pipeline(Settings settings) {
    this.settings = settings;
  }

  /**
   * Stops job {@code jobId} if it is the one in progress: its running command's process group is
   * stopped within about a second, the server too, and {@link #run} returns conclusion {@code
   * cancelled}. Has no effect on any other job, nor when no job runs: the caller learns that a job
   * was superseded from the store, and by then the pipeline may have moved on to the next one.
   */
  public synchronized void cancel(long jobId) {
    if (running == jobId) {
      cancelled = true;
    }
  }

  /** The token to fetch with, or null; a token that cannot be had ends the fetch step. */
  private String fetchToken(Job job, Path log) {
    if (settings.fetchToken() == null || !job.cloneUrl().startsWith("https://")) {
      return null;
    }
    try {
      return settings.fetchToken().forJob(job);
    } catch (java.io.IOException | RuntimeException e) {
      throw StepFailed.infrastructure(
          "fetch", "no token to fetch " + job.repo() + ": " + e.getMessage(), log);
    }
  }

  /** Runs {@code job} to its end; never throws for what a repository or a step does. */
  public JobResult run(Job job) {
    synchronized (this) {
      running = job.id();
      cancelled = false;
    }
    current = null;
    try {
      return runSteps(job);
    } finally {
      synchronized (this) {
        running = -1;
      }
    }
  }

  private JobResult runSteps(Job job) {
    step = "fetch";
    Workspace ws = Workspace.create(settings.workRoot(), job.id());
    int[] ports = freePorts();
    Map<String, String> vars =
        Map.of(
            "MURM_SUT_PORT", Integer.toString(ports[0]),
            "MURM_SUT_HTTP_PORT", Integer.toString(ports[1]),
            "MURM_JOB_DIR", ws.dir.toString());
    Commands commands = new Commands(environment(vars), () -> cancelled, ws.processes);
    RepoConfig config = null;
    try {
      Path fetchLog = ws.log("01-fetch.log");
      ws.fetch(
          job, commands, fetchLog, deadline(settings.fetchTimeout()), fetchToken(job, fetchLog));
      config = readConfig(job, ws, commands, fetchLog, vars);
      if (config == null) {
        return new JobResult(
            "neutral",
            "no load-test configuration",
            "Neither `"
                + RepoConfig.PATH
                + "` on `"
                + job.defaultBranch()
                + "` nor an operator's configuration for "
                + job.repo()
                + " exists: nothing to run. See docs/github.md, \"Configuring a repository\".",
            null);
      }
      if (job.trigger() == Job.Trigger.BISECT) {
        return bisect(job, config, ws, commands, fetchLog);
      }
      if (job.trigger() == Job.Trigger.PULL_REQUEST
          && job.baseSha() != null
          && config.gate().rounds() > 0) {
        return abGate(job, config, ws, commands, fetchLog);
      }
      Arm head = new Arm(null, job.sha(), ws.checkout, ws.runs);
      build(config, head, ws.log("02-build.log"), commands);
      return ResultText.of(job, round(job, config, ws, commands, head, ""), settings.details());
    } catch (CancellationException e) {
      return cancelledResult();
    } catch (PayloadValues.Invalid e) {
      return new JobResult(
          "neutral",
          "refused: " + e.getMessage(),
          "A value of the job is not safe to give to git or to use in a path, so nothing ran with"
              + " it: `"
              + e.getMessage()
              + "`. The webhook refuses such values; this job came from elsewhere (an older job"
              + " store, another writer). This says nothing about the commit.",
          null);
    } catch (RepoConfig.Invalid e) {
      return new JobResult(
          "failure",
          "invalid load-test configuration",
          "The configuration cannot be used:\n\n```text\n" + e.getMessage() + "\n```\n",
          null);
    } catch (StepFailed e) {
      return cancelled ? cancelledResult() : ResultText.stepFailed(e);
    } catch (RuntimeException e) {
      return cancelled
          ? cancelledResult()
          : new JobResult(
              "neutral",
              "internal error in the pipeline during " + step,
              "The load test could not be carried out; this says nothing about the commit.\n\n"
                  + "```text\n"
                  + e
                  + "\n```\n",
              null);
    }
  }

  /**
   * One side of a comparison: its name ({@code base} or {@code head}; null when the head runs
   * alone), commit, checkout and the folder its runs go to.
   */
  private record Arm(String name, String commit, Path checkout, Path runs) {}

  /**
   * The A/B gate of a pull request: builds the merge base and the head, runs {@code gate.rounds}
   * interleaved rounds and compares. A base that cannot be built or started makes the result
   * neutral (nothing to compare with, and not the pull request's fault); a head that cannot, a
   * failure, as for a push.
   */
  private JobResult abGate(
      Job job, RepoConfig config, Workspace ws, Commands commands, Path fetchLog) {
    long fetchDeadline = deadline(settings.fetchTimeout());
    String mergeBase = ws.mergeBase(job, commands, fetchLog, fetchDeadline);
    Commands.note(fetchLog, "base: merge base of " + job.baseSha() + " and the head: " + mergeBase);
    ws.checkoutBase(mergeBase, commands, fetchLog, fetchDeadline);
    Arm base = new Arm("base", mergeBase, ws.baseCheckout, ws.runs.resolve("base"));
    Arm head = new Arm("head", job.sha(), ws.checkout, ws.runs.resolve("head"));
    try {
      build(config, base, ws.log("02-build-base.log"), commands);
      build(config, head, ws.log("02-build-head.log"), commands);
      Map<Arm, List<List<ScenarioOutcome>>> runs =
          rounds(job, config, ws, commands, List.of(base, head), "", "");
      return GateResult.of(
          job, config, mergeBase, runs.get(base), runs.get(head), settings.details().grafana());
    } catch (StepFailed e) {
      if (current == base && !cancelled) {
        return GateResult.baseFailed(e, mergeBase);
      }
      throw e;
    }
  }

  /**
   * {@code gate.rounds} rounds over {@code arms}: in each round, in the order of {@link #order},
   * each arm's server is started, every scenario run against it, and stopped ({@link #round}). Logs
   * and run ids name {@code prefix}, the round and the arm: {@code -r2-head}, {@code -s1-r2-mid};
   * {@code label} starts the step's name ({@code "step 1/3, "}).
   *
   * @return per arm, its outcomes per round (each a list of the scenarios' outcomes)
   */
  private Map<Arm, List<List<ScenarioOutcome>>> rounds(
      Job job,
      RepoConfig config,
      Workspace ws,
      Commands commands,
      List<Arm> arms,
      String prefix,
      String label) {
    int rounds = config.gate().rounds();
    Map<Arm, List<List<ScenarioOutcome>>> runs = new LinkedHashMap<>();
    arms.forEach(arm -> runs.put(arm, new ArrayList<>()));
    try {
      for (int r = 1; r <= rounds; r++) {
        for (Arm arm : order(r, arms)) {
          String round = String.format("%s-r%d-%s", prefix, r, arm.name());
          stepPrefix = label + "round " + r + "/" + rounds + ", " + arm.name() + ": ";
          runs.get(arm).add(round(job, config, ws, commands, arm, round));
        }
      }
      return runs;
    } finally {
      stepPrefix = "";
    }
  }

  private List<String> pinServer(List<String> command) {
    return settings.cpus() == null ? command : settings.cpus().server(command);
  }

  /**
   * The order of the arms in round {@code r} (from 1): as given in odd rounds (base first),
   * reversed in even ones (ABBA; a bisection's three arms good, middle, bad run bad, middle, good).
   * Whatever the second run of a round suffers or enjoys — a server or a disk cache warmed by the
   * first, a machine still cooling from it — then falls on each arm in as many rounds, and the
   * per-round ratios of head/base carry it with opposite signs instead of charging it to the pull
   * request.
   */
  static <T> List<T> order(int r, List<T> arms) {
    return r % 2 == 1 ? arms : arms.reversed();
  }

  /**
   * A bisection ({@link Bisection}): lists the merged commits of the change point's range ({@code
   * git rev-list --first-parent}), then runs steps of {@code gate.rounds} rounds of the last-good,
   * the middle and the first-bad commit — only the change point's scenario, each commit built once
   * — until one commit is named or a step cannot tell. A commit that cannot be built or started
   * stops it, neutral: the range narrowed so far is the result.
   */
  private JobResult bisect(
      Job job, RepoConfig config, Workspace ws, Commands commands, Path fetchLog) {
    Job.ChangePoint cp = job.changePoint();
    if (cp == null || job.baseSha() == null) {
      return Bisection.refused("the job names no change point, or no commit before it");
    }
    Metric metric = Bisection.metric(cp.metric(), config.gate().settings());
    if (metric == null) {
      return Bisection.refused(
          "metric " + cp.metric() + " is not one the gate compares (" + Metric.known() + ")");
    }
    RepoConfig.ScenarioRun run =
        config.scenarios().stream()
            .filter(s -> s.scenario().equals(cp.scenario()))
            .findFirst()
            .orElse(null);
    if (run == null) {
      return Bisection.refused(
          "scenario "
              + cp.scenario()
              + " is no longer in the configuration ("
              + config.origin()
              + ")");
    }
    int rounds = config.gate().rounds();
    if (rounds < Comparison.MIN_PAIRS_TO_FAIL) {
      return Bisection.refused(
          "gate.rounds = "
              + rounds
              + ": a step compares commits in pairs of rounds and needs at least "
              + Comparison.MIN_PAIRS_TO_FAIL
              + " for a significant test at alpha 0.05");
    }
    long fetchDeadline = deadline(settings.fetchTimeout());
    Bisection bisection;
    try {
      bisection =
          new Bisection(
              Bisection.line(
                  job.baseSha(),
                  job.sha(),
                  ws.firstParentRange(job.baseSha(), job.sha(), commands, fetchLog, fetchDeadline)),
              metric,
              config.gate().settings());
    } catch (Bisection.Refused e) {
      return Bisection.refused(e.getMessage());
    }
    Path progress = ws.log("01-bisect.log");
    Commands.note(
        progress,
        "bisecting "
            + cp.metric()
            + " of "
            + run.scenario()
            + " over "
            + bisection.commits()
            + " merged commits after "
            + job.baseSha()
            + " up to "
            + job.sha()
            + ", at most "
            + bisection.maxSteps()
            + " steps of "
            + rounds
            + " rounds");
    RepoConfig one = config.withScenarios(List.of(run));
    Set<String> built = new HashSet<>();
    try {
      for (Bisection.Arms step = bisection.next(); step != null; step = bisection.next()) {
        int n = bisection.steps().size() + 1;
        String label = "step " + n + "/" + bisection.maxSteps() + ", ";
        List<Arm> arms = new ArrayList<>();
        for (String role : List.of("good", "mid", "bad")) {
          String commit =
              role.equals("good") ? step.good() : role.equals("mid") ? step.mid() : step.bad();
          Path checkout = ws.checkoutOf(commit, job.sha(), commands, fetchLog, fetchDeadline);
          Arm arm = new Arm(role, commit, checkout, ws.runs.resolve("s" + n).resolve(role));
          if (built.add(commit)) {
            stepPrefix = label;
            build(one, arm, ws.log("02-build-s" + n + "-" + role + ".log"), commands);
          }
          arms.add(arm);
        }
        Map<Arm, List<List<ScenarioOutcome>>> runs =
            rounds(job, one, ws, commands, arms, "-s" + n, label);
        Bisection.Step judged =
            bisection.judge(
                firstScenario(runs.get(arms.get(0))),
                firstScenario(runs.get(arms.get(1))),
                firstScenario(runs.get(arms.get(2))));
        Commands.note(progress, Bisection.describe(judged));
      }
    } catch (StepFailed e) {
      if (cancelled || !e.aboutTheCommit || current == null) {
        throw e; // trouble of the service's side (a git command): neutral, as for any job
      }
      Commands.note(progress, "stopped: " + current.commit() + ": " + e.getMessage());
      return bisection.stopped(job, run.scenario(), current.name(), current.commit(), e);
    } finally {
      stepPrefix = "";
    }
    JobResult result = bisection.result(job, run.scenario(), rounds);
    Commands.note(progress, result.title());
    return result;
  }

  /** Per round, the outcome of the (one) scenario. */
  private static List<ScenarioOutcome> firstScenario(List<List<ScenarioOutcome>> rounds) {
    return rounds.stream().map(r -> r.get(0)).toList();
  }

  /**
   * Starts the arm's server, waits until it is ready, runs every scenario against it and stops it,
   * whatever happens; {@code suffix} names the round's logs ({@code 03-start<suffix>.log} …).
   */
  private List<ScenarioOutcome> round(
      Job job, RepoConfig config, Workspace ws, Commands commands, Arm arm, String suffix) {
    current = arm;
    setStep("start");
    Path startLog = ws.log("03-start" + suffix + ".log");
    Commands roundCommands = commands.with(Map.of("MURM_START_LOG", startLog.toString()));
    ProcessGroup server =
        roundCommands.spawn(
            pinServer(List.of("bash", "-c", config.start())), arm.checkout(), startLog);
    try {
      awaitReady(
          config, arm, ws.log("04-ready" + suffix + ".log"), startLog, roundCommands, server);
      List<ScenarioOutcome> outcomes = new ArrayList<>();
      for (int i = 0; i < config.scenarios().size(); i++) {
        outcomes.add(runScenario(job, config, i, ws, roundCommands, arm, suffix));
      }
      return outcomes;
    } finally {
      stopServer(config, arm, ws.log("06-stop" + suffix + ".log"), server, roundCommands);
    }
  }

  private void setStep(String what) {
    step = stepPrefix + what;
  }

  private JobResult cancelledResult() {
    return new JobResult(
        "cancelled", "cancelled", "The job was cancelled during " + step + ".", null);
  }

  /** The operator's file when there is one, else the repository's on its default branch. */
  private RepoConfig readConfig(
      Job job, Workspace ws, Commands commands, Path log, Map<String, String> vars) {
    if (settings.operatorConfigs() != null) {
      Path file =
          settings.operatorConfigs().resolve(PayloadValues.repo("job.repo", job.repo()) + ".conf");
      if (Files.isRegularFile(file)) {
        Commands.note(log, "configuration: the operator's " + file);
        try {
          return RepoConfig.parse(
              Files.readString(file, StandardCharsets.UTF_8), file.toString(), vars);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    if (job.defaultBranch() == null) {
      throw new RepoConfig.Invalid(
          "the job names no default branch to read the configuration from");
    }
    String text = ws.configOnDefaultBranch(job, commands, log, deadline(settings.fetchTimeout()));
    if (text == null) {
      return null;
    }
    Commands.note(log, "configuration: " + RepoConfig.PATH + " on " + job.defaultBranch());
    return RepoConfig.parse(text, RepoConfig.PATH + " (" + job.defaultBranch() + ")", vars);
  }

  private void build(RepoConfig config, Arm arm, Path log, Commands commands) {
    current = arm;
    setStep(arm.name() == null ? "build" : "build " + arm.name());
    if (config.build() == null) {
      Commands.note(log, "no build command configured");
      return;
    }
    Integer status =
        commands.run(
            List.of("bash", "-c", config.build()),
            arm.checkout(),
            log,
            null,
            deadline(config.buildTimeout()));
    if (status == null) {
      throw new StepFailed(
          "build", "build did not finish within " + Durations.text(config.buildTimeout()), log);
    }
    if (status != 0) {
      throw new StepFailed("build", "build failed (exit status " + status + ")", log);
    }
  }

  /**
   * Polls {@code ready.tcp} (a TCP connect) or {@code ready.command} (exit 0) every 250 ms until it
   * holds; fails when the server exits first or the time runs out.
   */
  private void awaitReady(
      RepoConfig config, Arm arm, Path log, Path startLog, Commands commands, ProcessGroup server) {
    setStep("ready");
    RepoConfig.Ready ready = config.ready();
    long deadline = deadline(ready.timeout());
    Commands.note(
        log,
        ready.tcp() != null
            ? "waiting for " + ready.tcp() + " to accept TCP connections"
            : "waiting for the ready command to exit 0");
    while (true) {
      commands.checkCancelled();
      if (!server.leaderAlive()) {
        throw new StepFailed(
            "start", "the server exited while starting (see the start log)", startLog);
      }
      boolean holds;
      if (ready.tcp() != null) {
        holds = tcpAccepts(ready.tcp());
      } else {
        long attempt = Math.min(deadline, deadline(Duration.ofSeconds(10)));
        Integer status =
            commands.run(
                List.of("bash", "-c", ready.command()), arm.checkout(), log, null, attempt);
        holds = status != null && status == 0;
      }
      if (holds) {
        Commands.note(log, "ready");
        return;
      }
      if (System.nanoTime() > deadline) {
        Commands.note(log, "not ready within " + Durations.text(ready.timeout()));
        throw new StepFailed(
            "ready",
            "server did not become ready within " + Durations.text(ready.timeout()),
            startLog);
      }
      sleep(250);
    }
  }

  private ScenarioOutcome runScenario(
      Job job,
      RepoConfig config,
      int index,
      Workspace ws,
      Commands commands,
      Arm arm,
      String suffix) {
    RepoConfig.ScenarioRun run = config.scenarios().get(index);
    setStep("scenario " + run.scenario());
    Path log = ws.log(String.format("05-run%s-%d-%s.log", suffix, index + 1, run.scenario()));
    String runId = RunnerCommand.runId(job, run.scenario(), suffix, index);
    Path runFolder = arm.runs().resolve(runId);
    Integer status;
    if (settings.coordinator() != null) {
      status =
          new CoordinatorRunner(settings.coordinator(), () -> cancelled, step, log)
              .run(
                  run.scenario(),
                  RunnerCommand.options(job, config, run, runId, arm.commit(), arm.name()),
                  run.params(),
                  runFolder,
                  deadline(run.timeout()));
    } else {
      List<String> command =
          RunnerCommand.of(
              job, config, run, arm.runs(), runId, settings.influxUrl(), arm.commit(), arm.name());
      if (settings.cpus() != null) {
        command = settings.cpus().runner(command);
      }
      Map<String, String> influx = new HashMap<>();
      for (String name : List.of("MURM_INFLUX_USER", "MURM_INFLUX_PASSWORD")) {
        if (System.getenv(name) != null) {
          influx.put(name, System.getenv(name));
        }
      }
      status = commands.with(influx).run(command, ws.dir, log, null, deadline(run.timeout()));
    }
    return ScenarioOutcome.read(run, status, log, runFolder);
  }

  /**
   * The {@code stop} command when configured, then SIGTERM (and SIGKILL after {@code stop-timeout})
   * to whatever of the start command's group still runs. Runs also when the job was cancelled.
   */
  private void stopServer(
      RepoConfig config, Arm arm, Path log, ProcessGroup server, Commands commands) {
    Duration grace = config == null ? Duration.ofSeconds(30) : config.stopTimeout();
    try {
      if (config != null && config.stop() != null && server.leaderAlive()) {
        commands
            .uncancellable()
            .run(List.of("bash", "-c", config.stop()), arm.checkout(), log, null, deadline(grace));
        server.awaitGone(grace);
      }
    } finally {
      server.stop(grace);
      Commands.note(log, server.anyAlive() ? "server still running" : "server stopped");
    }
  }

  /** The commands' environment: the passed-on variables of the service, plus {@code vars}. */
  private Map<String, String> environment(Map<String, String> vars) {
    Map<String, String> env = new HashMap<>();
    for (String name : PASSED_ENV) {
      String value = System.getenv(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.putAll(vars);
    return env;
  }

  private static boolean tcpAccepts(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    try (Socket s = new Socket()) {
      s.connect(
          new InetSocketAddress(
              hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
          1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Two loopback ports nothing listens on right now: the server's c2s and HTTP. */
  private static int[] freePorts() {
    try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new int[] {a.getLocalPort(), b.getLocalPort()};
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free loopback port", e);
    }
  }

  private static long deadline(Duration d) {
    return System.nanoTime() + d.toNanos();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted");
    }
  }
}
