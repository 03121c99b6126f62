package io.murmuration.push;

import io.murmuration.scenario.Element;
import io.murmuration.scenario.PushNotification;
import io.murmuration.xmpp.lean.ComponentConnection;
import io.murmuration.xmpp.lean.Xml;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A push app server (XEP-0357) as an external component (XEP-0114) of the server under test,
 * standing in for MongoosePush: it answers every PubSub publish of a {@code <notification
 * xmlns='urn:xmpp:push:0'/>} with an IQ result, at once and on its network thread, then hands the
 * notification to the scenario. See the package documentation for what ejabberd sends when.
 *
 * <p>Thread-safe: the callbacks run on the component's one event-loop thread; {@link #close} may be
 * called from any thread.
 */
public final class PushAppServer implements AutoCloseable {
  static final String PUSH = "urn:xmpp:push:0";
  static final String PUBSUB = "http://jabber.org/protocol/pubsub";
  static final String DATA_FORMS = "jabber:x:data";

  private static final Logger log = LoggerFactory.getLogger(PushAppServer.class);
  private static final Pattern DOMAIN =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?");
  private static final long MAX_SECRET_FILE_BYTES = 4096;

  private final String domain;
  private final Consumer<PushNotification> onPush;
  private final Consumer<String> onFailure;
  private final AtomicBoolean failed = new AtomicBoolean();
  private final ComponentConnection connection;

  private PushAppServer(
      String domain, String secret, Consumer<PushNotification> onPush, Consumer<String> onFailure) {
    this.domain = domain;
    this.onPush = onPush;
    this.onFailure = onFailure;
    String where = "component " + domain;
    this.connection =
        new ComponentConnection(
            domain,
            secret,
            new ComponentConnection.Listener() {
              @Override
              public void stanza(Element stanza, long receivedAtNanos) {
                received(stanza, receivedAtNanos);
              }

              @Override
              public void lost(String reason) {
                fail("push app server: connection of " + where + " lost: " + reason);
              }
            });
  }

  /**
   * Connects to the component listener at {@code component} ({@code host:port}) as {@code domain}
   * with the secret in the first line of {@code secretFile}, and returns once the server accepted
   * the handshake.
   *
   * @param onPush each notification, after it was answered; on the network thread
   * @param onFailure once, when the connection is lost or {@code onPush} throws: why, in one line
   * @throws IllegalArgumentException when the address, domain or secret file is not usable
   * @throws IllegalStateException when the connection or the handshake fails, naming the fix
   */
  public static PushAppServer start(
      String component,
      String domain,
      Path secretFile,
      Duration timeout,
      Consumer<PushNotification> onPush,
      Consumer<String> onFailure) {
    InetSocketAddress address = address(component);
    if (!DOMAIN.matcher(domain).matches()) {
      throw new IllegalArgumentException(
          "push app server: '" + domain + "' is not a domain (e.g. push.localhost)");
    }
    String secret = secret(secretFile);
    PushAppServer server = new PushAppServer(domain, secret, onPush, onFailure);
    String where = "component " + domain + " at " + component;
    try {
      server.connection.open(address, timeout);
    } catch (ComponentConnection.Refused e) {
      throw new IllegalStateException(refusal(where, e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("push app server: interrupted while connecting", e);
    }
    log.debug("push app server connected as {}", where);
    return server;
  }

  /** The JID users name in {@code <enable jid/>}: the component's domain. */
  public String jid() {
    return domain;
  }

  /** Ends the stream; from then on nothing is reported. */
  @Override
  public void close() {
    failed.set(true);
    connection.close();
  }

  private void received(Element stanza, long receivedAtNanos) {
    if (!stanza.name().equals("iq")) {
      return; // messages and presences to the component mean nothing here
    }
    String type = stanza.attribute("type");
    if (!"set".equals(type) && !"get".equals(type)) {
      return; // a response: the app server asks nothing
    }
    PushNotification push = "set".equals(type) ? notification(stanza, receivedAtNanos) : null;
    connection.send(push != null ? result(stanza, domain) : serviceUnavailable(stanza, domain));
    if (push == null) {
      log.debug(
          "push app server: not a push notification, answered service-unavailable: {}", stanza);
      return;
    }
    try {
      onPush.accept(push);
    } catch (RuntimeException e) {
      log.warn("push app server: the scenario's callback failed", e);
      fail("push app server: the scenario's callback failed: " + e);
    }
  }

  private void fail(String reason) {
    if (failed.compareAndSet(false, true)) {
      onFailure.accept(reason);
    }
  }

  /**
   * The notification a PubSub publish carries ({@code <pubsub><publish node><item><notification
   * xmlns='urn:xmpp:push:0'>}, its summary form's fields), or null when {@code iq} is no such
   * publish.
   */
  static PushNotification notification(Element iq, long receivedAtNanos) {
    Element publish = child(child(iq, "pubsub", PUBSUB), "publish", PUBSUB);
    String node = publish == null ? null : publish.attribute("node");
    Element notification = child(child(publish, "item", PUBSUB), "notification", PUSH);
    if (node == null || node.isEmpty() || notification == null) {
      return null;
    }
    Map<String, String> fields = new LinkedHashMap<>();
    Element form = notification.child("x", DATA_FORMS);
    if (form != null) {
      for (Element field : form.children()) {
        String var = field.attribute("var");
        Element value = field.child("value", DATA_FORMS);
        if (field.name().equals("field")
            && var != null
            && !var.equals("FORM_TYPE")
            && value != null) {
          fields.putIfAbsent(var, value.text());
        }
      }
    }
    return new PushNotification(node, fields, receivedAtNanos);
  }

  private static Element child(Element parent, String name, String namespace) {
    return parent == null ? null : parent.child(name, namespace);
  }

  /** The IQ result for request {@code iq}, from the component's domain. */
  static String result(Element iq, String domain) {
    return response(iq, domain, "result").append("/>").toString();
  }

  private static String serviceUnavailable(Element iq, String domain) {
    return response(iq, domain, "error")
        .append("><error type='cancel'><service-unavailable")
        .append(" xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
        .toString();
  }

  private static StringBuilder response(Element iq, String domain, String type) {
    StringBuilder xml = new StringBuilder(128).append("<iq type='").append(type).append("' id='");
    Xml.escapeAttribute(xml, iq.attribute("id") == null ? "" : iq.attribute("id"));
    xml.append("' from='");
    Xml.escapeAttribute(xml, domain);
    xml.append('\'');
    String to = iq.attribute("from");
    if (to != null) {
      xml.append(" to='");
      Xml.escapeAttribute(xml, to);
      xml.append('\'');
    }
    return xml;
  }

  /** {@code host:port} as an address (not resolved yet). */
  static InetSocketAddress address(String component) {
    int colon = component.lastIndexOf(':');
    String host = colon <= 0 ? "" : component.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(component.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (host.isBlank() || port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "push app server: '"
              + component
              + "' is not the HOST:PORT of a component listener (e.g. 127.0.0.1:5347)");
    }
    return new InetSocketAddress(host, port);
  }

  /**
   * The secret in the first line of {@code file}, without surrounding blanks.
   *
   * @throws IllegalArgumentException when the file is missing, unreadable, larger than 4 KiB, or
   *     its first line is empty or holds control characters
   */
  static String secret(Path file) {
    String problem = null;
    String secret = null;
    try {
      if (Files.size(file) > MAX_SECRET_FILE_BYTES) {
        problem = "is larger than " + MAX_SECRET_FILE_BYTES + " bytes: not a secret file";
      } else {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        secret = text.lines().findFirst().orElse("").strip();
        if (secret.isEmpty()) {
          problem = "has no secret in its first line";
        } else if (secret.chars().anyMatch(Character::isISOControl)) {
          problem = "holds control characters in its first line";
        }
      }
    } catch (IOException e) {
      problem = "cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
    }
    if (problem != null) {
      throw new IllegalArgumentException(
          "push app server: the component secret file "
              + file
              + " "
              + problem
              + "; give the file with the secret of the server's component listener"
              + " (murm server ejabberd writes one and prints its path)");
    }
    return secret;
  }

  /** What a failed connection means, and the fix, in one line. */
  static String refusal(String where, String what) {
    String fix;
    if (what.contains("not-authorized")) {
      fix =
          "the secret (or the domain) does not match the server's component listener; give its"
              + " secret file and domain (murm server ejabberd prints both)";
    } else if (what.contains("conflict")) {
      fix = "the domain is one of the server's own hosts; give the component listener's domain";
    } else if (what.contains("host-unknown") || what.contains("improper-addressing")) {
      fix = "the server has no component of that domain; give the component listener's domain";
    } else if (what.startsWith("stream error") || what.contains("closed")) {
      fix = "check that the address is the server's component listener, not its c2s port";
    } else {
      fix =
          "start the server with a component listener (murm server ejabberd has one) or fix the"
              + " address";
    }
    return "push app server: " + where + " failed (" + what + "): " + fix;
  }
}
