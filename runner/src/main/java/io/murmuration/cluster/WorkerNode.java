package io.murmuration.cluster;

import io.murmuration.engine.Run;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The guardian of a worker node ({@code murm node}): registers with the receptionist so that a
 * coordinator finds it, runs the part of a run the coordinator assigns (a range of user ids at a
 * share of the arrival rate and of the throttles) through a {@link Runner}, streams a {@link
 * NodeSample} per interval to the coordinator, and obeys its verbs.
 *
 * <p>A worker lives as long as the coordinator it joined: when that coordinator leaves, or becomes
 * unreachable, the worker stops its users at once (they drain and log out) and then ends, which
 * ends the process ({@code exit} completes with 0 after a run that ended normally, 3 when the
 * coordinator was lost mid-run).
 */
public final class WorkerNode extends AbstractBehavior<WorkerNode.Command> {

  /** Workers register under this key; a coordinator subscribes to it. */
  public static final ServiceKey<Command> KEY =
      ServiceKey.create(Command.class, "murmuration-worker");

  public sealed interface Command {}

  /**
   * A part of a run to play: the run's settings as {@code murm run} options (long name → value,
   * lists comma-separated) and scenario parameters, and this node's slice.
   */
  public record Assign(
      String runId,
      String scenario,
      Map<String, String> settings,
      Map<String, String> params,
      Slice slice,
      ActorRef<RunCoordinator.Command> coordinator)
      implements Command, ClusterMessage {}

  /**
   * This node's part: users {@code firstUserId … firstUserId + users - 1}, arriving at its share of
   * the run's rate (ramping to {@code rampTo} when more than 0), for {@code durationMs} (0: until
   * the users finish), with {@code rateShare} of each throttle's run-wide rate.
   */
  public record Slice(
      int firstUserId,
      int users,
      double arrivalRate,
      double rampTo,
      long durationMs,
      double rateShare) {}

  public record AddUsers(int count, double perSecond, int firstUserId)
      implements Command, ClusterMessage {}

  public record RemoveUsers(int count) implements Command, ClusterMessage {}

  /** A throttle's rate on this node (already this node's share). */
  public record SetThrottle(String name, double perSecond) implements Command, ClusterMessage {}

  public record SetParam(String name, String value) implements Command, ClusterMessage {}

  public record Stop(String reason) implements Command, ClusterMessage {}

  /** The coordinator's clock reading, to be answered at once with this node's. */
  public record ClockProbe(long coordinatorNanos, ActorRef<RunCoordinator.Command> replyTo)
      implements Command, ClusterMessage {}

  /** How a worker plays its part of a run: in the CLI, a quiet local run with its own folder. */
  public interface Runner {
    /**
     * Runs {@code assign}'s slice to its end on the calling thread (one of its own): calls {@code
     * started} with the run's verbs once its users start, {@code samples} after every interval (the
     * last one included); returns how the part ended.
     */
    Outcome run(Assign assign, String node, Consumer<Run> started, Consumer<NodeSample> samples);
  }

  /** How a node's part of a run ended: {@code finished} or {@code failed}, and why. */
  public record Outcome(String state, String failure) {}

  private record Started(Run control) implements Command {}

  private record Ended(Outcome outcome) implements Command {}

  private record MemberEvent(ClusterEvent.MemberEvent event) implements Command {}

  private record Unreachable(ClusterEvent.UnreachableMember event) implements Command {}

  private enum GiveUp implements Command {
    INSTANCE
  }

  /** How long users may take to drain and log out once the coordinator is gone. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);

  private final Runner runner;
  private final CompletableFuture<Integer> exit;
  private final TimerScheduler<Command> timers;
  private final String name;
  private Assign running;
  private Run control;
  private final java.util.List<Consumer<Run>> early = new java.util.ArrayList<>();
  private boolean coordinatorGone;
  private boolean ranToEnd;

  /**
   * @param exit completed with the process's exit code when the node is done
   */
  public static Behavior<Command> create(Runner runner, CompletableFuture<Integer> exit) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
                  Cluster cluster = Cluster.get(ctx.getSystem());
                  cluster
                      .subscriptions()
                      .tell(
                          Subscribe.create(
                              ctx.messageAdapter(ClusterEvent.MemberEvent.class, MemberEvent::new),
                              ClusterEvent.MemberEvent.class));
                  cluster
                      .subscriptions()
                      .tell(
                          Subscribe.create(
                              ctx.messageAdapter(
                                  ClusterEvent.UnreachableMember.class, Unreachable::new),
                              ClusterEvent.UnreachableMember.class));
                  return new WorkerNode(ctx, timers, runner, exit, name(cluster.selfMember()));
                }));
  }

  /** A node's name in results and logs: the host and port it is known by. */
  static String name(Member member) {
    return name(member.address());
  }

  static String name(Address address) {
    return address.host().getOrElse(() -> "?") + ":" + address.port().getOrElse(() -> 0);
  }

  private WorkerNode(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Runner runner,
      CompletableFuture<Integer> exit,
      String name) {
    super(context);
    this.timers = timers;
    this.runner = runner;
    this.exit = exit;
    this.name = name;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Assign.class, this::onAssign)
        .onMessage(
            AddUsers.class, a -> verb(r -> r.addUsers(a.count(), a.perSecond(), a.firstUserId())))
        .onMessage(RemoveUsers.class, r -> verb(c -> c.removeUsers(r.count())))
        .onMessage(SetThrottle.class, t -> verb(c -> c.throttle(t.name(), t.perSecond())))
        .onMessage(SetParam.class, p -> verb(c -> c.setParam(p.name(), p.value())))
        .onMessage(Stop.class, s -> verb(c -> c.stop(s.reason())))
        .onMessage(ClockProbe.class, this::onClockProbe)
        .onMessage(Started.class, this::onStarted)
        .onMessage(Ended.class, this::onEnded)
        .onMessage(MemberEvent.class, this::onMemberEvent)
        .onMessage(Unreachable.class, u -> coordinatorEvent(u.event().member(), "unreachable"))
        .onMessageEquals(GiveUp.INSTANCE, this::onGiveUp)
        .build();
  }

  private Behavior<Command> onAssign(Assign assign) {
    if (running != null) {
      assign
          .coordinator()
          .tell(
              new RunCoordinator.Ended(
                  name,
                  new Outcome("failed", "node " + name + " is busy with run " + running.runId())));
      return this;
    }
    running = assign;
    getContext()
        .getLog()
        .info(
            "run {}: users {} from {}",
            assign.runId(),
            assign.slice().users(),
            assign.slice().firstUserId());
    ActorRef<Command> self = getContext().getSelf();
    Thread thread =
        new Thread(
            () -> {
              Outcome outcome;
              try {
                outcome =
                    runner.run(
                        assign,
                        name,
                        control -> self.tell(new Started(control)),
                        sample ->
                            assign.coordinator().tell(new RunCoordinator.Sampled(name, sample)));
              } catch (RuntimeException e) {
                outcome = new Outcome("failed", "node " + name + ": " + e.getMessage());
              }
              self.tell(new Ended(outcome));
            },
            "murmuration-node-run");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  /** Applies a verb to the local run; verbs that come before it started wait for it. */
  private Behavior<Command> verb(Consumer<Run> verb) {
    if (control != null) {
      verb.accept(control);
    } else if (running != null) {
      early.add(verb);
    }
    return this;
  }

  private Behavior<Command> onClockProbe(ClockProbe probe) {
    probe
        .replyTo()
        .tell(new RunCoordinator.ClockReply(name, probe.coordinatorNanos(), System.nanoTime()));
    return this;
  }

  private Behavior<Command> onStarted(Started started) {
    control = started.control();
    early.forEach(verb -> verb.accept(control));
    early.clear();
    if (coordinatorGone) {
      control.stop("coordinator lost");
    }
    return this;
  }

  private Behavior<Command> onEnded(Ended ended) {
    ranToEnd = !coordinatorGone;
    running.coordinator().tell(new RunCoordinator.Ended(name, ended.outcome()));
    control = null;
    early.clear();
    if (coordinatorGone) {
      return done();
    }
    running = null;
    return this;
  }

  private Behavior<Command> onMemberEvent(MemberEvent e) {
    // not at MemberLeft: a leaving coordinator needs its workers to see it out (Exiting), or its
    // own shutdown waits for them in vain
    if (e.event() instanceof ClusterEvent.MemberExited
        || e.event() instanceof ClusterEvent.MemberRemoved
        || e.event() instanceof ClusterEvent.MemberDowned) {
      return coordinatorEvent(e.event().member(), "left");
    }
    return this;
  }

  /** The coordinator left or cannot be reached: stop the users, then end. */
  private Behavior<Command> coordinatorEvent(Member member, String what) {
    if (!member.hasRole(ClusterConfig.COORDINATOR_ROLE) || coordinatorGone) {
      return this;
    }
    coordinatorGone = true;
    if (running == null) {
      getContext().getLog().info("the coordinator {} {}: node {} ends", name(member), what, name);
      ranToEnd = true;
      return done();
    }
    getContext()
        .getLog()
        .warn("the coordinator {} {} mid-run: node {} stops its users", name(member), what, name);
    if (control != null) {
      control.stop("coordinator " + what);
    }
    timers.startSingleTimer(GiveUp.INSTANCE, STOP_GRACE);
    return this;
  }

  private Behavior<Command> onGiveUp() {
    getContext()
        .getLog()
        .warn("node {}: users did not stop within {}s", name, STOP_GRACE.toSeconds());
    return done();
  }

  private Behavior<Command> done() {
    exit.complete(ranToEnd ? 0 : 3);
    getContext().getSystem().terminate();
    return Behaviors.stopped();
  }
}
