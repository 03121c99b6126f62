package io.murmuration.engine;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A running load test: the handle the CLI (and tests) hold. {@link #start} runs the scenario's
 * {@code init} (its metrics declared then, and no later; {@link #prepare} alone does only that),
 * then starts an actor system whose guardian is the {@link RunController}. The run-time verbs (add
 * and remove users, change a throttle or a parameter, stop) are the same ones a cluster will offer.
 */
public final class Run implements RunControl, AutoCloseable {
  private final RunPlan plan;
  private final ScenarioSetup setup;
  private final List<String> throttles;
  private final ActorSystem<RunController.Command> system;
  private final CompletableFuture<RunController.Outcome> outcome;
  private final PreciseTimer timer;
  private final HttpLoadProcess httpLoad;

  private Run(
      RunPlan plan,
      ScenarioSetup setup,
      ActorSystem<RunController.Command> system,
      CompletableFuture<RunController.Outcome> outcome,
      PreciseTimer timer,
      HttpLoadProcess httpLoad) {
    this.plan = plan;
    this.setup = setup;
    this.throttles = List.copyOf(setup.throttles().keySet());
    this.system = system;
    this.outcome = outcome;
    this.timer = timer;
    this.httpLoad = httpLoad;
  }

  /** Initialises the scenario (on the calling thread) and starts the users. */
  public static Run start(RunPlan plan) {
    return prepare(plan).start(1);
  }

  /**
   * Starts this runner's part of a run spread over several: the throttles the scenario declares get
   * {@code rateShare} of their rate here (the coordinator splits run-wide rates over nodes).
   */
  public static Run start(RunPlan plan, double rateShare) {
    return prepare(plan).start(rateShare);
  }

  /**
   * Runs the scenario's {@code init} on the calling thread (its metrics declared then, and no
   * later; a push app server it asks for connected) and returns what starts the users: so that a
   * run the scenario refuses ends before anything connects or a run folder is written.
   *
   * @throws IllegalArgumentException when {@code init} refuses the run (one line, naming the fix)
   * @throws SetupRefused when the run cannot start as the scenario set it up (its push app server
   *     cannot connect)
   */
  public static Prepared prepare(RunPlan plan) {
    ScenarioSetup setup = new ScenarioSetup(plan, true);
    try {
      plan.scenario().init(setup);
    } catch (RuntimeException e) {
      setup.close();
      throw e;
    }
    plan.metrics().freezeDeclarations();
    return new Prepared(plan, setup);
  }

  /**
   * A run whose scenario is initialised and whose users have not started. Close it when it will not
   * be started; once started, the {@link Run} owns what it holds.
   */
  public static final class Prepared implements AutoCloseable {
    private final RunPlan plan;
    private final ScenarioSetup setup;

    private Prepared(RunPlan plan, ScenarioSetup setup) {
      this.plan = plan;
      this.setup = setup;
    }

    /** Starts the users, the declared throttles at {@code rateShare} of their rates. */
    public Run start(double rateShare) {
      CompletableFuture<RunController.Outcome> outcome = new CompletableFuture<>();
      PreciseTimer timer = new PreciseTimer();
      ActorSystem<RunController.Command> system =
          ActorSystem.create(
              RunController.create(plan, setup, rateShare, timer, outcome),
              "murmuration",
              pekkoConfig());
      setup.onFailure(reason -> system.tell(new RunController.Stop(reason)));
      system.tell(RunController.Start.INSTANCE);
      return new Run(plan, setup, system, outcome, timer, setup.httpLoad());
    }

    @Override
    public void close() {
      setup.close();
    }
  }

  /**
   * Runs the scenario's {@code init} for a run whose users are elsewhere (a cluster's coordinator):
   * its metrics are declared into the plan's, and the throttles it declares returned, by name, with
   * their run-wide rates.
   *
   * @throws IllegalArgumentException when {@code init} refuses the run, or declares what a run over
   *     worker nodes cannot have (an HTTP load, a push app server)
   */
  public static Map<String, Double> declare(RunPlan plan) {
    ScenarioSetup setup = new ScenarioSetup(plan, false);
    plan.scenario().init(setup);
    plan.metrics().freezeDeclarations();
    return setup.throttles();
  }

  /** The engine's Pekko settings, under those of a cluster node. */
  public static Config pekkoConfig() {
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

  @Override
  public Answer addUsers(int count, double perSecond) {
    return addUsers(count, perSecond, -1);
  }

  /**
   * Adds {@code count} users with ids from {@code firstUserId} (a range a cluster's coordinator
   * assigned), or after the run's newest user when it is -1.
   */
  public Answer addUsers(int count, double perSecond, int firstUserId) {
    if (count <= 0 || !(perSecond > 0)) {
      return Answer.refused(
          "add: give a number of users and an arrival rate, both more than 0 (add 100 50)");
    }
    system.tell(new RunController.AddUsers(count, perSecond, firstUserId));
    return Answer.accepted("adding " + count + " users at " + trim(perSecond) + "/s");
  }

  @Override
  public Answer removeUsers(int count) {
    if (count <= 0) {
      return Answer.refused("remove: give a number of users more than 0 (remove 10)");
    }
    system.tell(new RunController.RemoveUsers(count));
    return Answer.accepted("removing " + count + " users");
  }

  /** Refused for a name the scenario did not declare, or a negative rate. */
  @Override
  public Answer throttle(String name, double perSecond) {
    String problem = Throttle.problem(throttles, plan.scenario().name(), name, perSecond);
    if (problem != null) {
      return Answer.refused(problem);
    }
    system.tell(new RunController.SetThrottle(name, perSecond));
    return Answer.accepted("throttle " + name + " set to " + trim(perSecond) + "/s");
  }

  /** Refused (with the reason) for a parameter that is unknown, not changeable or invalid. */
  @Override
  public Answer setParam(String name, String value) {
    try {
      plan.params().set(name, value);
      return Answer.accepted("parameter " + name + " = " + value);
    } catch (IllegalArgumentException e) {
      return Answer.refused(e.getMessage());
    }
  }

  @Override
  public Answer stop(String reason) {
    system.tell(new RunController.Stop(reason));
    return Answer.accepted("stopping");
  }

  static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /**
   * Waits for the HTTP load's child to finish (stopping it if it still runs, killing it past its
   * grace time), then terminates the actor system (ending any user left) and waits for it, then
   * closes the push app server.
   */
  @Override
  public void close() {
    if (httpLoad != null) {
      httpLoad.close();
    }
    timer.close();
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the JVM exit takes care of what is left
    } finally {
      setup.close();
    }
  }
}
