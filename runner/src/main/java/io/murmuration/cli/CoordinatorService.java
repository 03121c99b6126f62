package io.murmuration.cli;

import io.murmuration.cluster.ClusterConfig;
import io.murmuration.cluster.CoordinatorNode;
import io.murmuration.control.Control;
import io.murmuration.engine.RunControl;
import io.murmuration.influx.RunTags;
import io.murmuration.metrics.Metrics;
import io.murmuration.results.ExitCode;
import io.murmuration.results.RunId;
import io.murmuration.results.Summary;
import io.murmuration.scenario.Param;
import io.murmuration.scenario.Scenario;
import io.murmuration.scenario.ScenarioCatalog;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@link Control} for {@code murm coordinator}: runs start from definitions (read through {@code
 * murm run}'s parser) on this coordinator's workers, one at a time, each on a thread of its own;
 * the run verbs go to the run under way. Run folders go to the coordinator's runs folder.
 */
final class CoordinatorService implements Control {

  /** The options a run started through the API may set. */
  static final Set<String> START_SETTINGS;

  static {
    Set<String> s = new TreeSet<>(RunCommand.NODE_SETTINGS);
    s.addAll(
        List.of(
            "users",
            "first-user",
            "arrival-rate",
            "ramp-to",
            "duration",
            "nodes",
            "nodes-wait",
            "tolerate-node-loss",
            "assert",
            "run-id",
            "tag"));
    START_SETTINGS = Set.copyOf(s);
  }

  private final CoordinatorNode node;
  private final Path runsDir;
  private final RunOutput output;
  private final PrintStream out;

  /** The run under way or the last one; guarded by {@code this}. */
  private Execution execution;

  private RunSettings settings;
  private String runId;
  private Thread thread;
  private Summary last;
  private String failedToStart;

  CoordinatorService(CoordinatorNode node, Path runsDir, RunOutput output, PrintStream out) {
    this.node = node;
    this.runsDir = runsDir;
    this.output = output;
    this.out = out;
  }

  @Override
  public synchronized Status status() {
    boolean running = thread != null && thread.isAlive();
    return new Status(running ? "running" : "idle", runStatus(running), workers());
  }

  private RunStatus runStatus(boolean running) {
    if (runId == null) {
      return null;
    }
    Metrics m = execution == null ? null : execution.metrics();
    String state =
        running
            ? (execution.control() == null ? "starting" : "running")
            : last != null ? last.state() : Summary.FAILED;
    return new RunStatus(
        runId,
        settings.scenario().name(),
        state,
        running ? null : last != null ? last.failure() : failedToStart,
        running ? null : last != null ? last.exit().code() : ExitCode.SETUP_ERROR.code,
        m == null ? 0 : m.connected(),
        m == null ? 0 : m.sent(),
        m == null ? 0 : m.delivered());
  }

  private int workers() {
    return (int)
        node.members().stream().filter(m -> m.roles().contains(ClusterConfig.WORKER_ROLE)).count();
  }

  @Override
  public List<CoordinatorNode.MemberInfo> nodes() {
    return node.members();
  }

  @Override
  public List<ScenarioInfo> scenarios() {
    return ScenarioCatalog.load().all().stream().map(CoordinatorService::info).toList();
  }

  private static ScenarioInfo info(Scenario s) {
    return new ScenarioInfo(
        s.name(),
        s.description(),
        s.params().stream()
            .map(
                (Param<?> p) ->
                    new ParamInfo(
                        p.name(),
                        p.type(),
                        p.show(p.defaultValue()),
                        p.description(),
                        p.isChangeable()))
            .toList());
  }

  @Override
  public synchronized Answer start(StartRequest request) {
    if (thread != null && thread.isAlive()) {
      return Answer.refused("run " + runId + " is under way: stop it first (POST /execution/stop)");
    }
    Map<String, String> options = new TreeMap<>(request.settings());
    if (!options.containsKey("nodes")) {
      int workers = workers();
      if (workers == 0) {
        return Answer.refused(
            "no worker node has joined: start one with murm node --seed "
                + node.bind().getHostString()
                + ":"
                + node.bind().getPort());
      }
      options.put("nodes", Integer.toString(workers));
    }
    String id = options.computeIfAbsent("run-id", k -> RunId.next(request.scenario()));
    options.put("quiet", "true");
    RunSettings s;
    try {
      s =
          RunCommand.fromDefinition(
              request.scenario(), options, request.params(), withQuiet(START_SETTINGS));
    } catch (IllegalArgumentException | IllegalStateException e) {
      return Answer.refused(e.getMessage());
    }
    if (s.cluster() == null) {
      return Answer.refused("nodes: give 1 or more; a coordinator runs no users itself");
    }
    RunTags tags = s.output().tags();
    for (Map.Entry<String, String> t : output.tags().values().entrySet()) {
      tags = tags.withDefault(t.getKey(), t.getValue());
    }
    RunSettings run = s.withOutput(runsDir, new RunOutput(output.influx(), tags, output.grafana()));
    Execution e = new Execution(run, out, node);
    execution = e;
    settings = run;
    runId = id;
    last = null;
    failedToStart = null;
    thread = new Thread(() -> execute(e, id), "murmuration-run-" + id);
    thread.setDaemon(true);
    thread.start();
    return Answer.accepted("run " + id + " starting on " + s.cluster().nodes() + " nodes");
  }

  private static Set<String> withQuiet(Set<String> allowed) {
    Set<String> all = new TreeSet<>(allowed);
    all.add("quiet");
    return all;
  }

  private void execute(Execution e, String id) {
    try {
      e.execute();
      Summary s = Summary.read(runsDir.resolve(id).resolve(Summary.FILE));
      synchronized (this) {
        last = s;
      }
    } catch (IOException | RuntimeException ex) {
      out.println("run " + id + " failed: " + ex.getMessage());
      synchronized (this) {
        failedToStart = ex.getMessage();
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized RunControl current() {
    return thread != null && thread.isAlive() && execution.control() != null
        ? execution.control()
        : null;
  }

  private Answer noRun() {
    return Answer.refused("no run is under way: start one with POST /execution/start");
  }

  @Override
  public Answer addUsers(int count, double perSecond) {
    RunControl run = current();
    return run == null ? noRun() : run.addUsers(count, perSecond);
  }

  @Override
  public Answer removeUsers(int count) {
    RunControl run = current();
    return run == null ? noRun() : run.removeUsers(count);
  }

  @Override
  public Answer throttle(String name, double perSecond) {
    RunControl run = current();
    return run == null ? noRun() : run.throttle(name, perSecond);
  }

  @Override
  public Answer setParam(String name, String value) {
    RunControl run = current();
    return run == null ? noRun() : run.setParam(name, value);
  }

  @Override
  public Answer stop(String reason) {
    RunControl run = current();
    return run == null ? noRun() : run.stop(reason);
  }

  @Override
  public String summary(String id) {
    if (!RunId.isValid(id)) {
      return null;
    }
    Path file = runsDir.resolve(id).resolve(Summary.FILE);
    try {
      return Files.isRegularFile(file) ? Files.readString(file) : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
