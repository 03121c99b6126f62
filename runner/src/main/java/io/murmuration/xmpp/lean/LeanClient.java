package io.murmuration.xmpp.lean;

import io.murmuration.scenario.Stanza;
import io.murmuration.scenario.TtdStamp;
import io.murmuration.xmpp.Account;
import io.murmuration.xmpp.Capabilities;
import io.murmuration.xmpp.XmppClient;
import io.murmuration.xmpp.XmppException;
import io.murmuration.xmpp.XmppSettings;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

/**
 * One user's {@link XmppClient} on the lean transport: the thread-safe front of a {@link Session}.
 *
 * <p><b>Threads.</b> Every method may be called from any thread and returns at once: it checks its
 * arguments, builds the stanza string on the caller's thread, and posts the rest to the session's
 * event loop, where all state lives. So calls take effect in call order (a {@code sendChat} right
 * after {@code connect()} is held until the session is ready; a {@code disconnect()} after a send
 * closes the stream after the send). Listener callbacks and the completion of the returned stages
 * run on the event loop: they must not block it.
 */
final class LeanClient implements XmppClient {
  private final Session session;
  private final EventLoop loop;
  private final Listener listener;
  private final String who;

  LeanClient(
      LeanTransport transport,
      XmppSettings settings,
      Account account,
      Listener listener,
      EventLoop loop) {
    this.session = new Session(transport, settings, account, listener, loop);
    this.loop = loop;
    this.listener = listener;
    this.who = settings.jid(account.username());
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code tcpNanos} is the TCP connect alone (from the client's event loop starting it to the
   * socket being connected; not counting a wait for an earlier connection of this client to close);
   * {@code loginNanos} is everything after it until the session is ready: stream opening and
   * features, STARTTLS and the TLS handshake when used, SASL, the stream restart and resource
   * binding (plus a session IQ if the server requires one). This differs from the Smack transport,
   * whose {@code tcpNanos} also covers the stream opening and STARTTLS.
   */
  @Override
  public CompletionStage<ConnectTimes> connect() {
    CompletableFuture<ConnectTimes> done = new CompletableFuture<>();
    onLoop(done, () -> session.open(Attempt.login(done)));
    return done;
  }

  @Override
  public CompletionStage<Registration> register() {
    CompletableFuture<Registration> done = new CompletableFuture<>();
    onLoop(done, () -> session.open(Attempt.registration(done)));
    return done;
  }

  @Override
  public void sendPresence(Capabilities capabilities) {
    String caps = capabilities.capsElement();
    String presence = caps.isEmpty() ? "<presence/>" : "<presence>" + caps + "</presence>";
    try {
      loop.execute(
          () -> {
            session.advertise(capabilities);
            session.sendNow(presence);
          });
    } catch (RejectedExecutionException e) {
      listener.onSendFailed(new XmppException("send", "the XMPP transport is closed", e));
    }
  }

  @Override
  public void sendChat(String toJid, String body, TtdStamp stamp) {
    sendMessage(toJid, "chat", body, stamp);
  }

  @Override
  public void sendGroupChat(String roomJid, String body, TtdStamp stamp) {
    sendMessage(roomJid, "groupchat", body, stamp);
  }

  private void sendMessage(String toJid, String type, String body, TtdStamp stamp) {
    if (toJid == null || toJid.isBlank() || body == null) {
      listener.onSendFailed(new XmppException("send", who + ": send failed: no recipient or body"));
      return;
    }
    send(Xml.chat(toJid, type, body, stamp));
  }

  /**
   * @throws IllegalArgumentException when {@code xml} is not one message, presence or iq element
   */
  @Override
  public void sendStanza(String xml) {
    XmlElement stanza = StreamParser.parseElement(xml);
    if (!stanza.name.equals("message")
        && !stanza.name.equals("presence")
        && !stanza.name.equals("iq")) {
      throw new IllegalArgumentException("not a stanza: " + xml);
    }
    send(xml);
  }

  /**
   * @throws IllegalArgumentException when {@code xml} is not one IQ request (get or set)
   */
  @Override
  public CompletionStage<Stanza> iq(String xml, Duration timeout) {
    XmlElement request = StreamParser.parseElement(xml);
    String type = request.attribute("type");
    if (!request.name.equals("iq") || !("get".equals(type) || "set".equals(type))) {
      throw new IllegalArgumentException("not an IQ get or set: " + xml);
    }
    CompletableFuture<Stanza> done = new CompletableFuture<>();
    onLoop(done, () -> session.request(request, xml, timeout, done));
    return done;
  }

  @Override
  public CompletionStage<Void> disconnect() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    onLoop(done, () -> session.close(done));
    return done;
  }

  @Override
  public CompletionStage<Void> enableResumption() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    onLoop(done, () -> session.enableResumption(done));
    return done;
  }

  @Override
  public void cut() {
    try {
      loop.execute(session::cut);
    } catch (RejectedExecutionException e) {
      // the transport is closed: there is no connection to cut
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The time runs from the client's event loop starting the TCP connect (after a cut connection
   * has finished closing) to {@code <resumed/>}.
   */
  @Override
  public CompletionStage<Long> resume() {
    CompletableFuture<Long> done = new CompletableFuture<>();
    onLoop(done, () -> session.open(Attempt.resumption(done)));
    return done;
  }

  /** Drops the connection without a closing handshake: the transport closes. */
  void abort() {
    session.abort();
  }

  @Override
  public String toString() {
    return "LeanClient[" + session + "]";
  }

  private void onLoop(CompletableFuture<?> done, Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(new XmppException("send", "the XMPP transport is closed", e));
    }
  }

  private void send(String xml) {
    try {
      loop.execute(() -> session.sendNow(xml));
    } catch (RejectedExecutionException e) {
      listener.onSendFailed(new XmppException("send", "the XMPP transport is closed", e));
    }
  }
}
