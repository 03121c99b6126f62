package io.murmuration.cluster;

import com.typesafe.config.Config;
import io.murmuration.engine.Run;
import io.murmuration.engine.RunControl;
import io.murmuration.metrics.Metrics;
import io.murmuration.scenario.ParamValues;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * A run spread over worker nodes, as its coordinator holds it: the same verbs as a {@link Run} in
 * one process. {@link #start} starts this process's cluster node (role coordinator, first seed) and
 * returns once the planned workers have joined and been given their users.
 */
public final class ClusterRun implements RunControl, AutoCloseable {
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

  private final ActorSystem<RunCoordinator.Command> system;
  private final CompletableFuture<RunCoordinator.Result> result;
  private final ParamValues params;
  private final String assignment;

  private ClusterRun(
      ActorSystem<RunCoordinator.Command> system,
      CompletableFuture<RunCoordinator.Result> result,
      ParamValues params,
      String assignment) {
    this.system = system;
    this.result = result;
    this.params = params;
    this.assignment = assignment;
  }

  /**
   * Starts the coordinator on {@code bind} and waits up to {@code wait} for {@code plan.nodes()}
   * workers.
   *
   * @param tls the transport settings from {@link ClusterTls}, or null for plain TCP
   * @param params the run's parameter values, which {@link #setParam} checks before sending
   * @throws IllegalStateException when too few workers joined in time (one line, naming the fix)
   */
  public static ClusterRun start(
      RunCoordinator.Plan plan,
      Metrics metrics,
      ParamValues params,
      InetSocketAddress bind,
      Config tls,
      Duration wait)
      throws InterruptedException {
    Config config =
        ClusterConfig.of(bind, List.of(bind), ClusterConfig.COORDINATOR_ROLE, Run.pekkoConfig());
    if (tls != null) {
      config = tls.withFallback(config);
    }
    CompletableFuture<String> assigned = new CompletableFuture<>();
    CompletableFuture<RunCoordinator.Result> result = new CompletableFuture<>();
    ActorSystem<RunCoordinator.Command> system =
        ActorSystem.create(
            RunCoordinator.create(plan, metrics, assigned, result), ClusterConfig.SYSTEM, config);
    try {
      String assignment = assigned.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return new ClusterRun(system, result, params, assignment);
    } catch (TimeoutException e) {
      terminate(system);
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
      terminate(system);
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
      return AskPattern.ask(system, verb::apply, ASK_TIMEOUT, system.scheduler())
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

  /** Leaves the cluster (the workers end with it) and waits for this node to stop. */
  @Override
  public void close() {
    terminate(system);
  }

  private static void terminate(ActorSystem<?> system) {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the JVM exit takes care of what is left
    }
  }
}
