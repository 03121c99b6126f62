package io.murmuration.cluster;

import io.murmuration.engine.RunControl;
import io.murmuration.metrics.Metrics;
import io.murmuration.scenario.ParamValues;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * A run spread over worker nodes, as its coordinator holds it: the same verbs as a {@link Run} in
 * one process. {@link #start} starts this process's cluster node (role coordinator, first seed) and
 * returns once the planned workers have joined and been given their users.
 */
public final class ClusterRun implements RunControl, AutoCloseable {
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

  private final CoordinatorNode node;
  private final ActorRef<RunCoordinator.Command> coordinator;
  private final CompletableFuture<RunCoordinator.Result> result;
  private final ParamValues params;
  private final String assignment;

  private ClusterRun(
      CoordinatorNode node,
      ActorRef<RunCoordinator.Command> coordinator,
      CompletableFuture<RunCoordinator.Result> result,
      ParamValues params,
      String assignment) {
    this.node = node;
    this.coordinator = coordinator;
    this.result = result;
    this.params = params;
    this.assignment = assignment;
  }

  /**
   * Starts a run on {@code node}'s workers: waits up to {@code wait} for {@code plan.nodes()} of
   * them, then gives them their users.
   *
   * @param perNode also given each worker's samples, with the worker's name
   * @param params the run's parameter values, which {@link #setParam} checks before sending
   * @throws IllegalStateException when too few workers joined in time (one line, naming the fix)
   */
  public static ClusterRun start(
      CoordinatorNode node,
      RunCoordinator.Plan plan,
      Metrics metrics,
      RunCoordinator.PerNode perNode,
      ParamValues params,
      Duration wait)
      throws InterruptedException {
    CompletableFuture<String> assigned = new CompletableFuture<>();
    CompletableFuture<RunCoordinator.Result> result = new CompletableFuture<>();
    ActorRef<RunCoordinator.Command> coordinator =
        node.spawn(
            RunCoordinator.create(plan, metrics, perNode, assigned, result), "run-" + plan.runId());
    try {
      String assignment = assigned.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return new ClusterRun(node, coordinator, result, params, assignment);
    } catch (TimeoutException e) {
      coordinator.tell(RunCoordinator.Abandon.INSTANCE);
      InetSocketAddress bind = node.bind();
      throw new IllegalStateException(
          "fewer than "
              + plan.nodes()
              + " worker nodes joined "
              + ClusterConfig.address(bind)
              + " within "
              + wait.toSeconds()
              + "s: start them with murm node --seed "
              + bind.getHostString()
              + ":"
              + bind.getPort()
              + " (or lower --nodes)");
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Which users went to which worker, as one line. */
  public String assignment() {
    return assignment;
  }

  /** Completes when every worker's part has ended or its node was lost. */
  public CompletionStage<RunCoordinator.Result> result() {
    return result;
  }

  @Override
  public Answer addUsers(int count, double perSecond) {
    return ask(r -> new RunCoordinator.AddUsers(count, perSecond, r));
  }

  @Override
  public Answer removeUsers(int count) {
    return ask(r -> new RunCoordinator.RemoveUsers(count, r));
  }

  @Override
  public Answer throttle(String name, double perSecond) {
    return ask(r -> new RunCoordinator.SetThrottle(name, perSecond, r));
  }

  /** Checked here against the run's parameters, then sent to every running worker. */
  @Override
  public Answer setParam(String name, String value) {
    try {
      params.set(name, value);
    } catch (IllegalArgumentException e) {
      return Answer.refused(e.getMessage());
    }
    return ask(r -> new RunCoordinator.SetParam(name, value, r));
  }

  @Override
  public Answer stop(String reason) {
    return ask(r -> new RunCoordinator.Stop(reason, r));
  }

  private Answer ask(Function<ActorRef<Answer>, RunCoordinator.Command> verb) {
    if (result.isDone()) {
      return Answer.refused("the run is over");
    }
    try {
      return AskPattern.ask(coordinator, verb::apply, ASK_TIMEOUT, node.system().scheduler())
          .toCompletableFuture()
          .get(ASK_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Answer.refused("interrupted");
    } catch (ExecutionException | TimeoutException e) {
      return Answer.refused(
          "the coordinator did not answer within " + ASK_TIMEOUT.toSeconds() + "s");
    }
  }

  /** Stops coordinating (when the run is over, this is a no-op); the node stays up. */
  @Override
  public void close() {
    if (!result.isDone()) {
      coordinator.tell(RunCoordinator.Abandon.INSTANCE);
    }
  }
}
