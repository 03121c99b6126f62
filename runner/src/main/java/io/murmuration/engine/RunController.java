package io.murmuration.engine;

import io.murmuration.metrics.Actions;
import io.murmuration.metrics.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Owns one run's life: idle → running → stopping → finished | failed.
 *
 * <p>Running, it spawns one {@link UserActor} per user as the load profile's arrival times pass
 * (waves added with {@link AddUsers} arrive the same way), and removes the newest users on {@link
 * RemoveUsers}. The run stops when its duration is over, on {@link Stop}, or when every user has
 * ended and no more are due. Users leave through a drain: stopping, every user first stops sending
 * (quiesces) while messages in flight drain — until every sent message is delivered or the drain
 * time is over — then logs out. A removed user drains the same way while the others go on, waiting
 * for the messages on their way to it ({@link InFlight}), which nobody may send it any more. The
 * run fails when any user ended on an error (connect, login, lost connection, scenario exception),
 * when the books of planned actions ({@link Actions}) show work not done that no stop explains, and
 * when the scenario's push app server failed (which also stops it).
 *
 * <p>A run with an HTTP load ({@link HttpLoadProcess}) starts it when a user asks ({@link
 * StartHttpLoad}); its end stops the run, a stop stops it, and the drain waits for it to have
 * counted all it sent. A load that ends with an error fails the run.
 */
public final class RunController extends AbstractBehavior<RunController.Command> {

  public sealed interface Command {}

  /** Moves the run from idle to running. */
  public enum Start implements Command {
    INSTANCE
  }

  /**
   * Adds {@code count} users arriving at {@code perSecond} users per second, from now, with ids
   * from {@code firstUserId}, or after the newest user's when it is -1.
   */
  public record AddUsers(int count, double perSecond, int firstUserId) implements Command {}

  /** Logs out the {@code count} newest users. */
  public record RemoveUsers(int count) implements Command {}

  /** Changes the rate of a throttle declared by the scenario. */
  public record SetThrottle(String name, double perSecond) implements Command {}

  /** Stops the run now (drain, then log out). */
  public record Stop(String reason) implements Command {}

  /** A user asked to start the run's HTTP load (the scenario's {@code HttpLoad.Starter}). */
  enum StartHttpLoad implements Command {
    INSTANCE
  }

  /** The HTTP load's child process is gone, every line counted; {@code failure} null: as asked. */
  record HttpLoadEnded(String failure) implements Command {}

  /** A user is gone; {@code errorKind} is null when it ended as planned. */
  record UserEnded(int userId, String errorKind) implements Command {}

  /** The user has stopped sending (answer to {@code QUIESCE} and {@code REMOVE}). */
  record Quiesced(int userId) implements Command {}

  private enum Tick implements Command {
    ARRIVALS,
    DURATION_OVER,
    DRAIN_CHECK,
    LEAVE_TIMEOUT
  }

  public enum State {
    IDLE,
    RUNNING,
    STOPPING,
    FINISHED,
    FAILED
  }

  /** How a run ended: {@code failure} explains a {@link State#FAILED} run, else null. */
  public record Outcome(State state, String failure) {}

  private static final Duration ARRIVAL_TICK = Duration.ofMillis(10);
  private static final Duration DRAIN_TICK = Duration.ofMillis(50);
  private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(15);

  /** A group of users arriving by a profile, from {@code startNanos}, with consecutive ids. */
  private static final class Wave {
    final LoadProfile profile;
    final long startNanos;
    int spawned;

    Wave(LoadProfile profile, long startNanos) {
      this.profile = profile;
      this.startNanos = startNanos;
    }

    int nextId() {
      return profile.firstUserId() + spawned;
    }
  }

  private final RunContext run;
  private final LoadProfile load;
  private final CompletableFuture<Outcome> outcome;
  private final TimerScheduler<Command> timers;
  private final Metrics metrics;
  private final ScenarioSetup setup;
  private final List<Wave> waves = new ArrayList<>();
  private final NavigableMap<Integer, ActorRef<UserActor.Command>> live = new TreeMap<>();

  /** Live users that confirmed they send no more (QUIESCE or REMOVE). */
  private final Set<Integer> quiesced = new HashSet<>();

  /**
   * Users told to quiesce and not yet to leave, with when their drain time is over ({@link
   * System#nanoTime}): removed ones, and at the stop every one.
   */
  private final Map<Integer, Long> draining = new HashMap<>();

  private final Map<String, Integer> endedOnError = new TreeMap<>();
  private State state = State.IDLE;

  /** The run's HTTP load, or null when the scenario declared none. */
  private final HttpLoadProcess httpLoad;

  /** Whether the HTTP load was started, and whether it has ended since. */
  private boolean httpLoadStarted;

  private boolean httpLoadEnded;

  /** Why the HTTP load failed, or null. */
  private String httpLoadFailure;

  /** The id after the newest user's: where a wave added without ids starts. */
  private int nextUserId;

  private int target;

  static Behavior<Command> create(
      RunPlan plan,
      ScenarioSetup setup,
      double rateShare,
      PreciseTimer timer,
      CompletableFuture<Outcome> outcome) {
    return Behaviors.setup(
        ctx -> {
          RunContext run =
              new RunContext(
                  plan.runId(),
                  plan.scenario(),
                  plan.params(),
                  plan.accounts(),
                  plan.xmpp().domain(),
                  plan.transport(),
                  plan.metrics(),
                  timer,
                  new Throttle(Throttle.share(setup.throttles(), rateShare)),
                  ctx.spawn(Coordinator.create(), "coordinator"),
                  plan.xmpp().connectTimeout(),
                  plan.xmpp(),
                  setup.capabilities(),
                  new InFlight());
          return Behaviors.withTimers(
              t -> new RunController(ctx, t, run, setup, plan.load(), outcome));
        });
  }

  private RunController(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      RunContext run,
      ScenarioSetup setup,
      LoadProfile load,
      CompletableFuture<Outcome> outcome) {
    super(context);
    this.setup = setup;
    this.timers = timers;
    this.run = run;
    this.load = load;
    this.outcome = outcome;
    this.metrics = run.metrics();
    this.nextUserId = load.firstUserId() + load.users();
    this.httpLoad = setup.httpLoad();
    setup.attach(context.getSelf());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Start.INSTANCE, this::onStart)
        .onMessage(AddUsers.class, this::onAddUsers)
        .onMessage(RemoveUsers.class, this::onRemoveUsers)
        .onMessage(SetThrottle.class, this::onSetThrottle)
        .onMessage(Stop.class, this::onStop)
        .onMessage(UserEnded.class, this::onUserEnded)
        .onMessage(Quiesced.class, this::onQuiesced)
        .onMessageEquals(StartHttpLoad.INSTANCE, this::onStartHttpLoad)
        .onMessage(HttpLoadEnded.class, this::onHttpLoadEnded)
        .onMessageEquals(Tick.ARRIVALS, this::onArrivals)
        .onMessageEquals(Tick.DURATION_OVER, () -> onStop(new Stop("duration over")))
        .onMessageEquals(Tick.DRAIN_CHECK, this::onDrainCheck)
        .onMessageEquals(Tick.LEAVE_TIMEOUT, this::onLeaveTimeout)
        .build();
  }

  private Behavior<Command> onStart() {
    if (state != State.IDLE) {
      return this;
    }
    state = State.RUNNING;
    waves.add(new Wave(load, System.nanoTime()));
    target = load.users();
    metrics.usersTarget(target);
    timers.startTimerAtFixedRate(Tick.ARRIVALS, ARRIVAL_TICK);
    if (load.duration() != null) {
      timers.startSingleTimer(Tick.DURATION_OVER, load.duration());
    }
    return onArrivals();
  }

  private Behavior<Command> onAddUsers(AddUsers add) {
    if (state != State.RUNNING || add.count() <= 0) {
      return this;
    }
    int first = add.firstUserId() >= 0 ? add.firstUserId() : nextUserId;
    nextUserId = Math.max(nextUserId, first + add.count());
    waves.add(
        new Wave(LoadProfile.constant(add.count(), first, add.perSecond()), System.nanoTime()));
    target += add.count();
    metrics.usersTarget(target);
    timers.startTimerAtFixedRate(Tick.ARRIVALS, ARRIVAL_TICK);
    return this;
  }

  private Behavior<Command> onRemoveUsers(RemoveUsers remove) {
    if (state != State.RUNNING) {
      return this;
    }
    // users not yet arrived are removed first, then the newest live ones
    int left = remove.count();
    for (int i = waves.size() - 1; i >= 0 && left > 0; i--) {
      Wave w = waves.get(i);
      int unborn = Math.min(left, w.profile.users() - w.spawned);
      w.spawned += unborn; // never spawned
      left -= unborn;
      target -= unborn;
      neverArrived(unborn, Actions.Reason.USER_REMOVED);
    }
    // then the newest live ones not leaving yet: marked leaving first, so that no message is sent
    // to one of them unseen; they stop sending and drain, then leave (onDrainCheck)
    List<Integer> removed = new ArrayList<>();
    for (Integer id : live.descendingKeySet()) {
      if (removed.size() >= left) {
        break;
      }
      if (!draining.containsKey(id)) {
        removed.add(id);
      }
    }
    removed.forEach(run.inFlight()::leave);
    long deadline = System.nanoTime() + load.drain().toNanos();
    for (int id : removed) {
      draining.put(id, deadline);
      live.get(id).tell(UserActor.Control.REMOVE);
    }
    target -= removed.size();
    metrics.usersTarget(target);
    if (!removed.isEmpty()) {
      timers.startTimerAtFixedRate(Tick.DRAIN_CHECK, DRAIN_TICK);
    }
    return endIfAllGone();
  }

  private Behavior<Command> onStartHttpLoad() {
    if (state == State.RUNNING && httpLoad != null && !httpLoadStarted) {
      httpLoadStarted = true;
      getContext().getLog().info("run {}: HTTP load starting", run.runId());
      ActorRef<Command> self = getContext().getSelf();
      httpLoad.start(failure -> self.tell(new HttpLoadEnded(failure)));
    }
    return this;
  }

  private Behavior<Command> onHttpLoadEnded(HttpLoadEnded ended) {
    httpLoadEnded = true;
    httpLoadFailure = ended.failure();
    if (state == State.RUNNING) {
      return onStop(new Stop(httpLoadFailure == null ? "the HTTP load is done" : httpLoadFailure));
    }
    return onDrainCheck();
  }

  /** Whether an HTTP load runs, that is: may still send or count a message sent. */
  private boolean httpLoadRunning() {
    return httpLoadStarted && !httpLoadEnded;
  }

  private Behavior<Command> onSetThrottle(SetThrottle set) {
    run.throttle().setRate(set.name(), set.perSecond());
    return this;
  }

  private Behavior<Command> onArrivals() {
    if (state != State.RUNNING) {
      timers.cancel(Tick.ARRIVALS);
      return this;
    }
    long now = System.nanoTime();
    boolean due = false;
    for (Wave w : waves) {
      int shouldHave =
          (int)
              Math.min(
                  w.profile.users(), Math.floor(w.profile.arrivedBy((now - w.startNanos) / 1e9)));
      while (w.spawned < shouldHave) {
        spawnUser(w.nextId());
        w.spawned++;
      }
      due |= w.spawned < w.profile.users();
    }
    if (!due) {
      timers.cancel(Tick.ARRIVALS);
    }
    return endIfAllGone();
  }

  private void spawnUser(int id) {
    ActorRef<UserActor.Command> user =
        getContext().spawn(UserActor.create(id, run, getContext().getSelf()), "user-" + id);
    getContext().watchWith(user, new UserEnded(id, "crashed"));
    live.put(id, user);
    run.inFlight().arrive(id);
  }

  private Behavior<Command> onUserEnded(UserEnded ended) {
    boolean wasLive = live.remove(ended.userId()) != null;
    draining.remove(ended.userId());
    quiesced.remove(ended.userId());
    if (ended.errorKind() != null && wasLive) {
      endedOnError.merge(ended.errorKind(), 1, Integer::sum);
    }
    return endIfAllGone();
  }

  private Behavior<Command> onStop(Stop stop) {
    if (state == State.IDLE) {
      return complete();
    }
    if (state != State.RUNNING) {
      return this;
    }
    getContext().getLog().info("run {} stopping: {}", run.runId(), stop.reason());
    state = State.STOPPING;
    timers.cancel(Tick.ARRIVALS);
    for (Wave w : waves) {
      neverArrived(w.profile.users() - w.spawned, Actions.Reason.RUN_STOPPED);
      w.spawned = w.profile.users();
    }
    timers.cancel(Tick.DURATION_OVER);
    if (httpLoadRunning()) {
      httpLoad.stop();
    }
    long deadline = System.nanoTime() + load.drain().toNanos();
    live.forEach(
        (id, u) -> {
          if (draining.putIfAbsent(id, deadline) == null) {
            u.tell(UserActor.Control.QUIESCE);
          }
        });
    timers.startTimerAtFixedRate(Tick.DRAIN_CHECK, DRAIN_TICK);
    return onDrainCheck();
  }

  private Behavior<Command> onQuiesced(Quiesced q) {
    Integer id = q.userId();
    quiesced.add(id);
    // one user's confirmation can only free that user (a removed one with nothing on its way to
    // it), or the run when it was the last one the stop waited for; anything else waits for the
    // tick. A full check per confirmation made a stop of N users cost N² (10,000 users: 2.3 GB of
    // garbage in a second)
    if (draining.containsKey(id) && (allQuiesced() || run.inFlight().drained(id))) {
      return onDrainCheck();
    }
    return this;
  }

  /** Whether every live user has confirmed it sends no more. */
  private boolean allQuiesced() {
    return quiesced.size() >= live.size() && quiesced.containsAll(live.keySet());
  }

  /**
   * Tells each draining user to leave once it is drained, or its drain time is over. A removed user
   * is drained when it has confirmed it sends no more and every message on its way to it has
   * arrived ({@link InFlight}: nobody sends to it any more). At the stop, every user is drained
   * when every live user has confirmed it sends no more, the HTTP load (if any) has ended with all
   * it sent counted, and every message sent was delivered as often as expected: counting before the
   * confirmations let a send that was already due slip in after the check, to a recipient then told
   * to leave.
   */
  private Behavior<Command> onDrainCheck() {
    if (!timers.isTimerActive(Tick.DRAIN_CHECK)) {
      return this;
    }
    long now = System.nanoTime();
    boolean runDrained =
        state == State.STOPPING
            && allQuiesced()
            && !httpLoadRunning()
            && metrics.delivered() >= metrics.expected();
    draining
        .entrySet()
        .removeIf(
            e -> {
              Integer id = e.getKey(); // boxed once: every user is checked at every tick
              if (!runDrained
                  && now < e.getValue()
                  && !(quiesced.contains(id) && run.inFlight().drained(id))) {
                return false;
              }
              // a removed user is out of the run once told to leave; at the stop, the run waits
              // for every user to have logged out
              (state == State.RUNNING ? live.remove(id) : live.get(id))
                  .tell(UserActor.Control.LEAVE);
              return true;
            });
    if (!draining.isEmpty()) {
      return this;
    }
    timers.cancel(Tick.DRAIN_CHECK);
    if (state == State.STOPPING) {
      timers.startSingleTimer(Tick.LEAVE_TIMEOUT, LEAVE_TIMEOUT);
    }
    return endIfAllGone();
  }

  private Behavior<Command> onLeaveTimeout() {
    getContext()
        .getLog()
        .warn("{} users did not log out within {}s", live.size(), LEAVE_TIMEOUT.toSeconds());
    endedOnError.merge("logout-timeout", live.size(), Integer::sum);
    live.clear();
    return complete();
  }

  private Behavior<Command> endIfAllGone() {
    boolean arrivalsDue =
        state == State.RUNNING && waves.stream().anyMatch(w -> w.spawned < w.profile.users());
    boolean drainingAtStop = state == State.STOPPING && timers.isTimerActive(Tick.DRAIN_CHECK);
    if (live.isEmpty()
        && !arrivalsDue
        && !drainingAtStop
        && (state == State.RUNNING || state == State.STOPPING)) {
      return complete();
    }
    return this;
  }

  /** Users due to arrive that never will: their logins are planned and not done. */
  private void neverArrived(int users, Actions.Reason reason) {
    if (users > 0) {
      metrics.actions().planned(UserActor.LOGIN, users);
      metrics.actions().notDone(UserActor.LOGIN, reason, users);
    }
  }

  private Behavior<Command> complete() {
    timers.cancelAll();
    if (httpLoadRunning()) {
      httpLoad.stop(); // every user is gone: Run.close waits for the load to finish
    }
    String terminateFailure = terminateScenario();
    String setupFailure = terminateFailure != null ? terminateFailure : setup.failure();
    String shortfall = Actions.shortfall(metrics.actions().snapshot());
    if (setupFailure != null) {
      state = State.FAILED;
      outcome.complete(new Outcome(state, setupFailure));
    } else if (endedOnError.isEmpty() && httpLoadFailure != null) {
      state = State.FAILED;
      outcome.complete(new Outcome(state, httpLoadFailure));
    } else if (endedOnError.isEmpty() && shortfall != null) {
      getContext().getLog().warn("run {}: planned actions not done: {}", run.runId(), shortfall);
      state = State.FAILED;
      outcome.complete(new Outcome(state, "planned actions not done: " + shortfall));
    } else if (endedOnError.isEmpty()) {
      state = State.FINISHED;
      outcome.complete(new Outcome(state, null));
    } else {
      state = State.FAILED;
      int users = endedOnError.values().stream().mapToInt(Integer::intValue).sum();
      String kinds =
          endedOnError.entrySet().stream()
              .map(e -> e.getKey() + " " + e.getValue())
              .collect(Collectors.joining(", "));
      outcome.complete(new Outcome(state, users + " users ended on errors (" + kinds + ")"));
    }
    return Behaviors.stopped();
  }

  /**
   * The scenario's end-of-run hook, after the last user and before the outcome is known; returns
   * why it failed, or null.
   */
  private String terminateScenario() {
    try {
      run.scenario().terminate(setup);
      return null;
    } catch (RuntimeException e) {
      getContext().getLog().warn("run {}: scenario terminate failed", run.runId(), e);
      metrics.error("terminate");
      return "scenario " + run.scenario().name() + " failed in terminate: " + e;
    }
  }
}
