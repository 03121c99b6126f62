package io.murmuration.cluster;

import io.murmuration.engine.LoadProfile;
import io.murmuration.engine.RunControl.Answer;
import io.murmuration.engine.RunController;
import io.murmuration.engine.Throttle;
import io.murmuration.metrics.Metrics;
import io.murmuration.results.Summary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The coordinator of a run spread over worker nodes (amoc's master): it runs no users. It waits for
 * the planned number of workers, gives each a contiguous range of user ids with its share of the
 * arrival rate and of the throttles, feeds every worker's samples into the run's one {@link
 * Metrics}, applies the run-time verbs cluster-wide, and ends the run when every worker's part has
 * ended or its node was lost.
 *
 * <p>A worker that leaves mid-run (crash, network, the split-brain resolver downing it) is marked
 * lost: the users connected on it at its last sample are counted as gone with it, messages due to
 * them as lost, and the run fails, unless told to tolerate lost nodes. A worker that joins after
 * the start gets users at the next {@code add} (as in amoc).
 */
public final class RunCoordinator extends AbstractBehavior<RunCoordinator.Command> {

  public sealed interface Command {}

  /** A worker's interval. */
  public record Sampled(String node, NodeSample sample) implements Command, ClusterMessage {}

  /** A worker's part of the run has ended. */
  public record Ended(String node, WorkerNode.Outcome outcome) implements Command, ClusterMessage {}

  /** A worker's answer to a {@link WorkerNode.ClockProbe}. */
  public record ClockReply(String node, long coordinatorNanos, long workerNanos)
      implements Command, ClusterMessage {}

  record AddUsers(int count, double perSecond, ActorRef<Answer> replyTo) implements Command {}

  record RemoveUsers(int count, ActorRef<Answer> replyTo) implements Command {}

  record SetThrottle(String name, double perSecond, ActorRef<Answer> replyTo) implements Command {}

  record SetParam(String name, String value, ActorRef<Answer> replyTo) implements Command {}

  record Stop(String reason, ActorRef<Answer> replyTo) implements Command {}

  private record Workers(Set<ActorRef<WorkerNode.Command>> workers) implements Command {}

  /** Looks again at the adds waiting for a worker that is up but not yet listed. */
  private enum RetryAdds implements Command {
    INSTANCE
  }

  /**
   * How long an add waits for a worker that is an Up member of the cluster to reach the
   * receptionist's listing: membership and the listing travel by separate gossip, and an add right
   * after a worker joined would otherwise leave it out.
   */
  private static final Duration LISTING_WAIT = Duration.ofSeconds(5);

  private record Lost(ActorRef<WorkerNode.Command> worker) implements Command {}

  /** Stop coordinating at once: the run was given up (too few workers, or its caller left). */
  enum Abandon implements Command {
    INSTANCE
  }

  /** Time to probe the running workers' clocks again. */
  private enum ClockTick implements Command {
    INSTANCE
  }

  /**
   * What to run.
   *
   * @param settings the run's {@code murm run} options for the workers (long name → value)
   * @param params the scenario's parameter values, as text
   * @param load the run-wide arrival profile, split over the workers
   * @param throttles the throttles the scenario declares, with their run-wide rates
   * @param nodes how many workers the run starts on
   * @param tolerateNodeLoss whether a lost worker leaves the run finished rather than failed
   */
  public record Plan(
      String runId,
      String scenario,
      Map<String, String> settings,
      Map<String, String> params,
      LoadProfile load,
      Map<String, Double> throttles,
      int nodes,
      boolean tolerateNodeLoss) {}

  /** Also given each worker's interval, decoded once (e.g. for InfluxDB). */
  @FunctionalInterface
  public interface PerNode {
    void sampled(String node, Metrics.Snapshot snapshot, NodeSample sample);
  }

  /** How the run ended, and each worker's part. */
  public record Result(RunController.Outcome outcome, List<Summary.Node> nodes) {}

  /**
   * How often each running worker's clock is probed: the offset kept is the one measured with the
   * shortest round trip, which bounds its error best (a busy node answers late, and a late answer
   * only widens the bound).
   */
  private static final Duration CLOCK_PROBE_EVERY = Duration.ofSeconds(2);

  /** One worker as the coordinator knows it. */
  private static final class Node {
    final ActorRef<WorkerNode.Command> ref;
    final String name;
    final List<String> ranges = new ArrayList<>();
    final Histogram lag = new Histogram(Metrics.HIGHEST_NANOS, 3);
    String state = "idle"; // idle → running → finished | failed | lost
    String failure;
    int users;
    int usersLost;
    Metrics.Snapshot last;
    double cpuSeconds;
    Double rssPeakMib;
    long bestRoundTrip = Long.MAX_VALUE;
    Double clockOffsetMs;
    Double clockUncertaintyMs;

    Node(ActorRef<WorkerNode.Command> ref) {
      this.ref = ref;
      this.name = WorkerNode.name(ref.path().address());
    }

    boolean running() {
      return state.equals("running");
    }

    boolean over() {
      return state.equals("finished") || state.equals("failed") || state.equals("lost");
    }

    Summary.Node result() {
      return new Summary.Node(
          name,
          String.join(", ", ranges),
          users,
          state,
          failure,
          usersLost,
          last == null ? null : Summary.round3(cpuSeconds),
          rssPeakMib,
          lag.getTotalCount() == 0 ? null : Summary.ms(lag.getValueAtPercentile(99)),
          clockOffsetMs,
          clockUncertaintyMs);
    }
  }

  private final TimerScheduler<Command> timers;
  private final Plan plan;
  private final Metrics metrics;
  private final PerNode perNode;
  private final CompletableFuture<String> assigned;
  private final CompletableFuture<Result> result;
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final Map<String, Double> throttles;
  private boolean started;
  private boolean stopping;
  private long startNanos;
  private int nextUserId;
  private int target;

  /**
   * @param perNode also given each worker's samples, with the worker's name (e.g. for InfluxDB)
   * @param assigned completed (with a line naming the workers) once the run has started on them
   * @param result completed when every worker's part has ended or its node was lost
   */
  public static Behavior<Command> create(
      Plan plan,
      Metrics metrics,
      PerNode perNode,
      CompletableFuture<String> assigned,
      CompletableFuture<Result> result) {
    return Behaviors.setup(
        ctx -> {
          ctx.getSystem()
              .receptionist()
              .tell(
                  Receptionist.subscribe(
                      WorkerNode.KEY,
                      ctx.messageAdapter(
                          Receptionist.Listing.class,
                          l -> new Workers(l.getServiceInstances(WorkerNode.KEY)))));
          return Behaviors.<Command>withTimers(
              timers -> new RunCoordinator(ctx, timers, plan, metrics, perNode, assigned, result));
        });
  }

  private RunCoordinator(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Plan plan,
      Metrics metrics,
      PerNode perNode,
      CompletableFuture<String> assigned,
      CompletableFuture<Result> result) {
    super(context);
    this.perNode = perNode;
    this.timers = timers;
    this.plan = plan;
    this.metrics = metrics;
    this.assigned = assigned;
    this.result = result;
    this.throttles = new LinkedHashMap<>(plan.throttles());
    this.nextUserId = plan.load().firstUserId();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Workers.class, this::onWorkers)
        .onMessage(Lost.class, this::onLost)
        .onMessage(Sampled.class, this::onSampled)
        .onMessage(Ended.class, this::onEnded)
        .onMessage(ClockReply.class, this::onClockReply)
        .onMessageEquals(ClockTick.INSTANCE, this::onClockTick)
        .onMessageEquals(Abandon.INSTANCE, this::onAbandon)
        .onMessage(AddUsers.class, this::onAddUsers)
        .onMessageEquals(RetryAdds.INSTANCE, this::onRetryAdds)
        .onMessage(RemoveUsers.class, this::onRemoveUsers)
        .onMessage(SetThrottle.class, this::onSetThrottle)
        .onMessage(SetParam.class, this::onSetParam)
        .onMessage(Stop.class, this::onStop)
        .build();
  }

  private Behavior<Command> onWorkers(Workers listing) {
    for (ActorRef<WorkerNode.Command> ref : listing.workers()) {
      Node node = new Node(ref);
      if (nodes.putIfAbsent(node.name, node) == null) {
        getContext().watchWith(ref, new Lost(ref));
        getContext().getLog().info("worker {} joined", node.name);
      }
    }
    if (!started && nodes.size() >= plan.nodes()) {
      start();
    }
    return onRetryAdds();
  }

  /** The adds held for a listing, each with the time it stops waiting. */
  private final List<Map.Entry<AddUsers, Long>> heldAdds = new ArrayList<>();

  /** Up worker members not yet in the listing, by name. */
  private List<String> unlistedWorkers() {
    List<String> unlisted = new ArrayList<>();
    for (Member m : Cluster.get(getContext().getSystem()).state().getMembers()) {
      if (m.hasRole(ClusterConfig.WORKER_ROLE)
          && m.status() == MemberStatus.up()
          && !nodes.containsKey(WorkerNode.name(m))) {
        unlisted.add(WorkerNode.name(m));
      }
    }
    return unlisted;
  }

  private Behavior<Command> onRetryAdds() {
    boolean unlisted = !unlistedWorkers().isEmpty();
    long now = System.nanoTime();
    List<Map.Entry<AddUsers, Long>> due =
        heldAdds.stream().filter(h -> !unlisted || now >= h.getValue()).toList();
    heldAdds.removeAll(due);
    due.forEach(h -> add(h.getKey()));
    if (!heldAdds.isEmpty()) {
      timers.startSingleTimer(RetryAdds.INSTANCE, Duration.ofMillis(100));
    }
    return this;
  }

  /** Splits the run's users over the first {@code plan.nodes()} workers, by address. */
  private void start() {
    started = true;
    startNanos = System.nanoTime();
    timers.startTimerAtFixedRate(ClockTick.INSTANCE, CLOCK_PROBE_EVERY);
    List<Node> chosen =
        nodes.values().stream()
            .sorted(Comparator.comparing(n -> n.name))
            .limit(plan.nodes())
            .toList();
    LoadProfile load = plan.load();
    target = load.users();
    metrics.usersTarget(target);
    int[] split = split(load.users(), chosen.size());
    for (int i = 0; i < chosen.size(); i++) {
      Node node = chosen.get(i);
      double share = 1.0 * split[i] / load.users();
      assign(
          node,
          new WorkerNode.Slice(
              nextUserId,
              split[i],
              load.arrivalRate() * share,
              load.rampToRate() * share,
              load.duration() == null ? 0 : load.duration().toMillis(),
              share));
    }
    assigned.complete(
        "users "
            + load.firstUserId()
            + "-"
            + (nextUserId - 1)
            + " on "
            + chosen.stream()
                .map(n -> n.name + " (" + n.users + ")")
                .collect(Collectors.joining(", ")));
  }

  private void assign(Node node, WorkerNode.Slice slice) {
    node.state = "running";
    node.users += slice.users();
    node.ranges.add(slice.firstUserId() + "-" + (slice.firstUserId() + slice.users() - 1));
    nextUserId = slice.firstUserId() + slice.users();
    node.ref.tell(
        new WorkerNode.Assign(
            plan.runId(),
            plan.scenario(),
            plan.settings(),
            plan.params(),
            slice,
            getContext().getSelf()));
    node.ref.tell(new WorkerNode.ClockProbe(System.nanoTime(), getContext().getSelf()));
  }

  private Behavior<Command> onClockTick() {
    nodes.values().stream()
        .filter(Node::running)
        .forEach(
            n -> n.ref.tell(new WorkerNode.ClockProbe(System.nanoTime(), getContext().getSelf())));
    return this;
  }

  /** {@code total} split into {@code parts} as evenly as possible, the larger parts first. */
  static int[] split(int total, int parts) {
    int[] split = new int[parts];
    for (int i = 0; i < parts; i++) {
      split[i] = total / parts + (i < total % parts ? 1 : 0);
    }
    return split;
  }

  private Behavior<Command> onSampled(Sampled s) {
    Node node = nodes.get(s.node());
    if (node == null || node.state.equals("lost")) {
      return this;
    }
    Metrics.Snapshot now = s.sample().snapshot();
    metrics.add(now, node.last);
    node.last = now;
    perNode.sampled(node.name, now, s.sample());
    node.lag.add(now.histogram(Metrics.Timer.LAG));
    if (s.sample().cpuCores() != null) {
      node.cpuSeconds += s.sample().cpuCores() * s.sample().intervalS();
    }
    if (s.sample().rssMib() != null) {
      node.rssPeakMib =
          node.rssPeakMib == null
              ? s.sample().rssMib()
              : Math.max(node.rssPeakMib, s.sample().rssMib());
    }
    return this;
  }

  private Behavior<Command> onClockReply(ClockReply r) {
    Node node = nodes.get(r.node());
    long roundTrip = System.nanoTime() - r.coordinatorNanos();
    if (node != null && roundTrip < node.bestRoundTrip) {
      node.bestRoundTrip = roundTrip;
      node.clockOffsetMs =
          Summary.round3((r.workerNanos() - (r.coordinatorNanos() + roundTrip / 2)) / 1e6);
      node.clockUncertaintyMs = Summary.round3(roundTrip / 2e6);
    }
    return this;
  }

  private Behavior<Command> onEnded(Ended e) {
    Node node = nodes.get(e.node());
    if (node != null && !node.over()) {
      node.state = e.outcome().state();
      node.failure = e.outcome().failure();
      getContext().getLog().info("worker {}: {}", node.name, node.state);
    }
    return checkDone();
  }

  private Behavior<Command> onLost(Lost lost) {
    Node node = nodes.get(WorkerNode.name(lost.worker().path().address()));
    if (node == null || node.over()) {
      return this;
    }
    if (node.state.equals("idle")) {
      nodes.remove(node.name);
      return this;
    }
    node.state = "lost";
    node.usersLost = node.last == null ? node.users : node.last.usersConnected();
    node.failure = "left the cluster mid-run with " + node.usersLost + " users connected";
    metrics.usersGone(node.last == null ? 0 : node.last.usersConnected());
    getContext().getLog().warn("worker {} lost: {}", node.name, node.failure);
    return checkDone();
  }

  private Behavior<Command> checkDone() {
    if (!started || nodes.values().stream().anyMatch(Node::running)) {
      return this;
    }
    List<String> failures = new ArrayList<>();
    for (Node n : nodes.values()) {
      boolean counts =
          n.state.equals("failed") || (n.state.equals("lost") && !plan.tolerateNodeLoss());
      if (counts) {
        failures.add(
            "node " + n.name + " " + (n.state.equals("lost") ? "lost: " : "failed: ") + n.failure);
      }
    }
    RunController.Outcome outcome =
        failures.isEmpty()
            ? new RunController.Outcome(RunController.State.FINISHED, null)
            : new RunController.Outcome(RunController.State.FAILED, String.join("; ", failures));
    result.complete(
        new Result(
            outcome,
            nodes.values().stream()
                .filter(n -> !n.state.equals("idle"))
                .map(Node::result)
                .toList()));
    return Behaviors.stopped();
  }

  private Behavior<Command> onAddUsers(AddUsers add) {
    if (started && !unlistedWorkers().isEmpty()) {
      heldAdds.add(Map.entry(add, System.nanoTime() + LISTING_WAIT.toNanos()));
      timers.startSingleTimer(RetryAdds.INSTANCE, Duration.ofMillis(100));
      return this;
    }
    add(add);
    return this;
  }

  /** Splits {@code add} over the listed workers that can take users, or refuses it. */
  private void add(AddUsers add) {
    List<Node> targets =
        nodes.values().stream().filter(n -> n.running() || n.state.equals("idle")).toList();
    Answer refusal = refuseWhenNotRunning("add");
    if (refusal == null && (add.count() <= 0 || !(add.perSecond() > 0))) {
      refusal =
          Answer.refused(
              "add: give a number of users and an arrival rate, both more than 0 (add 100 50)");
    }
    if (refusal == null && targets.isEmpty()) {
      refusal = Answer.refused("add: no worker node can take users: start one with murm node");
    }
    Duration left = remaining();
    if (refusal == null && left != null && left.isNegative()) {
      refusal = Answer.refused("add: the run's duration is over");
    }
    if (refusal != null) {
      add.replyTo().tell(refusal);
      return;
    }
    int[] split = split(add.count(), targets.size());
    int usersAfter = add.count() + targets.stream().mapToInt(n -> n.users).sum();
    for (int i = 0; i < targets.size(); i++) {
      Node node = targets.get(i);
      double rate = add.perSecond() * split[i] / add.count();
      if (split[i] == 0) {
        continue;
      }
      if (node.state.equals("idle")) {
        assign(
            node,
            new WorkerNode.Slice(
                nextUserId,
                split[i],
                rate,
                0,
                left == null ? 0 : left.toMillis(),
                1.0 * split[i] / usersAfter));
      } else {
        node.ref.tell(new WorkerNode.AddUsers(split[i], rate, nextUserId));
        node.ranges.add(nextUserId + "-" + (nextUserId + split[i] - 1));
        node.users += split[i];
        nextUserId += split[i];
      }
    }
    target += add.count();
    metrics.usersTarget(target);
    shareThrottles();
    add.replyTo()
        .tell(
            Answer.accepted(
                "adding "
                    + add.count()
                    + " users at "
                    + add.perSecond()
                    + "/s over "
                    + targets.size()
                    + " nodes"));
  }

  private Behavior<Command> onRemoveUsers(RemoveUsers remove) {
    Answer refusal = refuseWhenNotRunning("remove");
    if (refusal == null && remove.count() <= 0) {
      refusal = Answer.refused("remove: give a number of users more than 0 (remove 10)");
    }
    if (refusal != null) {
      remove.replyTo().tell(refusal);
      return this;
    }
    List<Node> running = nodes.values().stream().filter(Node::running).toList();
    int total = running.stream().mapToInt(n -> n.users).sum();
    int removed = Math.min(remove.count(), total);
    // in proportion to each node's users, the remainder from the first nodes
    int[] parts = new int[running.size()];
    int left = removed;
    for (int i = 0; i < parts.length; i++) {
      parts[i] = (int) Math.floor(1.0 * removed * running.get(i).users / total);
      left -= parts[i];
    }
    for (int i = 0; i < parts.length && left > 0; i++) {
      int more = Math.min(left, running.get(i).users - parts[i]);
      parts[i] += more;
      left -= more;
    }
    for (int i = 0; i < parts.length; i++) {
      if (parts[i] > 0) {
        running.get(i).ref.tell(new WorkerNode.RemoveUsers(parts[i]));
        running.get(i).users -= parts[i];
      }
    }
    target -= removed;
    metrics.usersTarget(target);
    shareThrottles();
    remove.replyTo().tell(Answer.accepted("removing " + removed + " users"));
    return this;
  }

  private Behavior<Command> onSetThrottle(SetThrottle set) {
    Answer refusal = refuseWhenNotRunning("throttle");
    if (refusal == null) {
      String problem =
          Throttle.problem(throttles.keySet(), plan.scenario(), set.name(), set.perSecond());
      refusal = problem == null ? null : Answer.refused(problem);
    }
    if (refusal != null) {
      set.replyTo().tell(refusal);
      return this;
    }
    throttles.put(set.name(), set.perSecond());
    shareThrottles();
    set.replyTo()
        .tell(
            Answer.accepted(
                "throttle " + set.name() + " set to " + set.perSecond() + "/s across the nodes"));
    return this;
  }

  /** Each running node gets each throttle's run-wide rate times its share of the users. */
  private void shareThrottles() {
    int total = nodes.values().stream().filter(Node::running).mapToInt(n -> n.users).sum();
    for (Node node : nodes.values()) {
      if (node.running() && total > 0) {
        throttles.forEach(
            (name, rate) ->
                node.ref.tell(new WorkerNode.SetThrottle(name, rate * node.users / total)));
      }
    }
  }

  private Behavior<Command> onSetParam(SetParam set) {
    Answer refusal = refuseWhenNotRunning("set");
    if (refusal != null) {
      set.replyTo().tell(refusal);
      return this;
    }
    nodes.values().stream()
        .filter(Node::running)
        .forEach(n -> n.ref.tell(new WorkerNode.SetParam(set.name(), set.value())));
    set.replyTo().tell(Answer.accepted("parameter " + set.name() + " = " + set.value()));
    return this;
  }

  private Behavior<Command> onStop(Stop stop) {
    if (!started) {
      stop.replyTo().tell(Answer.refused("stop: the run has not started yet"));
      return this;
    }
    stopping = true;
    nodes.values().stream()
        .filter(Node::running)
        .forEach(n -> n.ref.tell(new WorkerNode.Stop(stop.reason())));
    stop.replyTo().tell(Answer.accepted("stopping"));
    return this;
  }

  private Behavior<Command> onAbandon() {
    nodes.values().stream()
        .filter(Node::running)
        .forEach(n -> n.ref.tell(new WorkerNode.Stop("the coordinator gave the run up")));
    result.complete(
        new Result(
            new RunController.Outcome(RunController.State.FAILED, "given up by the coordinator"),
            List.of()));
    return Behaviors.stopped();
  }

  private Answer refuseWhenNotRunning(String verb) {
    if (!started) {
      return Answer.refused(verb + ": the run has not started yet: wait for its worker nodes");
    }
    if (stopping) {
      return Answer.refused(verb + ": the run is stopping");
    }
    return null;
  }

  /** What is left of the run's duration, or null when it has none. */
  private Duration remaining() {
    Duration d = plan.load().duration();
    return d == null ? null : d.minusNanos(System.nanoTime() - startNanos);
  }
}
