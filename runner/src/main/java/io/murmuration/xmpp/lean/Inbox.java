package io.murmuration.xmpp.lean;

import io.murmuration.scenario.Incoming;
import io.murmuration.scenario.Stanza;
import io.murmuration.scenario.TtdStamp;
import io.murmuration.xmpp.Capabilities;
import io.murmuration.xmpp.XmppClient;
import io.murmuration.xmpp.XmppException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a ready session does with the stanzas it receives, as the Smack client does: messages with a
 * body (chat, normal or groupchat) go to {@link XmppClient.Listener#onMessage} (with their {@link
 * TtdStamp}, as an element or as text in the body, whether they were delayed, and the receive time
 * of their bytes); IQ responses (result or error) complete the pending {@link XmppClient#iq}
 * request with their id and go nowhere else; server pings and disco#info requests are answered
 * (disco#info with the {@link Capabilities} last announced in presence); every other stanza, IQ
 * requests included, goes to {@link XmppClient.Listener#onStanza}.
 *
 * <p>Not thread-safe: one per client, used on its event loop.
 */
final class Inbox {
  private static final Logger log = LoggerFactory.getLogger(Inbox.class);

  private final XmppClient.Listener listener;
  private final String who;
  private final Map<String, Pending> pending = new HashMap<>(2);
  private int nextId;
  private Capabilities capabilities = Capabilities.BASE;

  private record Pending(CompletableFuture<Stanza> done, ScheduledFuture<?> timer) {}

  Inbox(XmppClient.Listener listener, String who) {
    this.listener = listener;
    this.who = who;
  }

  /** What disco#info requests are answered with from now on. */
  void advertise(Capabilities capabilities) {
    this.capabilities = capabilities;
  }

  /**
   * Waits for the response to {@code request} for {@code timeout}, on {@code loop}'s timer.
   *
   * @return the XML to send: {@code xml}, or the request with an id added when it had none
   */
  String request(
      XmlElement request,
      String xml,
      Duration timeout,
      CompletableFuture<Stanza> done,
      EventLoop loop) {
    String id = request.attribute("id");
    String out = xml;
    if (id == null) {
      id = "murm-" + (++nextId);
      request.addAttribute(null, "id", id);
      out = request.xml();
    }
    String key = id;
    long millis = timeout.toMillis();
    ScheduledFuture<?> timer =
        loop.schedule(() -> timedOut(key, millis), timeout.toNanos(), TimeUnit.NANOSECONDS);
    pending.put(id, new Pending(done, timer));
    return out;
  }

  private void timedOut(String id, long timeoutMillis) {
    Pending request = pending.remove(id);
    if (request != null) {
      request
          .done()
          .completeExceptionally(
              new XmppException("iq-timeout", "no IQ response within " + timeoutMillis + " ms"));
    }
  }

  /** Fails every pending request: the session ended. */
  void failAll(XmppException cause) {
    for (Pending request : pending.values()) {
      request.timer().cancel(false);
      request.done().completeExceptionally(cause);
    }
    pending.clear();
  }

  /**
   * Handles one stanza of a ready session.
   *
   * @param reply writes an answer to the server
   */
  void receive(XmlElement stanza, long receivedAtNanos, Consumer<String> reply) {
    try {
      switch (stanza.name) {
        case "message" -> message(stanza, receivedAtNanos);
        case "iq" -> iq(stanza, receivedAtNanos, reply);
        case "presence" -> listener.onStanza(toStanza(stanza, receivedAtNanos));
        default -> {} // nonzas of features we never enable
      }
    } catch (RuntimeException e) {
      log.debug("{}: listener failed on {}", who, stanza, e);
    }
  }

  private void message(XmlElement message, long receivedAtNanos) {
    XmlElement body = message.child("body", Xml.CLIENT);
    String type = message.attribute("type");
    if (body != null
        && (type == null
            || type.equals("chat")
            || type.equals("normal")
            || type.equals("groupchat"))) {
      boolean delayed =
          message.child("delay", Xml.DELAY) != null || message.child("x", Xml.LEGACY_DELAY) != null;
      String text = body.text();
      listener.onMessage(
          new Incoming(
              message.attribute("from"), text, stamp(message, text), delayed, receivedAtNanos));
    } else {
      listener.onStanza(toStanza(message, receivedAtNanos));
    }
  }

  private void iq(XmlElement iq, long receivedAtNanos, Consumer<String> reply) {
    String type = iq.attribute("type");
    String id = iq.attribute("id");
    if ("result".equals(type) || "error".equals(type)) {
      Pending request = id == null ? null : pending.remove(id);
      if (request == null) {
        return; // a late response, or one to a request of ours that wanted none
      }
      request.timer().cancel(false);
      request.done().complete(toStanza(iq, receivedAtNanos));
      return;
    }
    String from = iq.attribute("from");
    if (id != null && "get".equals(type)) {
      if (iq.child("ping", Xml.PING) != null) {
        reply.accept(Xml.iq("result", id, from, null));
      } else if (iq.child("query", Xml.DISCO_INFO) != null) {
        String node = iq.child("query", Xml.DISCO_INFO).attribute("node");
        String query = capabilities.discoInfo(node == null ? null : Xml.escapeAttribute(node));
        reply.accept(Xml.iq("result", id, from, query));
      }
    }
    listener.onStanza(toStanza(iq, receivedAtNanos));
  }

  /**
   * The stamp of a message: its {@code <ttd/>} element, or when it has none the stamp's text form
   * in its body (a message sent through an HTTP API); null when it has neither or a malformed one.
   */
  private static TtdStamp stamp(XmlElement message, String body) {
    XmlElement ttd = message.child(TtdStamp.ELEMENT, TtdStamp.NAMESPACE);
    return ttd == null ? TtdStamp.inText(body) : TtdStamp.of(ttd);
  }

  /** A received stanza as scenarios see it; {@code type} is null for the defaults. */
  static Stanza toStanza(XmlElement stanza, long receivedAtNanos) {
    String type = stanza.attribute("type");
    if (stanza.name.equals("message") && "normal".equals(type)) {
      type = null;
    } else if (stanza.name.equals("presence") && "available".equals(type)) {
      type = null;
    }
    return new Stanza(
        stanza.name,
        type,
        stanza.attribute("id"),
        stanza.attribute("from"),
        stanza.attribute("to"),
        stanza,
        receivedAtNanos);
  }
}
