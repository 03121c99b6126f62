package io.murmuration.engine;

import io.murmuration.accounts.Accounts;
import io.murmuration.metrics.Metrics;
import io.murmuration.scenario.Param;
import io.murmuration.scenario.User;
import io.murmuration.xmpp.Incoming;
import io.murmuration.xmpp.Stanza;
import io.murmuration.xmpp.TtdStamp;
import io.murmuration.xmpp.XmppClient;
import io.murmuration.xmpp.XmppException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One simulated user: owns its XMPP client and runs the scenario's per-user code, one callback at a
 * time. Everything that waits (network, timers, throttle, coordinator) comes back as a message, so
 * no dispatcher thread ever blocks.
 *
 * <p>Received messages are timed on the connection's thread as they arrive (see {@link
 * #timeDelivery}); the actor only sees them when the scenario asked for them.
 */
final class UserActor extends AbstractBehavior<UserActor.Command> {

  sealed interface Command {}

  /** From the run controller. */
  enum Control implements Command {
    /** The run is stopping: drop scheduled callbacks and sends, keep receiving. */
    QUIESCE,
    /** Log out and end. */
    LEAVE
  }

  /**
   * Runs a scenario callback meant for {@code intendedNanos}; {@code timed}: record its lag; {@code
   * grant}: it is the action a throttle slot was granted for.
   */
  private record Fire(Runnable action, long intendedNanos, boolean timed, boolean grant)
      implements Command {}

  private record Registered(Throwable failure, Runnable then) implements Command {}

  private record Connected(XmppClient.ConnectTimes times, Throwable failure, Runnable then)
      implements Command {}

  private record Received(Incoming message) implements Command {}

  private record ReceivedStanza(Stanza stanza) implements Command {}

  private record Lost(XmppException cause) implements Command {}

  private record Disconnected() implements Command {}

  private final int id;
  private final RunContext run;
  private final Metrics metrics;
  private final ActorRef<RunController.Command> controller;
  private final XmppClient client;
  private final Api api = new Api();

  private ActorRef<Coordinator.Group> groups;
  private volatile boolean wantsMessages;
  private volatile boolean wantsStanzas;
  private Consumer<Incoming> messageHandler;
  private Consumer<Stanza> stanzaHandler;
  private boolean awaitingThrottle;
  private final List<Fire> held = new ArrayList<>();
  private boolean connecting;
  private boolean connected;
  private boolean quiescing;
  private boolean leaving;
  private boolean ended;
  private long currentIntended;

  static Behavior<Command> create(
      int id, RunContext run, ActorRef<RunController.Command> controller) {
    return Behaviors.setup(
        ctx -> {
          UserActor user = new UserActor(ctx, id, run, controller);
          return user.ended ? Behaviors.stopped() : user; // the scenario's start() threw
        });
  }

  private UserActor(
      ActorContext<Command> context,
      int id,
      RunContext run,
      ActorRef<RunController.Command> controller) {
    super(context);
    this.id = id;
    this.run = run;
    this.metrics = run.metrics();
    this.controller = controller;
    this.client = run.transport().open(run.accounts().forUser(id), new Listener());
    guarded(System.nanoTime(), () -> run.scenario().start(api));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Fire.class, this::onFire)
        .onMessage(Registered.class, this::onRegistered)
        .onMessage(Connected.class, this::onConnected)
        .onMessage(Received.class, r -> handle(messageHandler, r.message()))
        .onMessage(ReceivedStanza.class, r -> handle(stanzaHandler, r.stanza()))
        .onMessage(Lost.class, this::onLost)
        .onMessage(Disconnected.class, d -> afterDisconnect())
        .onMessageEquals(Control.QUIESCE, this::onQuiesce)
        .onMessageEquals(Control.LEAVE, this::onLeave)
        .build();
  }

  private Behavior<Command> onFire(Fire fire) {
    if (quiescing || leaving) {
      return this;
    }
    if (awaitingThrottle && !fire.grant()) {
      held.add(fire); // the user waits for its throttle slot, as amoc's send_and_wait does
      return this;
    }
    awaitingThrottle &= !fire.grant();
    if (fire.timed()) {
      metrics.record(Metrics.Timer.LAG, System.nanoTime() - fire.intendedNanos());
    }
    Behavior<Command> next = guarded(fire.intendedNanos(), fire.action());
    if (!awaitingThrottle && !held.isEmpty()) {
      // what came due while waiting runs now, timed from the slot: waiting was the scenario's
      // choice
      for (Fire f : held) {
        getContext()
            .getSelf()
            .tell(
                new Fire(
                    f.action(),
                    Math.max(f.intendedNanos(), fire.intendedNanos()),
                    f.timed(),
                    false));
      }
      held.clear();
    }
    return next;
  }

  private Behavior<Command> onRegistered(Registered r) {
    if (r.failure() != null) {
      return fail(r.failure());
    }
    startConnect(r.then());
    return this;
  }

  private Behavior<Command> onConnected(Connected c) {
    connecting = false;
    if (c.failure() != null) {
      return fail(c.failure());
    }
    metrics.record(Metrics.Timer.CONNECT, c.times().tcpNanos());
    metrics.record(Metrics.Timer.LOGIN, c.times().loginNanos());
    metrics.userConnected();
    connected = true;
    if (leaving) {
      return startDisconnect();
    }
    return guarded(System.nanoTime(), c.then());
  }

  private <T> Behavior<Command> handle(Consumer<T> handler, T item) {
    if (handler == null || leaving) {
      return this;
    }
    return guarded(System.nanoTime(), () -> handler.accept(item));
  }

  private Behavior<Command> onLost(Lost lost) {
    if (leaving) {
      return this;
    }
    connected = false;
    metrics.userDisconnected();
    return end(lost.cause().kind());
  }

  private Behavior<Command> onQuiesce() {
    quiescing = true;
    controller.tell(new RunController.Quiesced(id)); // no send of this user can follow now
    return this;
  }

  private Behavior<Command> onLeave() {
    leaving = true;
    if (connected) {
      return startDisconnect();
    }
    // still connecting: onConnected disconnects; never connecting: nothing to wait for
    return connecting ? this : end(null);
  }

  /** Runs scenario code as the current callback; a scenario exception ends the user. */
  private Behavior<Command> guarded(long intendedNanos, Runnable action) {
    currentIntended = intendedNanos;
    try {
      action.run();
    } catch (RuntimeException e) {
      getContext().getLog().warn("user {}: scenario {} failed", id, run.scenario().name(), e);
      metrics.error("scenario");
      if (connected) {
        client.disconnect();
        metrics.userDisconnected();
        connected = false;
      }
      return end("scenario");
    }
    return ended ? Behaviors.stopped() : this;
  }

  private Behavior<Command> fail(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    String kind = cause instanceof XmppException x ? x.kind() : "internal";
    if (!(cause instanceof XmppException)) {
      getContext().getLog().warn("user {}: unexpected failure", id, cause);
    } else {
      getContext().getLog().debug("user {}: {}", id, cause.getMessage());
    }
    metrics.error(kind);
    return end(kind);
  }

  private Behavior<Command> startDisconnect() {
    leaving = true;
    getContext().pipeToSelf(client.disconnect(), (ok, failure) -> new Disconnected());
    return this;
  }

  private Behavior<Command> afterDisconnect() {
    if (connected) {
      connected = false;
      metrics.userDisconnected();
    }
    return end(null);
  }

  /** Tells the controller this user is gone ({@code errorKind} null: as planned) and stops. */
  private Behavior<Command> end(String errorKind) {
    if (!ended) {
      ended = true;
      controller.tell(new RunController.UserEnded(id, errorKind));
    }
    return Behaviors.stopped();
  }

  private void startConnect(Runnable then) {
    connecting = true;
    getContext()
        .pipeToSelf(client.connect(), (times, failure) -> new Connected(times, failure, then));
  }

  private void schedule(Runnable action, long intendedNanos) {
    if (quiescing || leaving) {
      return;
    }
    run.timer()
        .schedule(
            intendedNanos, getContext().getSelf(), new Fire(action, intendedNanos, true, false));
  }

  /**
   * Counts a message as it arrives, on the connection's thread: on time (its TTD recorded from the
   * sender's intended send time), or late (marked delayed by the server, or stamped by another run,
   * whose clock means nothing here).
   */
  private void timeDelivery(Incoming m) {
    TtdStamp stamp = m.stamp();
    if (stamp == null) {
      return;
    }
    if (!m.delayed() && stamp.runId().equals(run.runId())) {
      metrics.record(Metrics.Timer.TTD, m.receivedAtNanos() - stamp.intendedNanos());
      metrics.messageReceived();
    } else {
      metrics.messageLate();
    }
  }

  /** Connection callbacks, on the transport's threads: count, then hand over as messages. */
  private final class Listener implements XmppClient.Listener {
    @Override
    public void onMessage(Incoming message) {
      timeDelivery(message);
      if (wantsMessages) {
        getContext().getSelf().tell(new Received(message));
      }
    }

    @Override
    public void onStanza(Stanza stanza) {
      if (wantsStanzas) {
        getContext().getSelf().tell(new ReceivedStanza(stanza));
      }
    }

    @Override
    public void onSendFailed(XmppException failure) {
      metrics.error(failure.kind());
    }

    @Override
    public void onConnectionLost(XmppException cause) {
      metrics.error(cause.kind());
      getContext().getSelf().tell(new Lost(cause));
    }
  }

  /** The scenario's view of this user; only called from inside this actor's callbacks. */
  private final class Api implements User {
    @Override
    public int id() {
      return id;
    }

    @Override
    public String jid(int userId) {
      return run.jid(userId);
    }

    @Override
    public <T> T param(Param<T> param) {
      return run.params().get(param);
    }

    @Override
    public void connect(Runnable then) {
      if (run.accounts().mode() == Accounts.Mode.REGISTER) {
        connecting = true;
        getContext().pipeToSelf(client.register(), (ok, failure) -> new Registered(failure, then));
      } else {
        startConnect(then);
      }
    }

    @Override
    public void sendPresence() {
      if (connected && !quiescing) {
        client.sendPresence();
      }
    }

    @Override
    public void sendChat(int toUserId, String body) {
      if (connected && !quiescing) {
        client.sendChat(run.jid(toUserId), body, new TtdStamp(run.runId(), currentIntended));
        metrics.messageSent();
      }
    }

    @Override
    public void sendStanza(String xml) {
      if (connected && !quiescing) {
        client.sendStanza(xml);
      }
    }

    @Override
    public void onMessage(Consumer<Incoming> handler) {
      messageHandler = handler;
      wantsMessages = handler != null;
    }

    @Override
    public void onStanza(Consumer<Stanza> handler) {
      stanzaHandler = handler;
      wantsStanzas = handler != null;
    }

    @Override
    public void after(Duration delay, Runnable action) {
      schedule(action, currentIntended + delay.toNanos());
    }

    @Override
    public void repeat(Supplier<Duration> interval, int times, IntConsumer action, Runnable done) {
      step(interval, times, action, done, 0);
    }

    private void step(
        Supplier<Duration> interval, int times, IntConsumer action, Runnable done, int i) {
      action.accept(i);
      if (times > 0 && i + 1 >= times) {
        done.run();
      } else {
        schedule(
            () -> step(interval, times, action, done, i + 1),
            currentIntended + interval.get().toNanos());
      }
    }

    @Override
    public void throttled(String throttle, Runnable action) {
      long slot = run.throttle().acquire(throttle, currentIntended);
      if (slot == currentIntended) {
        action.run(); // a free slot: no reason to leave this callback
      } else if (!quiescing && !leaving) {
        awaitingThrottle = true;
        run.timer().schedule(slot, getContext().getSelf(), new Fire(action, slot, true, true));
      }
    }

    @Override
    public void coordinate(
        String name, int groupSize, Duration timeout, Consumer<List<Integer>> action) {
      if (groups == null) {
        groups =
            getContext()
                .messageAdapter(
                    Coordinator.Group.class,
                    g ->
                        new Fire(
                            () -> g.action().accept(g.userIds()), System.nanoTime(), false, false));
      }
      run.coordinator().tell(new Coordinator.Join(name, groupSize, timeout, id, action, groups));
    }

    @Override
    public void finish() {
      if (connected) {
        startDisconnect();
      } else {
        leaving = true;
        end(null);
      }
    }
  }
}
