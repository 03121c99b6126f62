package io.murmuration.xmpp.lean;

import io.murmuration.xmpp.XmppException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Stream management with resumption (XEP-0198, {@code urn:xmpp:sm:3}) for one client: the inbound
 * counter {@code h}, the stanzas sent and not yet acknowledged, and the id to resume with. It
 * survives the connection it was enabled on, so that a new connection can resume the stream.
 *
 * <p><b>Counting.</b> Inbound stanzas (message, presence, iq) are counted from {@code <enabled/>}
 * on; outbound ones are queued from {@code <enable/>} on (the server counts from there) and dropped
 * when the server's {@code <a h/>} (or {@code <resumed h/>}) covers them. Counters are unsigned 32
 * bits and wrap, as the XEP says.
 *
 * <p><b>Asking for acks.</b> A {@code <r/>} goes out after every {@value #REQUEST_EVERY} stanzas,
 * or {@value #REQUEST_DELAY_MILLIS} ms after the first stanza not yet covered by a request, so a
 * quiet user's queue is still emptied soon and a busy one adds one small element per ten stanzas.
 *
 * <p>Not thread-safe: used on the client's event loop.
 */
final class StreamManagement {
  static final String NS = "urn:xmpp:sm:3";
  static final String ENABLE = "<enable xmlns='" + NS + "' resume='true'/>";
  static final String REQUEST = "<r xmlns='" + NS + "'/>";
  static final int REQUEST_EVERY = 10;
  static final long REQUEST_DELAY_MILLIS = 1_000;
  private static final long MASK = 0xFFFF_FFFFL;

  private final String who;
  private final EventLoop loop;

  /** Writes a nonza on the current connection, if there is one that is ready. */
  private final Consumer<String> out;

  private CompletableFuture<Void> enabling;
  private String resumptionId;
  private long inbound;
  private long acked;
  private final ArrayDeque<String> unacked = new ArrayDeque<>();
  private int unrequested;
  private ScheduledFuture<?> requestTimer;

  StreamManagement(String who, EventLoop loop, Consumer<String> out, CompletableFuture<Void> done) {
    this.who = who;
    this.loop = loop;
    this.out = out;
    this.enabling = done;
  }

  /** True once the server has enabled resumption: there is a stream to resume. */
  boolean resumable() {
    return resumptionId != null;
  }

  /** The {@code <resume/>} request for a new connection. */
  String resumeRequest() {
    StringBuilder xml = new StringBuilder(120).append("<resume xmlns='").append(NS);
    xml.append("' previd='");
    Xml.escapeAttribute(xml, resumptionId);
    return xml.append("' h='").append(inbound).append("'/>").toString();
  }

  /** True for what this class handles: the SM nonzas of a ready stream. */
  static boolean handles(XmlElement element) {
    return NS.equals(element.namespace);
  }

  /** One stanza received on a ready stream: counted once enabled. */
  void received() {
    if (enabling == null) {
      inbound = (inbound + 1) & MASK;
    }
  }

  /** One stanza written on a ready stream: kept until acknowledged. */
  void sent(String xml) {
    unacked.add(xml);
    unrequested++;
    if (unrequested >= REQUEST_EVERY) {
      requestAck();
    } else if (requestTimer == null) {
      requestTimer = loop.schedule(this::requestAck, REQUEST_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** Stanzas sent and not acknowledged yet. */
  int unackedCount() {
    return unacked.size();
  }

  /** The acknowledgement of everything received so far, to send before closing the stream. */
  String ack() {
    return "<a xmlns='" + NS + "' h='" + inbound + "'/>";
  }

  /** An SM nonza on the ready stream: {@code enabled}, {@code failed}, {@code r} or {@code a}. */
  void element(XmlElement element) {
    switch (element.name) {
      case "r" -> out.accept(ack());
      case "a" -> acknowledged(element);
      case "enabled" -> {
        if (enabling == null) {
          return;
        }
        String id = element.attribute("id");
        String resume = element.attribute("resume");
        if (id == null || !("true".equals(resume) || "1".equals(resume))) {
          failEnabling("the server enabled stream management without resumption");
          return;
        }
        resumptionId = id;
        CompletableFuture<Void> done = enabling;
        enabling = null;
        done.complete(null);
      }
      case "failed" -> {
        if (enabling != null) {
          failEnabling("the server refused to enable it: " + condition(element));
        }
      }
      default -> {}
    }
  }

  /**
   * The server resumed the stream having received {@code h} of our stanzas: drops those and returns
   * the rest, to be written again, in order (they stay queued until acknowledged), followed by
   * {@link #requestAck()}.
   */
  List<String> resumed(long h) {
    drop(h);
    List<String> again = List.copyOf(unacked);
    unrequested = again.size();
    return again;
  }

  /** The connection is gone: no request timer on a dead stream; a pending enable fails. */
  void connectionEnded(XmppException cause) {
    cancelRequestTimer();
    if (enabling != null) {
      CompletableFuture<Void> done = enabling;
      enabling = null;
      done.completeExceptionally(
          new XmppException("sm-failed", who + ": stream management not enabled: " + cause, cause));
    }
  }

  private void acknowledged(XmlElement a) {
    String h = a.attribute("h");
    if (h == null) {
      return;
    }
    try {
      drop(Long.parseLong(h.trim()));
    } catch (NumberFormatException e) {
      // a malformed ack acknowledges nothing; the next one will
    }
  }

  private void drop(long h) {
    long count = (h - acked) & MASK;
    for (long i = 0; i < count && !unacked.isEmpty(); i++) {
      unacked.poll();
    }
    acked = h & MASK;
  }

  /** Sends {@code <r/>} now if a stanza was sent since the last one. */
  void requestAck() {
    cancelRequestTimer();
    if (unrequested > 0) {
      unrequested = 0;
      out.accept(REQUEST);
    }
  }

  private void cancelRequestTimer() {
    if (requestTimer != null) {
      requestTimer.cancel(false);
      requestTimer = null;
    }
  }

  private void failEnabling(String why) {
    CompletableFuture<Void> done = enabling;
    enabling = null;
    done.completeExceptionally(
        new XmppException("sm-failed", who + ": stream management failed: " + why));
  }

  /** The condition of a {@code <failed/>}: its first child's name, or {@code failed}. */
  static String condition(XmlElement failed) {
    return failed.elements().isEmpty() ? "failed" : failed.elements().get(0).name;
  }
}
