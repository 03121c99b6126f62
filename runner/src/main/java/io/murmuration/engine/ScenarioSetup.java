package io.murmuration.engine;

import io.murmuration.httpload.HttpLoadPlan;
import io.murmuration.metrics.ScenarioMetrics;
import io.murmuration.push.PushAppServer;
import io.murmuration.scenario.Counter;
import io.murmuration.scenario.HttpLoad;
import io.murmuration.scenario.Param;
import io.murmuration.scenario.PushNotification;
import io.murmuration.scenario.RunSetup;
import io.murmuration.scenario.Timer;
import io.murmuration.xmpp.Capabilities;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a scenario's {@code init} and {@code terminate} see of their run: its parameters and size,
 * and the throttles, metrics, disco features and HTTP load {@code init} declares (metrics go
 * straight to the run's {@link ScenarioMetrics}), and the push app server it starts, which this
 * setup owns until {@link #close}. A failure of the push app server during the run is kept as the
 * run's {@link #failure} and stops the run.
 */
final class ScenarioSetup implements RunSetup, AutoCloseable {
  private final RunPlan plan;
  private final boolean usersHere;
  private final Map<String, Double> throttles = new LinkedHashMap<>();
  private final Set<String> advertised = new LinkedHashSet<>();
  private final AtomicReference<String> failure = new AtomicReference<>();
  private volatile Consumer<String> stopRun = reason -> {};
  private PushAppServer push;
  private HttpLoadProcess httpLoad;

  /** Set once the run's controller exists: where {@link HttpLoad.Starter#start()} goes. */
  private volatile ActorRef<RunController.Command> controller;

  /**
   * @param usersHere false for a cluster's coordinator, which runs {@code init} for the metrics and
   *     throttles while the users run on worker nodes
   */
  ScenarioSetup(RunPlan plan, boolean usersHere) {
    this.plan = plan;
    this.usersHere = usersHere;
  }

  @Override
  public <T> T param(Param<T> param) {
    return plan.params().get(param);
  }

  @Override
  public int users() {
    return plan.load().users();
  }

  @Override
  public void throttle(String name, double perSecond) {
    if (perSecond < 0) {
      throw new IllegalArgumentException(
          "throttle " + name + ": rate must be 0 (no limit) or more");
    }
    throttles.put(name, perSecond);
  }

  @Override
  public void advertise(String feature) {
    Capabilities.with(List.of(feature)); // checks it
    advertised.add(feature);
  }

  @Override
  public Timer timer(String name, String description) {
    return plan.metrics().declare(new Timer(name, description));
  }

  @Override
  public Counter counter(String name, String description) {
    return plan.metrics().declare(new Counter(name, description));
  }

  @Override
  public void record(Timer timer, long nanos) {
    plan.metrics().scenario().record(timer, nanos);
  }

  @Override
  public void count(Counter counter, long n) {
    plan.metrics().scenario().add(counter, n);
  }

  @Override
  public synchronized void pushAppServer(
      String component, String domain, Path secretFile, Consumer<PushNotification> onPush) {
    if (!usersHere) {
      throw new SetupRefused(
          "push app server: scenario "
              + plan.scenario().name()
              + " runs one, which must share a process with its users: run it without --nodes",
          null);
    }
    if (push != null) {
      throw new IllegalStateException("the push app server is started once per run, in init");
    }
    try {
      push =
          PushAppServer.start(
              component, domain, secretFile, plan.xmpp().connectTimeout(), onPush, this::failed);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new SetupRefused(e.getMessage(), e);
    }
  }

  /** From now on a failure of the push app server stops the run with {@code stop}. */
  void onFailure(Consumer<String> stop) {
    stopRun = stop;
    String already = failure.get();
    if (already != null) {
      stop.accept(already);
    }
  }

  private void failed(String reason) {
    if (failure.compareAndSet(null, reason)) {
      stopRun.accept(reason);
    }
  }

  /** Why the run failed outside its users (the push app server was lost), or null. */
  String failure() {
    return failure.get();
  }

  /** Closes the push app server, if the scenario started one; idempotent. */
  @Override
  public synchronized void close() {
    if (push != null) {
      push.close();
    }
  }

  @Override
  public HttpLoad.Starter httpLoad(HttpLoad load) {
    String scenario = plan.scenario().name();
    if (!usersHere) {
      throw new IllegalArgumentException(
          "scenario "
              + scenario
              + " cannot run over worker nodes (--nodes): its HTTP load stamps messages on the"
              + " clock of the machine whose users receive them; run it without --nodes");
    }
    if (httpLoad != null) {
      throw new IllegalArgumentException(
          "scenario " + scenario + " declares a second HTTP load: a run has one");
    }
    if (plan.runDir() == null) {
      throw new IllegalArgumentException(
          "scenario "
              + scenario
              + " declares an HTTP load, which a run without a folder of its own (a worker's part"
              + " of a run over worker nodes) cannot have");
    }
    LoadProfile users = plan.load();
    List<String> recipients =
        IntStream.range(users.firstUserId(), users.firstUserId() + users.users())
            .mapToObj(id -> plan.xmpp().jid(plan.accounts().forUser(id).username()))
            .toList();
    httpLoad =
        HttpLoadProcess.declare(
            new HttpLoadPlan(plan.runId(), load, recipients), plan.runDir(), plan.metrics());
    return () -> {
      ActorRef<RunController.Command> run = controller;
      if (run == null) {
        throw new IllegalStateException(
            "start the HTTP load from a user's callback, once the run has started");
      }
      run.tell(RunController.StartHttpLoad.INSTANCE);
    };
  }

  /** The run's controller: from now on a started HTTP load goes to it. */
  void attach(ActorRef<RunController.Command> controller) {
    this.controller = controller;
  }

  /** The HTTP load {@code init} declared, or null. */
  HttpLoadProcess httpLoad() {
    return httpLoad;
  }

  /** What users announce in presence and answer to disco#info: the base and declared features. */
  Capabilities capabilities() {
    return Capabilities.with(advertised);
  }

  /** The throttles declared, by name, with their rates. */
  Map<String, Double> throttles() {
    return Collections.unmodifiableMap(throttles);
  }
}
