package io.murmuration.xmpp;

/** Placeholder being replaced by the Smack-backed implementation. */
final class SmackTransport implements XmppTransport {
  SmackTransport(XmppSettings settings) {}

  @Override
  public XmppClient open(Account account, XmppClient.Listener listener) {
    throw new UnsupportedOperationException("in progress");
  }

  @Override
  public void close() {}
}
