package io.murmuration.engine;

import io.murmuration.accounts.Accounts;
import io.murmuration.metrics.Actions;
import io.murmuration.metrics.Metrics;
import io.murmuration.scenario.Counter;
import io.murmuration.scenario.Incoming;
import io.murmuration.scenario.IqReply;
import io.murmuration.scenario.Param;
import io.murmuration.scenario.Stanza;
import io.murmuration.scenario.Timer;
import io.murmuration.scenario.TtdStamp;
import io.murmuration.scenario.User;
import io.murmuration.xmpp.XmppClient;
import io.murmuration.xmpp.XmppException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
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
 *
 * <p>Every action the scenario asks for is entered in the run's {@link Actions} books as planned
 * and, when it happens, as done; what the user still owes when it ends is entered as not done, with
 * the reason it ended (run stopped, removed, failed, finished).
 */
final class UserActor extends AbstractBehavior<UserActor.Command> {

  sealed interface Command {}

  /** From the run controller. */
  enum Control implements Command {
    /** The run is stopping: drop scheduled callbacks and sends, keep receiving. */
    QUIESCE,
    /**
     * This user is removed from the run: as {@link #QUIESCE} (what it leaves undone counts as
     * removed); nobody sends to it any more, and it is told to leave once drained.
     */
    REMOVE,
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

  /** Back-pressure from the connection: see {@link XmppClient.Listener#onWritable}. */
  private record Writable(boolean writable) implements Command {}

  /** A registration the scenario asked for ({@link User#register}) ended. */
  private record RegisterDone(
      XmppClient.Registration registration,
      Throwable failure,
      long intendedNanos,
      Timer timer,
      Consumer<String> then)
      implements Command {}

  private record Connected(XmppClient.ConnectTimes times, Throwable failure, Runnable then)
      implements Command {}

  private record Received(Incoming message) implements Command {}

  private record ReceivedStanza(Stanza stanza) implements Command {}

  private record Lost(XmppException cause) implements Command {}

  /** An IQ request of the scenario ended: a response, or a failure (time-out, not sent). */
  private record IqDone(
      Stanza response, Throwable failure, long intendedNanos, Timer timer, Consumer<IqReply> then)
      implements Command {}

  private record Disconnected() implements Command {}

  /** The server reflected this user's available presence back to it. */
  private record Available() implements Command {}

  /** No reflected presence within the reply timeout ({@code generation} of the wait). */
  private record PresenceTimeout(int generation) implements Command {}

  /** Stream management with resumption was enabled, or not ({@code failure}). */
  private record ResumptionEnabled(Throwable failure, Runnable then) implements Command {}

  /**
   * A resumption after {@link User#interrupt} ended: {@code nanos} from the client's start, which
   * the actor asked for at {@code askedNanos}, meant for {@code intendedNanos}.
   */
  private record Resumed(
      Long nanos,
      Throwable failure,
      long intendedNanos,
      long askedNanos,
      Timer timer,
      Runnable then)
      implements Command {}

  static final String LOGIN = "login";
  static final String REGISTER = "register";
  static final String PRESENCE = "presence";
  static final String MESSAGE = "message";
  static final String STANZA = "stanza";
  static final String IQ = "iq";
  static final String AFTER = "after";
  static final String REPEAT = "repeat";
  static final String THROTTLED = "throttled:";
  static final String COORDINATE = "coordinate:";
  static final String ENABLE_RESUMPTION = "enable-resumption";
  static final String RESUME = "resume";

  private final int id;
  private final RunContext run;
  private final Metrics metrics;

  /** The metrics of this user's wire too, when the run keeps wires apart; else null. */
  private final Metrics wire;

  private final ActorRef<RunController.Command> controller;
  private final XmppClient client;
  private final String ownJid;
  private final Api api = new Api();

  /** Actions planned and neither done nor given up yet, by kind (counts in a box of one). */
  private final Map<String, int[]> owed = new HashMap<>(4);

  /** {@code throttled:<name>} by throttle name: no string built per throttled action. */
  private static final Map<String, String> THROTTLED_KINDS = new ConcurrentHashMap<>();

  private volatile boolean awaitingPresence;
  private Runnable afterPresence;
  private int presenceGeneration;

  private ActorRef<Coordinator.Group> groups;
  private volatile boolean wantsMessages;
  private volatile boolean wantsStanzas;
  private Consumer<Incoming> messageHandler;
  private Consumer<Stanza> stanzaHandler;
  private boolean awaitingThrottle;

  /** The connection's outbound buffer is full: every callback waits in {@link #held}. */
  private boolean writeHeld;

  private final List<Fire> held = new ArrayList<>();
  private boolean connecting;
  private boolean registered;
  private boolean connected;
  private boolean quiescing;
  private boolean removed;
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
    this.ownJid = run.jid(id);
    this.wire = run.wireMetrics(id);
    this.client = run.transport().open(run.accounts().forUser(id), new Listener());
    guarded(System.nanoTime(), () -> run.scenario().start(api));
  }

  @Override
  public Receive<Command> createReceive() {
    // one case, not one per message type: a builder's cases and their lambdas are made per actor,
    // and this actor exists once per user (sixteen cases and arrays: ~0.44 KiB per user at 10,000)
    return newReceiveBuilder().onMessage(Command.class, this::receive).build();
  }

  private Behavior<Command> receive(Command command) {
    return switch (command) {
      case Fire fire -> onFire(fire);
      case Registered registered -> onRegistered(registered);
      case RegisterDone done -> onRegisterDone(done);
      case Connected connected -> onConnected(connected);
      case Received r -> handle(messageHandler, r.message());
      case ReceivedStanza r -> handle(stanzaHandler, r.stanza());
      case Lost lost -> onLost(lost);
      case IqDone done -> onIqDone(done);
      case Disconnected d -> afterDisconnect();
      case Available a -> onAvailable();
      case PresenceTimeout timeout -> onPresenceTimeout(timeout);
      case ResumptionEnabled enabled -> onResumptionEnabled(enabled);
      case Resumed resumed -> onResumed(resumed);
      case Writable w -> onWritable(w.writable());
      case Control control ->
          switch (control) {
            case QUIESCE -> onQuiesce();
            case REMOVE -> {
              removed = true;
              yield onQuiesce();
            }
            case LEAVE -> onLeave();
          };
    };
  }

  private Behavior<Command> onFire(Fire fire) {
    if (quiescing || leaving) {
      return this;
    }
    if (writeHeld || (awaitingThrottle && !fire.grant())) {
      // the user waits for its throttle slot, as amoc's send_and_wait does, or for the server to
      // read what it wrote
      held.add(fire);
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

  /**
   * Back-pressure: while the server reads slower than this user writes, the user's callbacks wait
   * (and with them its sends), each timed from its intended time, so the wait shows in lag and TTD;
   * each hold is counted ({@code runner.send_holds}). Nothing piles up in Netty's buffer.
   */
  private Behavior<Command> onWritable(boolean writable) {
    if (!writable) {
      if (!writeHeld) {
        writeHeld = true;
        metrics.sendHeld();
      }
      return this;
    }
    writeHeld = false;
    List<Fire> waiting = List.copyOf(held);
    held.clear();
    waiting.forEach(getContext().getSelf()::tell); // as they were: a throttle's hold still holds
    return this;
  }

  private Behavior<Command> onRegistered(Registered r) {
    if (r.failure() != null) {
      return fail(r.failure());
    }
    startConnect(r.then());
    return this;
  }

  private Behavior<Command> onRegisterDone(RegisterDone done) {
    if (leaving) {
      return this; // the books close when the user ends
    }
    paid(REGISTER);
    registered = true;
    XmppClient.Registration registration = done.registration();
    String reason = null;
    long answered = System.nanoTime();
    if (done.failure() != null) {
      Throwable cause =
          done.failure() instanceof CompletionException && done.failure().getCause() != null
              ? done.failure().getCause()
              : done.failure();
      reason = cause instanceof XmppException x ? x.reason() : "internal";
    } else if (!registration.created()) {
      reason = "conflict";
      answered = registration.answeredAtNanos();
    } else {
      answered = registration.answeredAtNanos();
      if (done.timer() != null) {
        timeScenario(done.timer(), answered - done.intendedNanos());
      }
    }
    if (reason != null) {
      metrics.error(REGISTER);
    }
    String why = reason;
    return guarded(answered, () -> done.then().accept(why));
  }

  private Behavior<Command> onConnected(Connected c) {
    connecting = false;
    if (c.failure() != null) {
      return fail(c.failure());
    }
    time(Metrics.Timer.CONNECT, c.times().tcpNanos());
    time(Metrics.Timer.LOGIN, c.times().loginNanos());
    connectedNow();
    connected = true;
    paid(LOGIN);
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

  private Behavior<Command> onAvailable() {
    Runnable then = afterPresence;
    if (then == null || leaving) {
      return this;
    }
    afterPresence = null;
    presenceGeneration++;
    paid(PRESENCE);
    return guarded(System.nanoTime(), then);
  }

  private Behavior<Command> onPresenceTimeout(PresenceTimeout t) {
    if (afterPresence == null || t.generation() != presenceGeneration || leaving) {
      return this;
    }
    afterPresence = null;
    awaitingPresence = false;
    if (connected) {
      client.disconnect();
      disconnectedNow();
      connected = false;
    }
    return fail(
        new XmppException(
            "presence-timeout",
            "the server did not reflect the available presence within "
                + run.replyTimeout().toMillis()
                + " ms"));
  }

  private Behavior<Command> onResumptionEnabled(ResumptionEnabled enabled) {
    if (leaving) {
      return this; // the books close when the user ends
    }
    if (enabled.failure() != null) {
      if (connected) {
        client.disconnect();
        disconnectedNow();
        connected = false;
      }
      return fail(enabled.failure());
    }
    paid(ENABLE_RESUMPTION);
    return guarded(System.nanoTime(), enabled.then());
  }

  /** The gap of an {@link User#interrupt} is over: resume the stream. */
  private void startResume(long intendedNanos, Timer timer, Runnable then) {
    connecting = true;
    long asked = System.nanoTime();
    getContext()
        .pipeToSelf(
            client.resume(),
            (nanos, failure) -> new Resumed(nanos, failure, intendedNanos, asked, timer, then));
  }

  private Behavior<Command> onResumed(Resumed r) {
    connecting = false;
    if (r.failure() != null) {
      return fail(r.failure());
    }
    connectedNow();
    connected = true;
    paid(RESUME);
    if (r.timer() != null) { // charged from the intended end of the gap, runner delays included
      timeScenario(r.timer(), r.askedNanos() - r.intendedNanos() + r.nanos());
    }
    if (leaving) {
      return startDisconnect();
    }
    return guarded(System.nanoTime(), r.then());
  }

  private Behavior<Command> onIqDone(IqDone done) {
    if (leaving) {
      return this; // the books close when the user ends
    }
    Throwable cause =
        done.failure() instanceof CompletionException && done.failure().getCause() != null
            ? done.failure().getCause()
            : done.failure();
    String kind = cause instanceof XmppException x ? x.kind() : cause == null ? null : "internal";
    if (cause != null && !"iq-timeout".equals(kind)) {
      forgone(IQ, Actions.Reason.NOT_CONNECTED); // never sent
      metrics.error(kind);
      return this;
    }
    paid(IQ);
    long arrived = done.response() == null ? System.nanoTime() : done.response().receivedAtNanos();
    IqReply reply = new IqReply(done.response(), arrived - done.intendedNanos());
    if (reply.timedOut()) {
      metrics.error("iq-timeout");
    } else if (!reply.ok()) {
      metrics.error("iq-error");
    }
    if (done.timer() != null) {
      timeScenario(done.timer(), reply.roundTripNanos());
    }
    return guarded(arrived, () -> done.then().accept(reply));
  }

  private Behavior<Command> onLost(Lost lost) {
    if (leaving) {
      return this;
    }
    connected = false;
    disconnectedNow();
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
        disconnectedNow();
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
      disconnectedNow();
    }
    return end(null);
  }

  /** Tells the controller this user is gone ({@code errorKind} null: as planned) and stops. */
  private Behavior<Command> end(String errorKind) {
    if (!ended) {
      ended = true;
      Actions.Reason reason =
          errorKind != null
              ? Actions.Reason.USER_FAILED
              : quiescing ? quiesced() : Actions.Reason.USER_FINISHED;
      owed.forEach(
          (kind, n) -> {
            if (n[0] > 0) {
              metrics.actions().notDone(kind, reason, n[0]);
            }
          });
      owed.clear();
      controller.tell(new RunController.UserEnded(id, errorKind));
    }
    return Behaviors.stopped();
  }

  /** Records on a runner timer, and on this user's wire's. */
  private void time(Metrics.Timer timer, long nanos) {
    metrics.record(timer, nanos);
    if (wire != null) {
      wire.record(timer, nanos);
    }
  }

  /** Records on a scenario timer, and on this user's wire's. */
  private void timeScenario(Timer timer, long nanos) {
    metrics.scenario().record(timer, nanos);
    if (wire != null) {
      wire.scenario().record(timer, nanos);
    }
  }

  private void connectedNow() {
    metrics.userConnected();
    if (wire != null) {
      wire.userConnected();
    }
  }

  private void disconnectedNow() {
    metrics.userDisconnected();
    if (wire != null) {
      wire.userDisconnected();
    }
  }

  /** Enters {@code count} actions of {@code kind} as planned and owed by this user. */
  private void owe(String kind, int count) {
    owed.computeIfAbsent(kind, k -> new int[1])[0] += count;
    metrics.actions().planned(kind, count);
  }

  /** One owed action of {@code kind} was done. */
  private void paid(String kind) {
    owed.get(kind)[0]--;
    metrics.actions().done(kind);
  }

  /** One owed action of {@code kind} will not be done, for {@code reason}. */
  private void forgone(String kind, Actions.Reason reason) {
    owed.get(kind)[0]--;
    metrics.actions().notDone(kind, reason, 1);
  }

  /** An action planned and settled at once: a send, done, or refused for {@code refused}. */
  private void sendAction(String kind, Actions.Reason refused) {
    metrics.actions().planned(kind, 1);
    if (refused == null) {
      metrics.actions().done(kind);
    } else {
      metrics.actions().notDone(kind, refused, 1);
    }
  }

  /** Why this user cannot send now (it quiesced, or it is not connected), or null if it can. */
  private Actions.Reason refusal() {
    return quiescing ? quiesced() : connected ? null : Actions.Reason.NOT_CONNECTED;
  }

  /** Why this user quiesced: it was removed, or the run is stopping. */
  private Actions.Reason quiesced() {
    return removed ? Actions.Reason.USER_REMOVED : Actions.Reason.RUN_STOPPED;
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
    boolean ours = stamp.runId().equals(run.runId());
    if (ours) {
      run.inFlight().delivered(id);
    }
    if (!m.delayed() && ours) {
      time(Metrics.Timer.TTD, m.receivedAtNanos() - stamp.intendedNanos());
      metrics.messageReceived();
    } else {
      metrics.messageLate();
    }
  }

  /** Available presence from one of this user's own resources: the server's reflection. */
  private boolean isOwnAvailablePresence(Stanza stanza) {
    String from = stanza.from();
    if (!"presence".equals(stanza.kind()) || stanza.type() != null || from == null) {
      return false;
    }
    int slash = from.indexOf('/');
    return (slash < 0 ? from : from.substring(0, slash)).equalsIgnoreCase(ownJid);
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
      if (awaitingPresence && isOwnAvailablePresence(stanza)) {
        awaitingPresence = false;
        getContext().getSelf().tell(new Available());
      }
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

    @Override
    public void onWritable(boolean writable) {
      getContext().getSelf().tell(new Writable(writable));
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
      owe(LOGIN, 1);
      if (run.accounts().mode() == Accounts.Mode.REGISTER && !registered) {
        connecting = true;
        getContext().pipeToSelf(client.register(), (ok, failure) -> new Registered(failure, then));
      } else {
        startConnect(then);
      }
    }

    @Override
    public void register(Timer timer, Consumer<String> then) {
      owe(REGISTER, 1);
      if (quiescing) {
        forgone(REGISTER, quiesced());
        return;
      }
      long intended = currentIntended;
      getContext()
          .pipeToSelf(
              client.register(),
              (registration, failure) ->
                  new RegisterDone(registration, failure, intended, timer, then));
    }

    @Override
    public void sendPresence(Runnable then) {
      owe(PRESENCE, 1);
      if (!connected || quiescing) {
        forgone(PRESENCE, refusal());
        return;
      }
      afterPresence = then;
      int generation = ++presenceGeneration;
      awaitingPresence = true;
      client.sendPresence(run.capabilities());
      run.timer()
          .schedule(
              System.nanoTime() + run.replyTimeout().toNanos(),
              getContext().getSelf(),
              new PresenceTimeout(generation));
    }

    @Override
    public boolean sendChat(int toUserId, String body) {
      return chat(toUserId, body, 1);
    }

    @Override
    public boolean sendChatToOffline(int toUserId, String body) {
      return chat(toUserId, body, 0);
    }

    /**
     * A stamped chat message meant to be delivered {@code deliveries} (0 or 1) times; never one
     * expecting a delivery to a user that is leaving (removed): it would reach an offline account.
     */
    private boolean chat(int toUserId, String body, int deliveries) {
      Actions.Reason refused = refusal();
      if (refused == null && deliveries > 0 && !run.inFlight().send(toUserId)) {
        refused = Actions.Reason.USER_REMOVED;
      }
      if (refused == null) {
        client.sendChat(run.jid(toUserId), body, new TtdStamp(run.runId(), currentIntended));
        metrics.messageSent(deliveries);
      }
      sendAction(MESSAGE, refused);
      return refused == null;
    }

    @Override
    public void sendGroupChat(String roomJid, String body, int recipients) {
      Actions.Reason refused = refusal();
      if (refused == null) {
        client.sendGroupChat(roomJid, body, new TtdStamp(run.runId(), currentIntended));
        metrics.messageSent(recipients);
      }
      sendAction(MESSAGE, refused);
    }

    @Override
    public void iq(String xml, Duration timeout, Timer timer, Consumer<IqReply> then) {
      owe(IQ, 1);
      if (!connected || quiescing) {
        forgone(IQ, refusal());
        return;
      }
      long intended = currentIntended;
      getContext()
          .pipeToSelf(
              client.iq(xml, timeout),
              (response, failure) -> new IqDone(response, failure, intended, timer, then));
    }

    @Override
    public void record(Timer timer, long nanos) {
      timeScenario(timer, nanos);
    }

    @Override
    public boolean recordDelivery(Timer timer, Stanza stanza) {
      TtdStamp stamp = stanza.stamp();
      if (stamp == null || stanza.delayed() || !stamp.runId().equals(run.runId())) {
        return false;
      }
      timeScenario(timer, stanza.receivedAtNanos() - stamp.intendedNanos());
      return true;
    }

    @Override
    public void count(Counter counter, long n) {
      metrics.scenario().add(counter, n);
      if (wire != null) {
        wire.scenario().add(counter, n);
      }
    }

    @Override
    public long intendedNanos() {
      return currentIntended;
    }

    @Override
    public TtdStamp stamp() {
      return new TtdStamp(run.runId(), currentIntended);
    }

    @Override
    public void enableResumption(Runnable then) {
      owe(ENABLE_RESUMPTION, 1);
      if (!connected || quiescing) {
        forgone(ENABLE_RESUMPTION, refusal());
        return;
      }
      getContext()
          .pipeToSelf(
              client.enableResumption(), (ok, failure) -> new ResumptionEnabled(failure, then));
    }

    @Override
    public void interrupt(Duration gap, Timer timer, Runnable then) {
      owe(RESUME, 1);
      if (!connected || quiescing) {
        forgone(RESUME, refusal());
        return;
      }
      client.cut();
      connected = false;
      disconnectedNow();
      // away for the gap; a run stopping meanwhile drops this, and the user ends unconnected
      schedule(() -> startResume(currentIntended, timer, then), currentIntended + gap.toNanos());
    }

    @Override
    public void sendStanza(String xml) {
      Actions.Reason refused = refusal();
      if (refused == null) {
        client.sendStanza(xml);
      }
      sendAction(STANZA, refused);
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
      owe(AFTER, 1);
      schedule(
          () -> {
            paid(AFTER);
            action.run();
          },
          currentIntended + delay.toNanos());
    }

    @Override
    public void repeat(Supplier<Duration> interval, int times, IntConsumer action, Runnable done) {
      if (times > 0) {
        owe(REPEAT, times); // an endless repeat plans each step as it comes
      }
      step(interval, times, action, done, 0);
    }

    private void step(
        Supplier<Duration> interval, int times, IntConsumer action, Runnable done, int i) {
      if (times == 0) {
        owe(REPEAT, 1);
      }
      paid(REPEAT);
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
      String kind = THROTTLED_KINDS.computeIfAbsent(throttle, t -> THROTTLED + t);
      owe(kind, 1);
      if (slot == currentIntended) {
        paid(kind);
        action.run(); // a free slot: no reason to leave this callback
      } else if (!quiescing && !leaving) {
        awaitingThrottle = true;
        Runnable granted =
            () -> {
              paid(kind);
              action.run();
            };
        run.timer().schedule(slot, getContext().getSelf(), new Fire(granted, slot, true, true));
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
      int qualifier = name.indexOf('#'); // group-scoped coordinators share one line in the books
      String kind = COORDINATE + (qualifier < 0 ? name : name.substring(0, qualifier));
      owe(kind, 1);
      Consumer<List<Integer>> joined =
          ids -> {
            if (ids.size() < groupSize) {
              forgone(kind, Actions.Reason.GROUP_TIMED_OUT); // it still runs, with who came
            } else {
              paid(kind);
            }
            action.accept(ids);
          };
      run.coordinator().tell(new Coordinator.Join(name, groupSize, timeout, id, joined, groups));
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
