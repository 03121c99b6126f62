package io.murmuration.cli;

import io.murmuration.cluster.NodeSample;
import io.murmuration.cluster.WorkerNode;
import io.murmuration.engine.Preflight;
import io.murmuration.engine.Run;
import io.murmuration.engine.RunController;
import io.murmuration.engine.RunPlan;
import io.murmuration.metrics.Metrics;
import io.murmuration.metrics.MetricsReporter;
import io.murmuration.metrics.RunInfo;
import io.murmuration.results.RunId;
import io.murmuration.results.Summary;
import io.murmuration.xmpp.XmppTransport;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A worker node's part of a run: the coordinator's definition read back through {@code murm run}'s
 * own options (so a worker checks its settings exactly as a local run would), a preflight login,
 * then a quiet local run of its slice whose reporter streams each interval to the coordinator and
 * leaves a run folder of the node's own ({@code RUNS/RUN-ID/node-HOST-PORT}).
 */
final class NodeExecution implements WorkerNode.Runner {

  private final Path runsDir;
  private final PrintStream out;

  /** The part being played, if any, and its end. */
  private volatile Run current;

  private volatile CompletableFuture<Void> ended = CompletableFuture.completedFuture(null);

  NodeExecution(Path runsDir, PrintStream out) {
    this.runsDir = runsDir;
    this.out = out;
  }

  @Override
  public WorkerNode.Outcome run(
      WorkerNode.Assign assign, String node, Consumer<Run> started, Consumer<NodeSample> samples) {
    CompletableFuture<Void> end = new CompletableFuture<>();
    ended = end;
    try {
      return play(assign, node, started, samples);
    } finally {
      current = null;
      end.complete(null);
    }
  }

  /**
   * Stops the part being played, if any, and waits up to {@code grace} for its users to drain and
   * log out and its run folder to be written: what a node does when its cluster is gone.
   */
  void stopAndWait(String reason, Duration grace) throws InterruptedException {
    Run run = current;
    if (run != null) {
      run.stop(reason);
    }
    try {
      ended.get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      out.println("the run did not end within " + grace.toSeconds() + "s");
    }
  }

  private WorkerNode.Outcome play(
      WorkerNode.Assign assign, String node, Consumer<Run> started, Consumer<NodeSample> samples) {
    if (!RunId.isValid(assign.runId())) { // it names this node's run folder
      return failed(node, "'" + assign.runId() + "' is not a run id");
    }
    RunSettings settings;
    try {
      settings = settings(assign);
    } catch (IllegalArgumentException e) {
      return failed(node, "cannot use the run's settings: " + e.getMessage());
    }
    WorkerNode.Slice slice = assign.slice();
    out.printf(
        "run %s: users %d-%d%n",
        assign.runId(), slice.firstUserId(), slice.firstUserId() + slice.users() - 1);
    Metrics metrics =
        new Metrics(settings.xmpp().transport().wires().stream().map(w -> w.flag()).toList());
    try (XmppTransport transport = XmppTransport.create(settings.xmpp())) {
      try {
        Preflight.check(settings.xmpp(), transport, settings.accounts(), slice.firstUserId());
      } catch (IllegalStateException e) {
        return failed(node, e.getMessage());
      }
      RunInfo info = settings.info(assign.runId());
      Path runDir = runsDir.resolve(assign.runId()).resolve("node-" + node.replace(':', '-'));
      try (MetricsReporter reporter =
          new MetricsReporter(metrics, runDir, info, settings.reportInterval(), null)) {
        reporter.addListener((point, snapshot) -> samples.accept(NodeSample.of(snapshot, point)));
        RunController.Outcome outcome;
        try (Run run =
            Run.start(
                new RunPlan(
                    assign.runId(),
                    settings.scenario(),
                    settings.params(),
                    settings.load(),
                    settings.accounts(),
                    settings.xmpp(),
                    transport,
                    metrics,
                    null), // a worker's part keeps no files of the run's: no HTTP load
                slice.rateShare())) {
          current = run;
          started.accept(run);
          outcome = run.await(settings.maxTime(), Duration.ofSeconds(30));
        }
        Summary summary =
            reporter.finish(
                outcome.state() == RunController.State.FINISHED ? Summary.FINISHED : Summary.FAILED,
                outcome.failure(),
                List.of());
        out.printf(
            "run %s: %s%s; run folder %s%n",
            assign.runId(),
            summary.state(),
            summary.failure() == null ? "" : " (" + summary.failure() + ")",
            runDir);
        return new WorkerNode.Outcome(summary.state(), summary.failure());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(node, "interrupted");
    }
  }

  private WorkerNode.Outcome failed(String node, String why) {
    out.println("run failed on this node: " + why);
    return new WorkerNode.Outcome(Summary.FAILED, why);
  }

  /**
   * The coordinator's definition as settings: its options and parameters given back to {@code murm
   * run}'s parser with the slice's users, ids and rates, none of this machine's environment or
   * config file mixed in. Only the options a worker may be given pass.
   */
  static RunSettings settings(WorkerNode.Assign assign) {
    WorkerNode.Slice slice = assign.slice();
    Map<String, String> options = new TreeMap<>(assign.settings());
    Set<String> allowed = new TreeSet<>(RunCommand.NODE_SETTINGS);
    allowed.addAll(List.of("users", "first-user", "arrival-rate", "ramp-to", "duration", "quiet"));
    for (String slices : List.of("users", "first-user", "arrival-rate", "ramp-to", "duration")) {
      if (options.containsKey(slices)) {
        throw new IllegalArgumentException(
            "a worker's slice sets --" + slices + ", not its settings");
      }
    }
    options.put("quiet", "true");
    options.put("users", Integer.toString(slice.users()));
    options.put("first-user", Integer.toString(slice.firstUserId()));
    options.put("arrival-rate", Double.toString(slice.arrivalRate()));
    if (slice.rampTo() > 0) {
      options.put("ramp-to", Double.toString(slice.rampTo()));
    }
    if (slice.durationMs() > 0) {
      options.put("duration", slice.durationMs() + "ms");
    }
    return RunCommand.fromDefinition(assign.scenario(), options, assign.params(), allowed);
  }
}
