package io.murmuration.xmpp.lean;

import io.murmuration.xmpp.XmppClient.ConnectTimes;
import io.murmuration.xmpp.XmppClient.Listener;
import io.murmuration.xmpp.XmppClient.Registration;
import io.murmuration.xmpp.XmppException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One {@code connect()}, {@code register()} or {@code resume()} call in progress: the stage it
 * completes, its timings, and the stanzas sent meanwhile (held until the session is ready).
 *
 * <p>A login or resumption completes as soon as its session is ready or has failed. A registration
 * completes only once its connection is closed, so that a {@code connect()} right after it finds
 * the client idle.
 *
 * <p>Not thread-safe: used on the client's event loop.
 */
final class Attempt {
  private final CompletableFuture<ConnectTimes> login;
  private final CompletableFuture<Registration> registration;
  private Registration registered;
  private final CompletableFuture<Long> resumption;
  private long startNanos;
  private final List<String> held = new ArrayList<>(0);
  private long tcpDoneNanos;
  private XmppException failure;
  private boolean over;

  private Attempt(
      CompletableFuture<ConnectTimes> login,
      CompletableFuture<Registration> registration,
      CompletableFuture<Long> resumption) {
    this.login = login;
    this.registration = registration;
    this.resumption = resumption;
  }

  static Attempt login(CompletableFuture<ConnectTimes> done) {
    return new Attempt(done, null, null);
  }

  static Attempt registration(CompletableFuture<Registration> done) {
    return new Attempt(null, done, null);
  }

  /** A stream resumption (XEP-0198); completes with its time, from connecting to resumed. */
  static Attempt resumption(CompletableFuture<Long> done) {
    return new Attempt(null, null, done);
  }

  Negotiation.Purpose purpose() {
    return login != null
        ? Negotiation.Purpose.LOGIN
        : resumption != null ? Negotiation.Purpose.RESUME : Negotiation.Purpose.REGISTER;
  }

  /** True while stanzas sent now belong to a session that is being set up. */
  boolean holdsStanzas() {
    return (login != null || resumption != null) && !over;
  }

  void hold(String xml) {
    held.add(xml);
  }

  /** The TCP connect starts now (after any wait for an earlier connection to close). */
  void connecting() {
    startNanos = System.nanoTime();
  }

  void tcpConnected() {
    tcpDoneNanos = System.nanoTime();
  }

  /** Completes a login; returns the stanzas held meanwhile, to be written now, in order. */
  List<String> loggedIn() {
    long now = System.nanoTime();
    over = true;
    login.complete(new ConnectTimes(tcpDoneNanos - startNanos, now - tcpDoneNanos));
    return held;
  }

  /** Completes a resumption; returns the stanzas held meanwhile, to be written now, in order. */
  List<String> resumed() {
    over = true;
    resumption.complete(System.nanoTime() - startNanos);
    return held;
  }

  /**
   * The attempt failed: a login fails now, a registration when closed; each held stanza is reported
   * to {@link Listener#onSendFailed}.
   */
  void fail(XmppException why, Listener listener) {
    if (failure == null && !over) {
      failure = why;
    }
    if (login != null && !over) {
      login.completeExceptionally(why);
    }
    if (resumption != null && !over) {
      resumption.completeExceptionally(why);
    }
    over = true;
    for (int i = 0; i < held.size(); i++) { // one failure per stanza, as each counts
      listener.onSendFailed(new XmppException("send", "send failed: " + why.getMessage(), why));
    }
    held.clear();
  }

  /** The connection closed; {@code why} is the failure if nothing else ended the attempt. */
  void closed(XmppException why, Listener listener) {
    if (!over) {
      fail(why, listener);
    }
    if (registration != null) {
      if (failure == null) {
        registration.complete(registered);
      } else {
        registration.completeExceptionally(failure);
      }
    }
  }

  /**
   * A registration succeeded ({@code created} false: the account existed already); it completes
   * when the connection is closed.
   */
  void registered(boolean created) {
    registered = new Registration(created, System.nanoTime());
    over = true;
  }
}
