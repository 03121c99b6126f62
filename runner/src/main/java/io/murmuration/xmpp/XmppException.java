package io.murmuration.xmpp;

/**
 * A failure of an XMPP operation, with the error kind under which the metrics count it: {@code
 * connect} (TCP refused or timed out), {@code tls}, {@code auth}, {@code register}, {@code
 * stream-error}, {@code connection-lost}, {@code iq-timeout}, {@code iq-error}, {@code send}.
 */
public final class XmppException extends RuntimeException {
  private final String kind;

  public XmppException(String kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public XmppException(String kind, String message) {
    this(kind, message, null);
  }

  public String kind() {
    return kind;
  }
}
