package io.murmuration.engine;

import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Named rates shared by all users of a run (amoc_throttle). A user asks for a slot; the throttle
 * answers at once with the time the action is meant to run, spacing slots of one name {@code
 * 1/rate} apart, and the user schedules itself for that time. Nobody waits inside the throttle, and
 * the slot time is the intended time from which lag and time-to-delivery are measured.
 *
 * <p>Unused capacity does not accumulate: after an idle spell the next slot is simply "now".
 */
public final class Throttle extends AbstractBehavior<Throttle.Command> {

  public sealed interface Command {}

  /** Asks for a slot of throttle {@code name} not before {@code notBeforeNanos}. */
  public record Acquire(String name, long notBeforeNanos, Runnable then, ActorRef<Granted> replyTo)
      implements Command {}

  /** Changes a rate, in actions per second; 0 means no limit. */
  public record SetRate(String name, double perSecond) implements Command {}

  /** The slot: run {@code then} at {@code slotNanos} ({@link System#nanoTime()} scale). */
  public record Granted(long slotNanos, Runnable then) {}

  private final Map<String, Double> rates = new HashMap<>();
  private final Map<String, Long> nextFree = new HashMap<>();

  public static Behavior<Command> create(Map<String, Double> initialRates) {
    return Behaviors.setup(ctx -> new Throttle(ctx, initialRates));
  }

  private Throttle(ActorContext<Command> context, Map<String, Double> initialRates) {
    super(context);
    rates.putAll(initialRates);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Acquire.class, this::onAcquire)
        .onMessage(SetRate.class, this::onSetRate)
        .build();
  }

  private Behavior<Command> onAcquire(Acquire a) {
    Double rate = rates.get(a.name());
    if (rate == null) {
      throw new IllegalStateException(
          "throttle '" + a.name() + "' is not declared: declare it in the scenario's init()");
    }
    long slot = a.notBeforeNanos();
    if (rate > 0) {
      slot = Math.max(slot, nextFree.getOrDefault(a.name(), Long.MIN_VALUE));
      nextFree.put(a.name(), slot + (long) (1e9 / rate));
    }
    a.replyTo().tell(new Granted(slot, a.then()));
    return this;
  }

  private Behavior<Command> onSetRate(SetRate s) {
    rates.put(s.name(), s.perSecond());
    getContext().getLog().info("throttle {} set to {}/s", s.name(), s.perSecond());
    return this;
  }
}
