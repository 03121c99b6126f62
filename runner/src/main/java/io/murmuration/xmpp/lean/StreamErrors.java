package io.murmuration.xmpp.lean;

import io.murmuration.scenario.Stanza;
import io.murmuration.xmpp.XmppException;
import javax.net.ssl.SSLException;

/**
 * Reads error conditions out of received elements and names network failures, so that every {@link
 * XmppException} of this transport says what the server or the socket said, in the words of {@code
 * SmackErrors}.
 *
 * <p>Stateless and thread-safe.
 */
final class StreamErrors {
  private static final String STREAM_ERRORS = "urn:ietf:params:xml:ns:xmpp-streams";

  private StreamErrors() {}

  /** The defined condition of a {@code <stream:error/>}, e.g. {@code conflict}. */
  static String condition(XmlElement streamError) {
    for (XmlElement child : streamError.elements()) {
      if (child.namespace.equals(STREAM_ERRORS) && !child.name.equals("text")) {
        return child.name;
      }
    }
    return "undefined-condition";
  }

  /**
   * The condition of a stanza's {@code <error/>} child, e.g. {@code conflict}, or {@code ""} when
   * the stanza has none.
   */
  static String stanzaError(XmlElement stanza) {
    String condition = Stanza.errorCondition(stanza);
    return condition == null ? "" : condition;
  }

  /** The condition and, when the server gave one, its text: {@code "forbidden (reason)"}. */
  static String stanzaErrorWithText(XmlElement stanza) {
    String condition = stanzaError(stanza);
    XmlElement error = stanza.child("error");
    XmlElement text = error == null ? null : error.child("text", Xml.STANZAS);
    return text == null || text.text().isBlank()
        ? condition
        : condition + " (" + text.text().trim() + ")";
  }

  /** An established connection ended without our asking. */
  static XmppException lost(String where, Throwable cause) {
    return new XmppException(
        "connection-lost", "connection to " + where + " lost: " + rootMessage(cause), cause);
  }

  /** The TLS handshake or TLS records failed. */
  static XmppException tls(String where, Throwable cause) {
    return new XmppException("tls", "TLS with " + where + " failed: " + rootMessage(cause), cause);
  }

  /** True when {@code e} or one of its causes is a TLS failure. */
  static boolean isTls(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return true;
      }
    }
    return false;
  }

  /** The innermost message, e.g. "Connection refused". */
  static String rootMessage(Throwable e) {
    if (e == null) {
      return "closed by the peer";
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message;
  }
}
