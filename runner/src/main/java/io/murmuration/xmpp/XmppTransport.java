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

  /**
   * Picks the implementation named by {@link XmppSettings#client()} ({@code --client}); the lean
   * one speaks every {@link XmppSettings.Wire}, Smack's TCP only (the settings refuse anything
   * else).
   */
  static XmppTransport create(XmppSettings settings) {
    return switch (settings.client()) {
      case "smack" -> new SmackTransport(settings);
      case "lean" -> new io.murmuration.xmpp.lean.LeanTransport(settings);
      default ->
          throw new IllegalArgumentException(
              "unknown XMPP client '" + settings.client() + "': use smack or lean");
    };
  }
}
