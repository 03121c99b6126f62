package io.murmuration.xmpp.lean;

import io.murmuration.scenario.Stanza;
import io.murmuration.xmpp.Account;
import io.murmuration.xmpp.XmppClient.Listener;
import io.murmuration.xmpp.XmppException;
import io.murmuration.xmpp.XmppSettings;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
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
 * <p><b>States.</b> {@code IDLE} (no connection) → {@code CONNECTING} (TCP) → {@code NEGOTIATING}
 * (stream, STARTTLS, SASL, bind: a {@link Negotiation}) → {@code READY} → {@code CLOSING} (our
 * {@code </stream:stream>} sent, or a failed attempt being closed) → {@code IDLE}. An {@link
 * Attempt} (connect or register) asked for while {@code CLOSING} waits for {@code IDLE}; a
 * registration ends in {@code CLOSING} and completes once the connection is closed. Stanzas sent
 * while a login is under way are held until the session is ready; otherwise a stanza that cannot be
 * sent is reported to {@link Listener#onSendFailed}.
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
    InetSocketAddress endpoint = settings.endpointFor(account.userId());
    this.where = endpoint.getHostString() + ":" + endpoint.getPort();
    this.port = endpoint.getPort();
    this.listener = listener;
    this.loop = loop;
    this.inbox = new Inbox(listener, who);
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
      connection.write(xml);
    } else if (loggingIn()) {
      attempt.hold(xml);
    } else {
      listener.onSendFailed(new XmppException("send", who + ": send failed: not connected"));
    }
  }

  private boolean loggingIn() {
    return (state == State.CONNECTING || state == State.NEGOTIATING) && attempt.holdsStanzas();
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
              next.purpose() == Negotiation.Purpose.LOGIN ? "connect" : "register",
              who + " is connected already"),
          listener);
      next.closed(null, listener);
      return;
    }
    state = State.CONNECTING;
    attempt = next;
    lossCause = null;
    negotiation =
        new Negotiation(
            next.purpose(), settings, account.username(), account.password(), who, where, this);
    Connection opened = new Connection(this);
    connection = opened;
    current = opened;
    transport.started(this);
    next.connecting();
    ChannelFuture connected = transport.connect(account.userId(), loop, opened);
    opened.attach(connected.channel()); // reports the close even if connect failed already
    armTimer();
    connected.addListener(
        f -> {
          if (connection != opened || state != State.CONNECTING) {
            return; // given up meanwhile
          }
          if (!f.isSuccess()) {
            fail(negotiation.cannotConnect(f.cause()));
            return;
          }
          next.tcpConnected();
          state = State.NEGOTIATING;
          armTimer();
          opened.write(Xml.streamHeader(settings.domain()));
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
      case IDLE -> done.complete(null);
      case CLOSING -> closing.add(done);
      case CONNECTING, NEGOTIATING -> {
        closing.add(done);
        fail(new XmppException("connect", who + ": disconnected while connecting"));
      }
      case READY -> {
        closing.add(done);
        closeStream();
      }
    }
  }

  /** Sends {@code </stream:stream>}, and closes the channel if the server does not in time. */
  private void closeStream() {
    state = State.CLOSING;
    connection.write(Xml.STREAM_END);
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
    connection.startTls(allocator -> transport.newTlsHandler(allocator, port));
  }

  @Override
  public void restartStream() {
    armTimer();
    connection.restartParser();
    connection.write(Xml.streamHeader(settings.domain()));
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
        } else {
          inbox.receive(element, receivedAtNanos, connection::write);
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
    if (state == State.READY) {
      lossCause =
          new XmppException("connection-lost", "the server at " + where + " ended the stream");
      connection.write(Xml.STREAM_END);
    }
    if (state == State.NEGOTIATING) {
      fail(negotiation.stalled("the server ended the stream"));
      return;
    }
    connection.close();
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
    State was = state;
    state = State.IDLE;
    connection = null;
    current = null;
    cancelTimer();
    transport.ended(this);
    XmppException lost = lossCause != null ? lossCause : StreamErrors.lost(where, cause);
    if (was == State.READY && !aborted) {
      try {
        listener.onConnectionLost(lost);
      } catch (RuntimeException e) {
        log.debug("{}: listener failed on {}", who, lost, e); // the clean-up below still runs
      }
    }
    inbox.failAll(lost);
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
