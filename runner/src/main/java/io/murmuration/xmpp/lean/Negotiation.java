package io.murmuration.xmpp.lean;

import io.murmuration.xmpp.XmppException;
import io.murmuration.xmpp.XmppSettings;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The client side of stream negotiation (RFC 6120), from the first stream features to a bound
 * resource, or to an in-band registration (XEP-0077): STARTTLS when the policy asks for it, SASL
 * PLAIN or SCRAM-SHA-1 with a stream restart, resource binding, and a session IQ when the server
 * requires one (RFC 3921 servers; ejabberd 23 and Prosody 0.12 mark it optional). To resume a
 * stream (XEP-0198) it authenticates the same way, then sends the {@code <resume/>} it was given
 * instead of binding.
 *
 * <p>It only decides: each element the server sends goes to {@link #element}, and it answers
 * through its {@link Link} (write this, start TLS, restart the stream, done, failed).
 *
 * <p>Not thread-safe: one instance per connection attempt, used on the connection's event loop.
 */
final class Negotiation {

  /** What a negotiation asks of its connection. */
  interface Link {
    void write(String xml);

    /** Puts TLS under the stream; calls {@link #tlsEstablished()} once the handshake is done. */
    void startTls();

    /** Drops the rest of the current XML document and sends a new stream header. */
    void restartStream();

    /** The session is ready (login) or the account exists (registration). */
    void negotiated();

    void failed(XmppException failure);
  }

  enum Purpose {
    LOGIN,
    REGISTER,
    /** Authenticate, then resume an earlier stream (XEP-0198) instead of binding a resource. */
    RESUME
  }

  private enum Step {
    FEATURES,
    TLS_PROCEED,
    TLS_HANDSHAKE,
    SASL,
    BIND,
    SESSION,
    REGISTER,
    RESUME,
    DONE
  }

  private final Purpose purpose;
  private final XmppSettings settings;
  private final String username;
  private final String password;
  private final String who;
  private final String where;
  private final Link link;
  private final boolean startTlsWire;
  private Step step = Step.FEATURES;
  private boolean secured;
  private boolean authenticated;
  private Scram scram;
  private boolean serverVerified;
  private boolean sessionRequired;
  private boolean streamManagementOffered;
  private String resumeRequest;
  private long resumedH = -1;
  private boolean created;

  Negotiation(
      Purpose purpose,
      XmppSettings settings,
      String username,
      String password,
      String who,
      String where,
      boolean startTlsWire,
      Link link) {
    this.purpose = purpose;
    this.settings = settings;
    this.username = username;
    this.password = password;
    this.who = who;
    this.where = where;
    this.startTlsWire = startTlsWire;
    this.link = link;
  }

  /** True once SASL succeeded: a failure from now on is a lost connection, not a refused one. */
  boolean authenticated() {
    return authenticated;
  }

  /** Makes a {@link Purpose#RESUME} negotiation send {@code resume} once authenticated. */
  void resumeWith(String resume) {
    this.resumeRequest = resume;
  }

  /** True when the stream features after authentication offer stream management (XEP-0198). */
  boolean offersStreamManagement() {
    return streamManagementOffered;
  }

  /** The server's count of our stanzas in {@code <resumed h/>}, once resumed; else -1. */
  long resumedH() {
    return resumedH;
  }

  /** For a registration that succeeded: true when it created the account, false if it existed. */
  boolean created() {
    return created;
  }

  /** The failure when the current step got no answer in time ({@code why} says how long). */
  XmppException timedOut(String why) {
    if (purpose == Purpose.REGISTER) {
      return new XmppException(
          "register", "timeout", "registering " + who + " on " + where + ": " + why, null);
    }
    return stalled(why);
  }

  /** The kind and message for a failure that happens now: what the current step waits for. */
  XmppException stalled(String why) {
    if (purpose == Purpose.REGISTER) {
      return new XmppException(
          "register", "connection-lost", "registering " + who + " on " + where + ": " + why, null);
    }
    if (step == Step.RESUME) {
      return resumeFailure(why);
    }
    return switch (step) {
      case FEATURES ->
          authenticated
              ? new XmppException(
                  "auth", "authentication failed for " + who + " on " + where + ": " + why)
              : new XmppException("connect", "no stream features from " + where + ": " + why);
      case TLS_PROCEED, TLS_HANDSHAKE ->
          new XmppException("tls", "TLS with " + where + " failed: " + why);
      default ->
          new XmppException(
              "auth", "authentication failed for " + who + " on " + where + ": " + why);
    };
  }

  /** The failure for a TCP connection that could not be made. */
  XmppException cannotConnect(Throwable cause) {
    String why = "cannot connect to " + where + ": " + StreamErrors.rootMessage(cause);
    return purpose == Purpose.REGISTER
        ? new XmppException("register", "connect", "registering " + who + " failed: " + why, cause)
        : new XmppException("connect", why, cause);
  }

  /** The failure for a connection closed by the server or the network during negotiation. */
  XmppException lost(Throwable cause) {
    String why = StreamErrors.rootMessage(cause);
    if (purpose == Purpose.REGISTER) {
      return new XmppException(
          "register",
          "connection-lost",
          "registering " + who + " on " + where + " failed: " + why,
          cause);
    }
    if (step == Step.RESUME) {
      return resumeFailure("the connection closed: " + why);
    }
    return authenticated || step == Step.SASL
        ? new XmppException(
            "connection-lost",
            "connection to " + where + " closed while " + who + " logged in: " + why,
            cause)
        : new XmppException("connect", "connecting to " + where + " failed: " + why, cause);
  }

  void tlsEstablished() {
    secured = true;
    step = Step.FEATURES;
    link.restartStream();
  }

  void element(XmlElement element) {
    if (element.is("error", Xml.STREAMS)) {
      link.failed(
          new XmppException(
              "stream-error",
              "stream error from " + where + ": " + StreamErrors.condition(element)));
      return;
    }
    switch (step) {
      case FEATURES -> {
        if (element.is("features", Xml.STREAMS)) {
          onFeatures(element);
        }
      }
      case TLS_PROCEED -> onTlsAnswer(element);
      case SASL -> onSasl(element);
      case BIND -> onBound(element);
      case SESSION -> onSession(element);
      case REGISTER -> onRegistered(element);
      case RESUME -> onResumed(element);
      default -> {} // TLS handshake under way, or done: nothing from the server is expected
    }
  }

  private void onFeatures(XmlElement features) {
    XmlElement starttls = features.child("starttls", Xml.TLS);
    if (!secured && startTlsWire) { // WebSocket and BOSH: TLS comes from the URL's scheme
      if (starttls != null && settings.tls() != XmppSettings.Tls.DISABLED) {
        step = Step.TLS_PROCEED;
        link.write("<starttls xmlns='" + Xml.TLS + "'/>");
        return;
      }
      if (starttls == null && settings.tls() == XmppSettings.Tls.REQUIRED) {
        link.failed(tls("the server does not offer STARTTLS, and TLS is required"));
        return;
      }
      if (starttls != null && starttls.child("required", Xml.TLS) != null) {
        link.failed(tls("the server requires STARTTLS, and TLS is disabled"));
        return;
      }
    }
    if (purpose == Purpose.REGISTER) {
      step = Step.REGISTER;
      link.write(
          Xml.iq(
              "set",
              "reg1",
              settings.domain(),
              "<query xmlns='"
                  + Xml.REGISTER
                  + "'>"
                  + Xml.simple("username", username)
                  + Xml.simple("password", password)
                  + "</query>"));
    } else if (!authenticated) {
      authenticate(features);
    } else if (purpose == Purpose.RESUME) {
      streamManagementOffered = features.child("sm", StreamManagement.NS) != null;
      if (!streamManagementOffered) {
        link.failed(resumeFailure("the server does not offer stream management"));
        return;
      }
      step = Step.RESUME;
      link.write(resumeRequest);
    } else {
      streamManagementOffered = features.child("sm", StreamManagement.NS) != null;
      XmlElement session = features.child("session", Xml.SESSION);
      sessionRequired = session != null && session.child("optional", Xml.SESSION) == null;
      step = Step.BIND;
      link.write(
          Xml.iq(
              "set",
              "bind1",
              null,
              "<bind xmlns='"
                  + Xml.BIND
                  + "'>"
                  + Xml.simple("resource", LeanTransport.RESOURCE)
                  + "</bind>"));
    }
  }

  private void authenticate(XmlElement features) {
    XmlElement mechanisms = features.child("mechanisms", Xml.SASL);
    boolean offered = false;
    if (mechanisms != null) {
      for (XmlElement mechanism : mechanisms.elements()) {
        offered |= mechanism.text().trim().equals(settings.sasl());
      }
    }
    if (!offered) {
      link.failed(
          new XmppException(
              "auth",
              "authentication failed for "
                  + who
                  + " on "
                  + where
                  + ": the server does not offer SASL "
                  + settings.sasl()));
      return;
    }
    String initial;
    switch (settings.sasl()) {
      case "PLAIN" -> initial = "\0" + username + "\0" + password;
      case "SCRAM-SHA-1" -> {
        scram = new Scram(username, password);
        initial = scram.clientFirst();
      }
      default -> {
        link.failed(
            new XmppException(
                "auth",
                "SASL mechanism "
                    + settings.sasl()
                    + " is not supported: use PLAIN or SCRAM-SHA-1"));
        return;
      }
    }
    step = Step.SASL;
    link.write(
        "<auth xmlns='"
            + Xml.SASL
            + "' mechanism='"
            + settings.sasl()
            + "'>"
            + base64(initial)
            + "</auth>");
  }

  private void onTlsAnswer(XmlElement element) {
    if (element.is("proceed", Xml.TLS)) {
      step = Step.TLS_HANDSHAKE;
      link.startTls();
    } else {
      link.failed(tls("the server refused STARTTLS"));
    }
  }

  private void onSasl(XmlElement element) {
    try {
      if (element.is("challenge", Xml.SASL) && scram != null) {
        String challenge = unbase64(element.text());
        if (challenge.startsWith("v=")) { // server-final sent as a challenge: answer empty
          serverVerified = scram.verifyServerFinal(challenge);
          link.write("<response xmlns='" + Xml.SASL + "'/>");
        } else {
          link.write(
              "<response xmlns='"
                  + Xml.SASL
                  + "'>"
                  + base64(scram.clientFinal(challenge))
                  + "</response>");
        }
      } else if (element.is("success", Xml.SASL)) {
        if (scram != null && !serverVerified) {
          String text = element.text().trim();
          if (text.isEmpty() || !scram.verifyServerFinal(unbase64(text))) {
            link.failed(authFailure("the server's SCRAM signature is wrong"));
            return;
          }
        }
        authenticated = true;
        step = Step.FEATURES;
        link.restartStream();
      } else if (element.is("failure", Xml.SASL)) {
        XmlElement condition = element.elements().isEmpty() ? null : element.elements().get(0);
        link.failed(
            authFailure(
                (condition == null ? "failure" : condition.name) + " (" + settings.sasl() + ")"));
      }
    } catch (IllegalArgumentException e) {
      link.failed(authFailure(e.getMessage()));
    }
  }

  private void onBound(XmlElement element) {
    if (!element.is("iq", Xml.CLIENT) || !"bind1".equals(element.attribute("id"))) {
      return;
    }
    if (!"result".equals(element.attribute("type"))) {
      link.failed(authFailure("resource binding failed: " + StreamErrors.stanzaError(element)));
    } else if (sessionRequired) {
      step = Step.SESSION;
      link.write(Xml.iq("set", "sess1", null, "<session xmlns='" + Xml.SESSION + "'/>"));
    } else {
      step = Step.DONE;
      link.negotiated();
    }
  }

  private void onSession(XmlElement element) {
    if (!element.is("iq", Xml.CLIENT) || !"sess1".equals(element.attribute("id"))) {
      return;
    }
    if (!"result".equals(element.attribute("type"))) {
      link.failed(authFailure("session failed: " + StreamErrors.stanzaError(element)));
    } else {
      step = Step.DONE;
      link.negotiated();
    }
  }

  private void onRegistered(XmlElement element) {
    if (!element.is("iq", Xml.CLIENT) || !"reg1".equals(element.attribute("id"))) {
      return;
    }
    String condition = StreamErrors.stanzaError(element);
    if ("result".equals(element.attribute("type")) || condition.equals("conflict")) {
      step = Step.DONE;
      created = condition.isEmpty();
      link.negotiated(); // registered now, or before
    } else {
      link.failed(
          new XmppException(
              "register",
              condition,
              "registering "
                  + who
                  + " on "
                  + where
                  + " failed: "
                  + StreamErrors.stanzaErrorWithText(element),
              null));
    }
  }

  private void onResumed(XmlElement element) {
    if (element.is("resumed", StreamManagement.NS)) {
      try {
        resumedH = Long.parseLong(String.valueOf(element.attribute("h")).trim());
      } catch (NumberFormatException e) {
        link.failed(resumeFailure("<resumed/> without a valid h"));
        return;
      }
      step = Step.DONE;
      link.negotiated();
    } else if (element.is("failed", StreamManagement.NS)) {
      link.failed(resumeFailure("the server refused: " + StreamManagement.condition(element)));
    }
  }

  private XmppException resumeFailure(String why) {
    return new XmppException(
        "resume-failed", "resuming the stream of " + who + " on " + where + " failed: " + why);
  }

  private XmppException tls(String why) {
    return new XmppException("tls", "TLS with " + where + " failed: " + why);
  }

  private XmppException authFailure(String why) {
    return new XmppException(
        "auth", "authentication failed for " + who + " on " + where + ": " + why);
  }

  private static String base64(String text) {
    return text.isEmpty()
        ? "="
        : Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String unbase64(String text) {
    String trimmed = text.trim();
    if (trimmed.equals("=")) {
      return "";
    }
    return new String(Base64.getDecoder().decode(trimmed), StandardCharsets.UTF_8);
  }
}
