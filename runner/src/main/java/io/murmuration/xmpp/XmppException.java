package io.murmuration.xmpp;

/**
 * A failure of an XMPP operation, with the error kind under which the metrics count it: {@code
 * connect} (TCP refused or timed out), {@code tls}, {@code auth}, {@code register}, {@code
 * stream-error}, {@code connection-lost}, {@code iq-timeout}, {@code iq-error}, {@code send}.
 */
public final class XmppException extends RuntimeException {
  private final String kind;
  private final String reason;

  public XmppException(String kind, String message, Throwable cause) {
    this(kind, null, message, cause);
  }

  public XmppException(String kind, String message) {
    this(kind, null, message, null);
  }

  /**
   * A failure with a finer {@code reason} than its kind: the server's stanza error condition
   * ({@code not-allowed}, {@code resource-constraint}, …) or {@code timeout}; null for none.
   */
  public XmppException(String kind, String reason, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.reason = reason;
  }

  public String kind() {
    return kind;
  }

  /**
   * Why, in one word, for counting failures by reason: the finer reason given when it was made, or
   * else the {@link #kind()}.
   */
  public String reason() {
    return reason != null ? reason : kind;
  }
}
