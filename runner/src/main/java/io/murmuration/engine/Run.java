package io.murmuration.engine;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A running load test: the handle the CLI (and tests) hold. {@link #start} runs the scenario's
 * {@code init} (its metrics declared then, and no later), then starts an actor system whose
 * guardian is the {@link RunController}. The run-time verbs (add and remove users, change a
 * throttle or a parameter, stop) are the same ones a cluster will offer.
 */
public final class Run implements AutoCloseable {
  private final RunPlan plan;
  private final List<String> throttles;
  private final ActorSystem<RunController.Command> system;
  private final CompletableFuture<RunController.Outcome> outcome;
  private final PreciseTimer timer;

  private Run(
      RunPlan plan,
      List<String> throttles,
      ActorSystem<RunController.Command> system,
      CompletableFuture<RunController.Outcome> outcome,
      PreciseTimer timer) {
    this.plan = plan;
    this.throttles = throttles;
    this.system = system;
    this.outcome = outcome;
    this.timer = timer;
  }

  /** Initialises the scenario (on the calling thread) and starts the users. */
  public static Run start(RunPlan plan) {
    ScenarioSetup setup = new ScenarioSetup(plan);
    plan.scenario().init(setup);
    plan.metrics().freezeDeclarations();
    CompletableFuture<RunController.Outcome> outcome = new CompletableFuture<>();
    PreciseTimer timer = new PreciseTimer();
    ActorSystem<RunController.Command> system =
        ActorSystem.create(
            RunController.create(plan, setup, timer, outcome), "murmuration", pekkoConfig());
    system.tell(RunController.Start.INSTANCE);
    return new Run(plan, List.copyOf(setup.throttles().keySet()), system, outcome, timer);
  }

  static Config pekkoConfig() {
    return ConfigFactory.parseResources("io/murmuration/engine/pekko.conf")
        .withFallback(ConfigFactory.load());
  }

  public RunPlan plan() {
    return plan;
  }

  /** Completes when the run has finished or failed. */
  public CompletionStage<RunController.Outcome> outcome() {
    return outcome;
  }

  /** Waits for the outcome; on timeout, stops the run and waits {@code grace} more. */
  public RunController.Outcome await(Duration timeout, Duration grace) throws InterruptedException {
    try {
      return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      stop("did not end within " + timeout.toSeconds() + "s");
      try {
        return outcome.get(grace.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException again) {
        return new RunController.Outcome(
            RunController.State.FAILED, "the run did not stop within its grace time");
      } catch (ExecutionException ee) {
        throw new IllegalStateException(ee.getCause());
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  public void addUsers(int count, double perSecond) {
    system.tell(new RunController.AddUsers(count, perSecond));
  }

  public void removeUsers(int count) {
    system.tell(new RunController.RemoveUsers(count));
  }

  /**
   * Changes the rate of a throttle the scenario declared; throws with a clear message for any other
   * name or a negative rate.
   */
  public void throttle(String name, double perSecond) {
    if (!throttles.contains(name)) {
      throw new IllegalArgumentException(
          "unknown throttle '"
              + name
              + "': "
              + (throttles.isEmpty()
                  ? "scenario " + plan.scenario().name() + " declares none"
                  : "use one the scenario declares: " + String.join(", ", throttles)));
    }
    if (perSecond < 0) {
      throw new IllegalArgumentException(
          "throttle " + name + ": rate must be 0 (no limit) or more, not " + perSecond);
    }
    system.tell(new RunController.SetThrottle(name, perSecond));
  }

  /** Changes a changeable scenario parameter; throws with a clear message when it cannot. */
  public void setParam(String name, String value) {
    plan.params().set(name, value);
  }

  public void stop(String reason) {
    system.tell(new RunController.Stop(reason));
  }

  /** Terminates the actor system (ending any user left) and waits for it. */
  @Override
  public void close() {
    timer.close();
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the JVM exit takes care of what is left
    }
  }
}
