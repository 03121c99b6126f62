package io.murmuration.cli;

import io.murmuration.accounts.Accounts;
import io.murmuration.accounts.EjabberdHttpApi;
import io.murmuration.cluster.ClusterConfig;
import io.murmuration.cluster.ClusterRun;
import io.murmuration.cluster.CoordinatorNode;
import io.murmuration.cluster.NodeSample;
import io.murmuration.cluster.RunCoordinator;
import io.murmuration.engine.Preflight;
import io.murmuration.engine.Run;
import io.murmuration.engine.RunControl;
import io.murmuration.engine.RunController;
import io.murmuration.engine.RunPlan;
import io.murmuration.engine.SetupRefused;
import io.murmuration.influx.InfluxSink;
import io.murmuration.influx.NodePoint;
import io.murmuration.metrics.Metrics;
import io.murmuration.metrics.MetricsReporter;
import io.murmuration.metrics.RunInfo;
import io.murmuration.results.ExitCode;
import io.murmuration.results.GrafanaLink;
import io.murmuration.results.RunId;
import io.murmuration.results.Summary;
import io.murmuration.xmpp.XmppTransport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one load test from settings to exit code: the scenario's init (a refusal, or a push app
 * server it cannot connect, is a setup error before the run folder exists), accounts, preflight,
 * the run with its live view, the run folder, the summary on the console, the assertions. Ctrl-C
 * stops the run gracefully and still writes the run folder.
 */
final class Execution {
  private final RunSettings settings;
  private final PrintStream out;

  /** The cluster node of a long-lived coordinator ({@code murm coordinator}), or null. */
  private final CoordinatorNode node;

  /** Live numbers for the control API's status; set once the run is measured. */
  private volatile Metrics metrics;

  private volatile RunControl control;

  /** Where the run's points go, once writing to InfluxDB started; else null. */
  private volatile InfluxSink influx;

  Execution(RunSettings settings, PrintStream out) {
    this(settings, out, null);
  }

  /** A run on {@code node}'s workers when it has {@code --nodes}. */
  Execution(RunSettings settings, PrintStream out, CoordinatorNode node) {
    this.settings = settings;
    this.out = out;
    this.node = node;
  }

  /** The run's metrics once it started, else null. */
  Metrics metrics() {
    return metrics;
  }

  /** The run's verbs once it started, else null. */
  RunControl control() {
    return control;
  }

  ExitCode execute() throws IOException, InterruptedException {
    String runId =
        settings.runId() != null ? settings.runId() : RunId.next(settings.scenario().name());
    Metrics metrics =
        new Metrics(settings.xmpp().transport().wires().stream().map(w -> w.flag()).toList());
    this.metrics = metrics;
    if (settings.cluster() != null) {
      Map<String, Double> throttles;
      try {
        throttles = Run.declare(plan(runId, null, metrics));
      } catch (SetupRefused | IllegalArgumentException e) { // see Scenario.init
        throw new SetupException(e.getMessage(), e);
      }
      prepareAccounts();
      CoordinatorNode cluster =
          node != null
              ? node
              : CoordinatorNode.start(settings.cluster().bind(), settings.cluster().tls());
      try {
        ClusterRun run = startCluster(cluster, runId, metrics, throttles);
        return measure(runId, metrics, () -> new Started(run, clusterOutcome(run), run::close));
      } finally {
        if (cluster != node) {
          cluster.close();
        }
      }
    }
    try (XmppTransport transport = XmppTransport.create(settings.xmpp())) {
      Run.Prepared prepared;
      try {
        prepared = Run.prepare(plan(runId, transport, metrics));
      } catch (SetupRefused | IllegalArgumentException e) { // see Scenario.init
        throw new SetupException(e.getMessage(), e);
      }
      try (prepared) {
        prepareAccounts();
        try {
          Preflight.check(
              settings.xmpp(), transport, settings.accounts(), settings.load().firstUserId());
        } catch (IllegalStateException e) {
          throw new SetupException(e.getMessage(), e);
        }
        return measure(
            runId,
            metrics,
            () -> {
              Run run = prepared.start(1);
              return new Started(
                  run, run.outcome().thenApply(o -> new Ended(o, List.of())), run::close);
            });
      }
    }
  }

  private RunPlan plan(String runId, XmppTransport transport, Metrics metrics) {
    return new RunPlan(
        runId,
        settings.scenario(),
        settings.params(),
        settings.load(),
        settings.accounts(),
        settings.xmpp(),
        transport,
        metrics,
        settings.runsDir().resolve(runId));
  }

  /** A run under way: its verbs, its end, and what to close after it. */
  private record Started(RunControl control, CompletionStage<Ended> ended, Runnable close) {}

  /** How a run ended, and its worker nodes when it ran on a cluster. */
  private record Ended(RunController.Outcome outcome, List<Summary.Node> nodes) {}

  /**
   * Starts this process as the coordinator of a run over worker nodes (the scenario's metrics
   * declared here, with {@code throttles} at their run-wide rates): waits for the workers and gives
   * them their users.
   */
  private ClusterRun startCluster(
      CoordinatorNode node, String runId, Metrics metrics, Map<String, Double> throttles)
      throws InterruptedException {
    ClusterOptions.ClusterSettings cluster = settings.cluster();
    RunCoordinator.Plan plan =
        new RunCoordinator.Plan(
            runId,
            settings.scenario().name(),
            settings.nodeSettings(),
            settings.params().asText(),
            settings.load(),
            throttles,
            cluster.nodes(),
            cluster.tolerateNodeLoss());
    out.printf(
        "coordinator on %s: waiting up to %ds for %d worker nodes (murm node --seed %s:%d)%n",
        ClusterConfig.address(node.bind()),
        cluster.waitForNodes().toSeconds(),
        cluster.nodes(),
        node.bind().getHostString(),
        node.bind().getPort());
    try {
      ClusterRun run =
          ClusterRun.start(
              node, plan, metrics, this::toInflux, settings.params(), cluster.waitForNodes());
      out.println("cluster: " + run.assignment());
      return run;
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new SetupException(e.getMessage(), e);
    }
  }

  /** A worker's sample as a {@code node} point, when the run writes to InfluxDB. */
  private void toInflux(String worker, Metrics.Snapshot s, NodeSample sample) {
    InfluxSink sink = influx;
    if (sink == null) {
      return;
    }
    sink.onNode(
        new NodePoint(
            worker,
            System.currentTimeMillis(),
            s.usersConnected(),
            s.sent(),
            s.received() + s.late(),
            p99(s.histogram(Metrics.Timer.TTD)),
            p99(s.histogram(Metrics.Timer.LAG)),
            sample.cpuCores(),
            sample.rssMib()));
  }

  private static Double p99(org.HdrHistogram.Histogram nanos) {
    return nanos.getTotalCount() == 0 ? null : Summary.ms(nanos.getValueAtPercentile(99));
  }

  private static CompletionStage<Ended> clusterOutcome(ClusterRun run) {
    return run.result().thenApply(r -> new Ended(r.outcome(), r.nodes()));
  }

  /**
   * Measures a run from its start to its summary: the run folder, the live view, InfluxDB, the
   * console summary and the assertions.
   */
  private ExitCode measure(String runId, Metrics metrics, StartRun start)
      throws IOException, InterruptedException {
    Path runDir = settings.runsDir().resolve(runId);
    RunInfo info = settings.info(runId);
    out.printf(
        "run %s: %s, %d users at %s users/s%s against %s%n",
        runId,
        settings.scenario().name(),
        settings.load().users(),
        trim(settings.load().arrivalRate()),
        settings.load().duration() == null
            ? ""
            : " for " + settings.load().duration().toSeconds() + "s",
        info.target());
    try (MetricsReporter reporter =
        new MetricsReporter(
            metrics, runDir, info, settings.reportInterval(), settings.quiet() ? null : out)) {
      InfluxSink influx = startInflux(info, runDir, reporter);
      this.influx = influx;
      Summary summary = runAndSummarise(start, reporter, influx);
      return conclude(summary, runDir);
    }
  }

  /** Starts the users (called once the reporter is sampling). */
  @FunctionalInterface
  private interface StartRun {
    Started start();
  }

  /**
   * Runs the users; Ctrl-C stops the run gracefully. An exception leaves the reporter to close as
   * failed.
   */
  private Summary runAndSummarise(StartRun start, MetricsReporter reporter, InfluxSink influx)
      throws IOException, InterruptedException {
    Started run = start.start();
    control = run.control();
    CountDownLatch written = new CountDownLatch(1);
    Thread onCtrlC =
        new Thread(
            () -> stopAndWait(run.control(), written, reporter.runDir()), "murmuration-ctrl-c");
    Runtime.getRuntime().addShutdownHook(onCtrlC);
    ControlInput.startIfInteractive(run.control(), out);
    Ended ended;
    try {
      ended = await(run);
    } finally {
      run.close().run();
    }
    Summary summary = null;
    try {
      summary =
          reporter.finish(
              ended.outcome().state() == RunController.State.FINISHED
                  ? Summary.FINISHED
                  : Summary.FAILED,
              ended.outcome().failure(),
              settings.assertions(),
              ended.nodes());
      return summary;
    } finally {
      if (influx != null) {
        finishInflux(
            influx,
            summary != null ? summary : reporter.finish(Summary.FAILED, "interrupted", List.of()),
            reporter.runDir());
      }
      written.countDown();
      removeHook(onCtrlC);
    }
  }

  /** Waits for the run's end; past its time, stops it and waits 30 s more. */
  private Ended await(Started run) throws InterruptedException {
    CompletableFuture<Ended> ended = run.ended().toCompletableFuture();
    try {
      return ended.get(settings.maxTime().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      run.control().stop("did not end within " + settings.maxTime().toSeconds() + "s");
      try {
        return ended.get(30, TimeUnit.SECONDS);
      } catch (TimeoutException again) {
        return new Ended(
            new RunController.Outcome(
                RunController.State.FAILED, "the run did not stop within its grace time"),
            List.of());
      } catch (ExecutionException ee) {
        throw new IllegalStateException(ee.getCause());
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Starts writing to InfluxDB when configured; says in one line where to, or why it cannot (the
   * run goes on, its points kept in the run folder). Prints the Grafana link when configured.
   */
  private InfluxSink startInflux(RunInfo info, Path runDir, MetricsReporter reporter) {
    RunOutput output = settings.output();
    if (output.grafana() != null) {
      out.println(
          "grafana: " + GrafanaLink.run(output.grafana(), info.runId(), info.startedAt(), null));
    }
    if (output.influx() == null) {
      return null;
    }
    InfluxSink sink =
        InfluxSink.start(
            output.influx(),
            output.tags(),
            info,
            runDir,
            settings.reportInterval(),
            line -> out.println("influx: " + line));
    if (sink.problemAtStart() != null) {
      out.println("influx: " + sink.problemAtStart());
    } else {
      out.println("influx: writing to " + output.influx());
    }
    reporter.addListener(sink);
    return sink;
  }

  private void finishInflux(InfluxSink sink, Summary summary, Path runDir) {
    InfluxSink.Result result = sink.finish(summary);
    if (result.kept() == 0) {
      out.printf("influx: %d points written%n", result.written());
    } else {
      out.printf(
          "influx: %d points written, %d kept in %s: send them with murm influx push %s%n",
          result.written(), result.kept(), result.spoolFile(), runDir);
    }
  }

  private void prepareAccounts() {
    Accounts accounts = settings.accounts();
    if (accounts.mode() != Accounts.Mode.HTTP_API) {
      return;
    }
    int users = settings.load().users();
    out.printf("registering %d accounts through %s%n", users, accounts.httpApi());
    try (EjabberdHttpApi api = new EjabberdHttpApi(accounts.httpApi())) {
      long started = System.nanoTime();
      EjabberdHttpApi.Registered done =
          api.register(accounts, settings.xmpp().domain(), settings.load().firstUserId(), users);
      out.printf(
          "accounts: %d created, %d existed already, in %.1fs%n",
          done.created(), done.existing(), (System.nanoTime() - started) / 1e9);
    } catch (IllegalStateException e) { // the API refused or could not be reached
      throw new SetupException(e.getMessage(), e);
    }
  }

  /** On Ctrl-C: stop the run (drain, log out) and hold the JVM until the run folder is written. */
  private void stopAndWait(RunControl run, CountDownLatch written, Path runDir) {
    run.stop("interrupted (Ctrl-C)");
    try {
      if (written.await(60, TimeUnit.SECONDS)) {
        out.println("\ninterrupted; run folder: " + runDir.toAbsolutePath());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down
    }
  }

  private ExitCode conclude(Summary summary, Path runDir) {
    out.println();
    out.println(SummaryText.render(summary));
    out.println("run folder: " + runDir.toAbsolutePath());
    out.println("report:     " + runDir.resolve(MetricsReporter.REPORT_FILE).toAbsolutePath());
    if (settings.output().grafana() != null) {
      out.println(
          "grafana:    "
              + GrafanaLink.run(
                  settings.output().grafana(),
                  summary.runId(),
                  summary.startedAt(),
                  summary.endedAt()));
    }
    for (Summary.AssertionOutcome a : summary.assertions()) {
      out.printf(
          "assert %-32s %s (measured %s)%n",
          a.expression(),
          a.passed() ? "PASS" : "FAIL",
          a.measured() == null ? "not measured" : trim(a.measured()));
    }
    if (Summary.FAILED.equals(summary.state())) {
      out.println("run failed: " + summary.failure());
    }
    return ExitCode.of(summary.exit().code());
  }

  static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : String.format("%.3f", d);
  }
}
