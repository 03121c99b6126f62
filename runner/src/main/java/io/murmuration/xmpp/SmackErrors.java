package io.murmuration.xmpp;

import java.io.IOException;
import javax.net.ssl.SSLException;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.sasl.SASLErrorException;

/**
 * Turns Smack's exceptions into {@link XmppException}s with the error kind the metrics count.
 *
 * <p>{@code where} is the server's {@code host:port}, {@code who} the user's bare JID: every
 * message names one of them so that a failed run says which server or account broke.
 */
final class SmackErrors {
  private SmackErrors() {}

  /** A failure of Smack's {@code connect()}: TCP, stream opening or STARTTLS. */
  static XmppException connecting(Throwable e, String where) {
    XmppException known = tlsOrStreamError(e, where);
    if (known != null) {
      return known;
    }
    if (e instanceof SmackException.NoResponseException) {
      return new XmppException("connect", "no stream features from " + where + " in time", e);
    }
    if (e instanceof SmackException.EndpointConnectionException endpoints
        && !endpoints.getConnectionExceptions().isEmpty()) {
      // e.g. "Connection refused", "Connect timed out" instead of Smack's summary of all endpoints
      Exception first = endpoints.getConnectionExceptions().get(0).getException();
      return new XmppException(
          "connect", "cannot connect to " + where + ": " + rootMessage(first), e);
    }
    if (e instanceof SmackException.ConnectionException || e instanceof IOException) {
      return new XmppException("connect", "cannot connect to " + where + ": " + rootMessage(e), e);
    }
    return new XmppException("connect", "connecting to " + where + " failed: " + rootMessage(e), e);
  }

  /** A failure of Smack's {@code login()}: SASL, stream restart or resource binding. */
  static XmppException loggingIn(Throwable e, String where, String who) {
    XmppException known = tlsOrStreamError(e, where);
    if (known != null) {
      return known;
    }
    if (e instanceof SASLErrorException sasl) {
      return new XmppException(
          "auth",
          "authentication failed for "
              + who
              + " on "
              + where
              + ": "
              + sasl.getSASLFailure().getSASLErrorString()
              + " ("
              + sasl.getMechanism()
              + ")",
          e);
    }
    if (e instanceof SmackException.NotConnectedException || e instanceof IOException) {
      return new XmppException(
          "connection-lost", "connection to " + where + " closed while " + who + " logged in", e);
    }
    if (e instanceof SmackException.NoResponseException) {
      return new XmppException(
          "auth", "authentication failed for " + who + " on " + where + ": no answer in time", e);
    }
    return new XmppException(
        "auth", "authentication failed for " + who + " on " + where + ": " + rootMessage(e), e);
  }

  /** A failure of in-band registration, after the stream opened. */
  static XmppException registering(Throwable e, String where, String who) {
    if (e instanceof XMPPException.XMPPErrorException error) {
      return new XmppException(
          "register",
          error.getStanzaError().getCondition().name().replace('_', '-'),
          "registering "
              + who
              + " on "
              + where
              + " failed: "
              + error.getStanzaError().getCondition(),
          e);
    }
    String reason =
        e instanceof SmackException.NoResponseException
            ? "timeout"
            : e instanceof SmackException.NotConnectedException || e instanceof IOException
                ? "connection-lost"
                : null;
    return new XmppException(
        "register",
        reason,
        "registering " + who + " on " + where + " failed: " + rootMessage(e),
        e);
  }

  /** Why an established session ended without our asking. */
  static XmppException lost(Throwable e, String where) {
    if (e instanceof XMPPException.StreamErrorException stream) {
      return new XmppException(
          "stream-error",
          "stream error from " + where + ": " + stream.getStreamError().getCondition(),
          e);
    }
    return new XmppException(
        "connection-lost", "connection to " + where + " lost: " + rootMessage(e), e);
  }

  /** A failed IQ request. */
  static XmppException iq(Throwable e, String where, long timeoutMillis) {
    if (e instanceof SmackException.NoResponseException) {
      return new XmppException("iq-timeout", "no IQ response within " + timeoutMillis + " ms", e);
    }
    if (e instanceof XMPPException.XMPPErrorException error) {
      return new XmppException(
          "iq-error",
          "IQ error: "
              + error.getStanzaError().getCondition()
              + (error.getStanzaError().getDescriptiveText() == null
                  ? ""
                  : " (" + error.getStanzaError().getDescriptiveText() + ")"),
          e);
    }
    return new XmppException("send", "cannot send IQ to " + where + ": " + rootMessage(e), e);
  }

  private static XmppException tlsOrStreamError(Throwable e, String where) {
    if (e instanceof XMPPException.StreamErrorException) {
      return lost(e, where);
    }
    if (e instanceof SmackException.SecurityRequiredException
        || e instanceof SmackException.SecurityNotPossibleException
        || e instanceof SmackException.SmackCertificateException
        || causedBy(e, SSLException.class)) {
      return new XmppException("tls", "TLS with " + where + " failed: " + rootMessage(e), e);
    }
    return null;
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** The innermost message, e.g. "Connection refused" rather than Smack's long summary. */
  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message;
  }
}
