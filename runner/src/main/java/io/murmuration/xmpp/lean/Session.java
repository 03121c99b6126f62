package io.murmuration.xmpp.lean;

import io.murmuration.scenario.Stanza;
import io.murmuration.xmpp.Account;
import io.murmuration.xmpp.Capabilities;
import io.murmuration.xmpp.XmppClient.Listener;
import io.murmuration.xmpp.XmppException;
import io.murmuration.xmpp.XmppSettings;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine behind one {@link LeanClient}: its connection, negotiation, session and
 * closing, confined to one Netty event loop.
 *
 * <p><b>States.</b> {@code IDLE} (no connection) → {@code CONNECTING} (TCP, WebSocket upgrade or
 * first BOSH connection: {@link Connection#connect()}) → {@code NEGOTIATING} (stream, STARTTLS,
 * SASL, bind: a {@link Negotiation}) → {@code READY} → {@code CLOSING} (our end of stream sent, or
 * a failed attempt being closed) → {@code IDLE}. An {@link Attempt} (connect or register) asked for
 * while {@code CLOSING} waits for {@code IDLE}; a registration ends in {@code CLOSING} and
 * completes once the connection is closed. Stanzas sent while a login is under way are held until
 * the session is ready; otherwise a stanza that cannot be sent is reported to {@link
 * Listener#onSendFailed}.
 *
 * <p><b>Stream management.</b> Once {@link #enableResumption} has sent {@code <enable/>}, a {@link
 * StreamManagement} counts what is received and keeps what is sent; it outlives the connection. A
 * {@link #cut()} closes the channel without {@code </stream:stream>} and without reporting a loss
 * (pending IQs stay pending: their answers come after the resumption); a resumption ({@link
 * Attempt#resumption}) then authenticates on a new connection, resumes instead of binding, and
 * writes again what the server had not received. A new login or a polite close forgets it.
 *
 * <p><b>Threads.</b> Not thread-safe: every method except {@link #abort()} must run on {@code
 * loop}; {@link LeanClient} posts them there.
 */
final class Session implements Negotiation.Link, Connection.Owner {
  private static final Logger log = LoggerFactory.getLogger(Session.class);
  private static final long CLOSE_GRACE_MILLIS = 2_000;

  private enum State {
    IDLE,
    CONNECTING,
    NEGOTIATING,
    READY,
    CLOSING
  }

  private final LeanTransport transport;
  private final XmppSettings settings;
  private final Account account;
  private final String who;
  private final String where;
  private final int port;
  private final Listener listener;

  /** Whether the listener was last told that the connection's outbound buffer is full. */
  private boolean unwritable;

  private final EventLoop loop;
  private final Inbox inbox;

  // confined to the event loop
  private State state = State.IDLE;
  private Connection connection;
  private Negotiation negotiation;
  private Attempt attempt;
  private final List<CompletableFuture<Void>> closing = new ArrayList<>(1);
  private final ArrayDeque<Runnable> afterClose = new ArrayDeque<>(0);
  private ScheduledFuture<?> timer;
  private XmppException lossCause;
  private StreamManagement sm;
  private boolean cutting;

  /** Set by {@link #abort()} from any thread: the transport is closing, report no loss. */
  private volatile boolean aborted;

  /** The connection, for {@link #abort()} from other threads. */
  private volatile Connection current;

  Session(
      LeanTransport transport,
      XmppSettings settings,
      Account account,
      Listener listener,
      EventLoop loop) {
    this.transport = transport;
    this.settings = settings;
    this.account = account;
    this.who = settings.jid(account.username());
    this.where = transport.where(account.userId());
    this.port = settings.endpointFor(account.userId()).getPort();
    this.listener = listener;
    this.loop = loop;
    this.inbox = new Inbox(listener, who);
  }

  /** From now on, disco#info requests are answered with {@code capabilities}. */
  void advertise(Capabilities capabilities) {
    inbox.advertise(capabilities);
  }

  /** Drops the connection without a closing handshake, from any thread: the transport closes. */
  void abort() {
    aborted = true;
    Connection open = current;
    if (open != null) {
      open.close();
    }
  }

  @Override
  public String toString() {
    return who + " via " + where;
  }

  /** Writes a stanza of the session: now when ready, later when logging in, else a failure. */
  void sendNow(String xml) {
    if (state == State.READY) {
      writeStanza(xml);
    } else if (loggingIn()) {
      attempt.hold(xml);
    } else {
      listener.onSendFailed(new XmppException("send", who + ": send failed: not connected"));
    }
  }

  private boolean loggingIn() {
    return (state == State.CONNECTING || state == State.NEGOTIATING) && attempt.holdsStanzas();
  }

  /** Writes a stanza on the ready connection, kept until acknowledged when SM is on. */
  private void writeStanza(String xml) {
    connection.write(xml);
    if (sm != null) {
      sm.sent(xml);
    }
  }

  /** Sends {@code <enable resume='true'/>}; {@code done} completes on {@code <enabled/>}. */
  void enableResumption(CompletableFuture<Void> done) {
    if (state != State.READY) {
      done.completeExceptionally(
          new XmppException("sm-failed", who + ": stream management not enabled: not connected"));
    } else if (!negotiation.offersStreamManagement()) {
      done.completeExceptionally(
          new XmppException(
              "sm-failed", "the server at " + where + " does not offer stream management"));
    } else if (sm != null) {
      done.completeExceptionally(
          new XmppException("sm-failed", who + ": stream management is enabled already"));
    } else {
      sm =
          new StreamManagement(
              who,
              loop,
              xml -> {
                if (state == State.READY) {
                  connection.write(xml);
                }
              },
              done);
      connection.write(StreamManagement.ENABLE);
    }
  }

  /** Closes the ready connection abruptly, as a lost network would, without reporting a loss. */
  void cut() {
    switch (state) {
      case READY -> {
        cutting = true;
        state = State.CLOSING; // a resume() from now on waits for the channel to be closed
        connection.close();
      }
      case CONNECTING, NEGOTIATING ->
          fail(new XmppException("connect", who + ": connection cut while connecting"));
      default -> {} // nothing open
    }
  }

  void request(XmlElement request, String xml, Duration timeout, CompletableFuture<Stanza> done) {
    if (state != State.READY && !loggingIn()) {
      done.completeExceptionally(new XmppException("send", who + ": IQ not sent: not connected"));
      return;
    }
    sendNow(inbox.request(request, xml, timeout, done, loop));
  }

  void open(Attempt next) {
    if (state == State.CLOSING) {
      afterClose.add(() -> open(next));
      return;
    }
    if (state != State.IDLE) {
      next.fail(
          new XmppException(
              switch (next.purpose()) {
                case LOGIN -> "connect";
                case REGISTER -> "register";
                case RESUME -> "resume-failed";
              },
              who + " is connected already"),
          listener);
      next.closed(null, listener);
      return;
    }
    if (next.purpose() == Negotiation.Purpose.RESUME && (sm == null || !sm.resumable())) {
      next.fail(
          new XmppException(
              "resume-failed", who + ": no stream to resume (resumption was not enabled)"),
          listener);
      next.closed(null, listener);
      return;
    }
    state = State.CONNECTING;
    attempt = next;
    lossCause = null;
    Connection opened = transport.newConnection(account.userId(), loop, this);
    negotiation =
        new Negotiation(
            next.purpose(),
            settings,
            account.username(),
            account.password(),
            who,
            where,
            opened.hasStartTls(),
            this);
    if (next.purpose() == Negotiation.Purpose.RESUME) {
      negotiation.resumeWith(sm.resumeRequest());
    }
    connection = opened;
    current = opened;
    transport.started(this);
    next.connecting();
    Future<?> connected = opened.connect(); // its closing is reported even if connect fails
    armTimer();
    connected.addListener(
        f -> {
          if (connection != opened || state != State.CONNECTING) {
            return; // given up meanwhile
          }
          if (!f.isSuccess()) {
            fail(
                StreamErrors.isTls(f.cause())
                    ? StreamErrors.tls(where, f.cause())
                    : negotiation.cannotConnect(f.cause()));
            return;
          }
          next.tcpConnected();
          state = State.NEGOTIATING;
          armTimer();
          opened.openStream();
        });
  }

  /** Ends the current attempt with {@code failure}: its stage fails, the channel closes. */
  private void fail(XmppException failure) {
    cancelTimer();
    attempt.fail(failure, listener);
    state = State.CLOSING;
    connection.close();
  }

  void close(CompletableFuture<Void> done) {
    switch (state) {
      case IDLE -> {
        sm = null; // a cut stream is not resumed any more
        done.complete(null);
      }
      case CLOSING -> closing.add(done);
      case CONNECTING, NEGOTIATING -> {
        closing.add(done);
        fail(new XmppException("connect", who + ": disconnected while connecting"));
      }
      case READY -> {
        closing.add(done);
        if (sm != null) { // acknowledge what arrived, so the server re-routes none of it
          connection.write(sm.ack());
          sm.connectionEnded(new XmppException("send", "disconnected"));
          sm = null;
        }
        closeStream();
      }
    }
  }

  /** Ends our stream, and closes the connection if the server does not in time. */
  private void closeStream() {
    state = State.CLOSING;
    connection.closeStream();
    Connection closingNow = connection;
    cancelTimer();
    timer = loop.schedule(closingNow::close, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
  }

  // ------------------------------------------------------------------ Negotiation.Link

  @Override
  public void write(String xml) {
    connection.write(xml);
  }

  @Override
  public void startTls() {
    armTimer();
    connection.startTls(allocator -> transport.newTlsHandler(allocator, settings.domain(), port));
  }

  @Override
  public void restartStream() {
    armTimer();
    connection.restartStream();
  }

  @Override
  public void negotiated() {
    cancelTimer();
    if (attempt.purpose() == Negotiation.Purpose.REGISTER) {
      attempt.registered(negotiation.created());
      closeStream(); // the stage completes once closed
      return;
    }
    state = State.READY;
    if (attempt.purpose() == Negotiation.Purpose.RESUME) {
      List<String> held = attempt.resumed();
      for (String xml : sm.resumed(negotiation.resumedH())) {
        connection.write(xml); // queued already
      }
      sm.requestAck();
      held.forEach(this::writeStanza);
      return;
    }
    sm = null; // a new session
    for (String xml : attempt.loggedIn()) {
      connection.write(xml);
    }
  }

  @Override
  public void failed(XmppException failure) {
    fail(failure);
  }

  // ------------------------------------------------------------------ Connection.Owner

  @Override
  public void streamOpened(Connection from) {}

  @Override
  public void element(Connection from, XmlElement element, long receivedAtNanos) {
    if (from != connection) {
      return;
    }
    switch (state) {
      case NEGOTIATING -> {
        armTimer();
        negotiation.element(element);
      }
      case READY -> {
        if (element.is("error", Xml.STREAMS)) {
          lossCause =
              new XmppException(
                  "stream-error",
                  "stream error from " + where + ": " + StreamErrors.condition(element));
          connection.close();
        } else if (StreamManagement.handles(element)) {
          if (sm != null) {
            sm.element(element);
          }
        } else {
          if (sm != null && isStanza(element)) {
            sm.received();
          }
          inbox.receive(element, receivedAtNanos, this::writeStanza);
        }
      }
      default -> {} // closing: what still arrives is dropped
    }
  }

  @Override
  public void streamClosed(Connection from) {
    if (from != connection) {
      return;
    }
    if (state == State.READY && lossCause == null) { // a stream error before it says more
      lossCause =
          new XmppException("connection-lost", "the server at " + where + " ended the stream");
      connection.closeStream();
    }
    if (state == State.NEGOTIATING) {
      fail(negotiation.stalled("the server ended the stream"));
      return;
    }
    connection.close();
  }

  @Override
  public void writabilityChanged(Connection from, boolean writable) {
    if (from == connection && writable == unwritable) {
      unwritable = !writable;
      listener.onWritable(writable);
    }
  }

  @Override
  public void tlsDone(Connection from, Throwable failure) {
    if (from != connection || state != State.NEGOTIATING) {
      return;
    }
    if (failure == null) {
      negotiation.tlsEstablished();
    } else {
      fail(StreamErrors.tls(where, failure));
    }
  }

  @Override
  public void closed(Connection from, Throwable cause) {
    if (from != connection) {
      return;
    }
    if (unwritable) { // nothing waits to be written on a connection that is gone
      unwritable = false;
      listener.onWritable(true);
    }
    State was = state;
    boolean cut = cutting;
    cutting = false;
    state = State.IDLE;
    connection = null;
    current = null;
    cancelTimer();
    transport.ended(this);
    XmppException lost = lossCause != null ? lossCause : StreamErrors.lost(where, cause);
    if (sm != null) {
      sm.connectionEnded(lost);
    }
    if (was == State.READY && !aborted && !cut) {
      try {
        listener.onConnectionLost(lost);
      } catch (RuntimeException e) {
        log.debug("{}: listener failed on {}", who, lost, e); // the clean-up below still runs
      }
    }
    if (!cut) {
      inbox.failAll(lost);
    }
    attempt.closed(
        StreamErrors.isTls(cause) ? StreamErrors.tls(where, cause) : negotiation.lost(cause),
        listener);
    for (CompletableFuture<Void> done : closing) {
      done.complete(null);
    }
    closing.clear();
    List<Runnable> deferred = new ArrayList<>(afterClose);
    afterClose.clear();
    deferred.forEach(Runnable::run); // in call order; each checks the state it finds
  }

  // ------------------------------------------------------------------ helpers

  private static boolean isStanza(XmlElement element) {
    return switch (element.name) {
      case "message", "presence", "iq" -> true;
      default -> false;
    };
  }

  /** Gives the current negotiation step the connect timeout to get its answer. */
  private void armTimer() {
    cancelTimer();
    Connection waiting = connection;
    timer =
        loop.schedule(
            () -> {
              if (connection == waiting
                  && (state == State.CONNECTING || state == State.NEGOTIATING)) {
                fail(
                    negotiation.timedOut(
                        "no answer within " + settings.connectTimeout().toMillis() + " ms"));
              }
            },
            settings.connectTimeout().toNanos(),
            TimeUnit.NANOSECONDS);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
