package io.murmuration.xmpp;

/**
 * Makes {@link XmppClient}s. One transport serves a whole run; its implementations differ in how
 * they move bytes (threads, buffers), never in what scenarios see.
 */
public interface XmppTransport extends AutoCloseable {

  /** A client for one account, not yet connected. */
  XmppClient open(Account account, XmppClient.Listener listener);

  /** Releases what the transport holds for all its clients (threads, executors). */
  @Override
  void close();

  /** Picks the transport named by {@link XmppSettings#transport()}. */
  static XmppTransport create(XmppSettings settings) {
    return switch (settings.transport()) {
      case "smack" -> new SmackTransport(settings);
      default ->
          throw new IllegalArgumentException(
              "unknown XMPP transport '" + settings.transport() + "': use smack");
    };
  }
}
