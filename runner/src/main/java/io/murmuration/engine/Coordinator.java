package io.murmuration.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Groups users for scenario code (amoc_coordinator): users join a named coordinator; when {@code
 * groupSize} have joined, every member is handed the ids of the whole group. A group that stays
 * incomplete for {@code timeout} after its first member joined is handed out as it is, so a run
 * whose user count is not a multiple of the group size, or that lost users, does not wait forever.
 */
public final class Coordinator extends AbstractBehavior<Coordinator.Command> {

  public sealed interface Command {}

  public record Join(
      String name,
      int groupSize,
      Duration timeout,
      int userId,
      Consumer<List<Integer>> action,
      ActorRef<Group> replyTo)
      implements Command {}

  /** A complete (or timed-out) group, sent to each member with that member's own action. */
  public record Group(List<Integer> userIds, Consumer<List<Integer>> action) {}

  private record Timeout(String name, int generation) implements Command {}

  private final TimerScheduler<Command> timers;
  private final Map<String, List<Join>> pending = new HashMap<>();
  private final Map<String, Integer> generation = new HashMap<>();

  public static Behavior<Command> create() {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Coordinator(ctx, timers)));
  }

  private Coordinator(ActorContext<Command> context, TimerScheduler<Command> timers) {
    super(context);
    this.timers = timers;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Join.class, this::onJoin)
        .onMessage(Timeout.class, this::onTimeout)
        .build();
  }

  private Behavior<Command> onJoin(Join join) {
    List<Join> group = pending.computeIfAbsent(join.name(), n -> new ArrayList<>());
    group.add(join);
    if (group.size() == 1) {
      int gen = generation.merge(join.name(), 1, Integer::sum);
      timers.startSingleTimer(join.name(), new Timeout(join.name(), gen), join.timeout());
    }
    if (group.size() >= join.groupSize()) {
      handOut(join.name());
    }
    return this;
  }

  private Behavior<Command> onTimeout(Timeout t) {
    if (t.generation() == generation.getOrDefault(t.name(), 0) && pending.containsKey(t.name())) {
      handOut(t.name());
    }
    return this;
  }

  private void handOut(String name) {
    List<Join> members = pending.remove(name);
    timers.cancel(name);
    List<Integer> ids = members.stream().map(Join::userId).toList();
    for (Join m : members) {
      m.replyTo().tell(new Group(ids, m.action()));
    }
  }
}
