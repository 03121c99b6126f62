package io.murmuration.xmpp;

import io.murmuration.scenario.Incoming;
import io.murmuration.scenario.Stanza;
import io.murmuration.scenario.TtdStamp;
import io.murmuration.xmpp.lean.Xml;
import io.murmuration.xmpp.lean.XmlElement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.PresenceBuilder;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.packet.UnparsedIQ;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smack.util.PacketParserUtils;
import org.jivesoftware.smackx.disco.AbstractNodeInformationProvider;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Localpart;
import org.jxmpp.stringprep.XmppStringprepException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One user's {@link XmppClient} over one Smack {@link XMPPTCPConnection}.
 *
 * <p><b>Threads.</b> Every call returns at once. Its work — connect, login, register, each send,
 * disconnect — is queued and run in call order by one task at a time on the transport's virtual
 * threads, so Smack's blocking calls (and {@code sendStanza}, which blocks while Smack's writer
 * queue of 500 stanzas is full) never block the caller, and a {@code sendChat} right after {@code
 * connect()} goes out after the login. IQ responses are awaited without a thread (Smack's {@code
 * sendIqRequestAsync}).
 *
 * <p><b>Receiving.</b> Smack parses stanzas on its reader thread and hands each to {@code
 * processStanza}; this client overrides it to take {@link System#nanoTime()} as its first
 * statement, before Smack dispatches to any collector or listener, and calls the {@link Listener}
 * right there, on the reader thread, in arrival order. IQ responses are not passed on (they
 * complete {@link #iq}); IQ requests are, and Smack answers none it has no handler for (only
 * disco#info and ping have one), so a scenario may answer them itself.
 */
final class SmackClient implements XmppClient {
  private static final Logger log = LoggerFactory.getLogger(SmackClient.class);
  private static final String DELAY = "urn:xmpp:delay";
  private static final String LEGACY_DELAY = "jabber:x:delay";

  private final Account account;
  private final String who;
  private final String where;
  private final Listener listener;
  private final SmackTransport transport;
  private final Executor executor;
  private final Connection connection;
  private final ConcurrentLinkedQueue<Task> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();

  /** True from a successful login until the session ends or {@link #disconnect()} is called. */
  private final AtomicBoolean sessionUp = new AtomicBoolean();

  SmackClient(
      XMPPTCPConnectionConfiguration config,
      Account account,
      String who,
      String where,
      Listener listener,
      SmackTransport transport,
      Executor executor,
      Duration replyTimeout) {
    this.account = account;
    this.who = who;
    this.where = where;
    this.listener = listener;
    this.transport = transport;
    this.executor = executor;
    this.connection = new Connection(config);
    connection.setUseStreamManagement(false);
    connection.setReplyTimeout(replyTimeout.toMillis());
    connection.setUnknownIqRequestReplyMode(
        org.jivesoftware.smack.SmackConfiguration.UnknownIqRequestReplyMode.doNotReply);
    connection.addConnectionListener(
        new ConnectionListener() {
          @Override
          public void connectionClosedOnError(Exception e) {
            if (sessionUp.compareAndSet(true, false)) {
              transport.ended(SmackClient.this);
              XmppException lost = SmackErrors.lost(e, where);
              log.debug("{}: {}", who, lost.getMessage());
              listener.onConnectionLost(lost);
            }
          }
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code tcpNanos} is Smack's {@code connect()}, {@code loginNanos} its {@code login()}: see
   * {@link ConnectTimes}.
   */
  @Override
  public CompletionStage<ConnectTimes> connect() {
    CompletableFuture<ConnectTimes> done = new CompletableFuture<>();
    run(
        done,
        () -> {
          if (connection.isConnected()) {
            done.completeExceptionally(new XmppException("connect", who + " is connected already"));
            return;
          }
          long start = System.nanoTime();
          try {
            connection.connect();
          } catch (Exception e) {
            abandon();
            done.completeExceptionally(SmackErrors.connecting(e, where));
            return;
          }
          long connected = System.nanoTime();
          try {
            connection.login(account.username(), account.password());
          } catch (Exception e) {
            abandon();
            done.completeExceptionally(SmackErrors.loggingIn(e, where, who));
            return;
          }
          long loggedIn = System.nanoTime();
          sessionUp.set(true);
          transport.started(this);
          done.complete(new ConnectTimes(connected - start, loggedIn - connected));
        });
    return done;
  }

  @Override
  public CompletionStage<Registration> register() {
    CompletableFuture<Registration> done = new CompletableFuture<>();
    run(
        done,
        () -> {
          if (connection.isConnected()) {
            done.completeExceptionally(
                new XmppException("register", who + " is connected already"));
            return;
          }
          try {
            connection.connect();
          } catch (Exception e) {
            abandon();
            done.completeExceptionally(SmackErrors.connecting(e, where));
            return;
          }
          try {
            AccountManager accounts = AccountManager.getInstance(connection);
            accounts.sensitiveOperationOverInsecureConnection(true);
            // no registration form first: ejabberd and Prosody take username + password directly
            accounts.createAccount(
                Localpart.from(account.username()), account.password(), new HashMap<>());
            done.complete(new Registration(true, System.nanoTime()));
          } catch (XMPPException.XMPPErrorException e) {
            if (e.getStanzaError().getCondition() == StanzaError.Condition.conflict) {
              done.complete(new Registration(false, System.nanoTime())); // exists already
            } else {
              done.completeExceptionally(SmackErrors.registering(e, where, who));
            }
          } catch (Exception e) {
            done.completeExceptionally(SmackErrors.registering(e, where, who));
          } finally {
            connection.disconnect();
          }
        });
    return done;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Declared features are answered by Smack's service discovery manager: for disco#info without
   * a node it adds them to its own features; for the {@code NODE#ver} node a server verifying the
   * caps asks, it answers exactly {@link Capabilities#features()} and the Murmuration identity, so
   * the hash matches.
   */
  @Override
  public void sendPresence(Capabilities capabilities) {
    boolean declared = !capabilities.capsElement().isEmpty();
    send(
        () -> {
          PresenceBuilder presence = StanzaBuilder.buildPresence().ofType(Presence.Type.available);
          if (declared) {
            advertise(capabilities);
            presence.addExtension(
                StandardExtensionElement.builder("c", Capabilities.CAPS)
                    .addAttribute("hash", "sha-1")
                    .addAttribute("node", Capabilities.NODE)
                    .addAttribute("ver", capabilities.ver())
                    .build());
          }
          return presence.build();
        });
  }

  private void advertise(Capabilities capabilities) {
    ServiceDiscoveryManager disco = ServiceDiscoveryManager.getInstanceFor(connection);
    capabilities.features().forEach(disco::addFeature);
    List<DiscoverInfo.Identity> identities =
        List.of(new DiscoverInfo.Identity("client", "Murmuration", "pc"));
    disco.setNodeInformationProvider(
        Capabilities.NODE + "#" + capabilities.ver(),
        new AbstractNodeInformationProvider() {
          @Override
          public List<String> getNodeFeatures() {
            return capabilities.features();
          }

          @Override
          public List<DiscoverInfo.Identity> getNodeIdentities() {
            return identities;
          }
        });
  }

  @Override
  public void sendChat(String toJid, String body, TtdStamp stamp) {
    sendMessage(toJid, Message.Type.chat, body, stamp);
  }

  @Override
  public void sendGroupChat(String roomJid, String body, TtdStamp stamp) {
    sendMessage(roomJid, Message.Type.groupchat, body, stamp);
  }

  private void sendMessage(String toJid, Message.Type type, String body, TtdStamp stamp) {
    send(
        () -> {
          var message =
              StanzaBuilder.buildMessage().to(JidCreate.from(toJid)).ofType(type).setBody(body);
          if (stamp != null) {
            message.addExtension(new SmackTtdElement(stamp));
          }
          return message.build();
        });
  }

  /**
   * @throws IllegalArgumentException when {@code xml} is not one stanza
   */
  @Override
  public void sendStanza(String xml) {
    org.jivesoftware.smack.packet.Stanza stanza = parse(xml);
    send(() -> stanza);
  }

  /**
   * @throws IllegalArgumentException when {@code xml} is not one IQ request (get or set)
   */
  @Override
  public CompletionStage<Stanza> iq(String xml, Duration timeout) {
    if (!(parse(xml) instanceof IQ request) || !request.isRequestIQ()) {
      throw new IllegalArgumentException("not an IQ get or set: " + xml);
    }
    if (request.getStanzaId() == null) {
      request.setStanzaId();
    }
    long timeoutMillis = timeout.toMillis();
    CompletableFuture<Stanza> done = new CompletableFuture<>();
    run(
        done,
        () ->
            connection
                .sendIqRequestAsync(request, timeoutMillis)
                .onSuccess(response -> complete(done, response))
                .onError(
                    e -> {
                      if (e instanceof XMPPException.XMPPErrorException error
                          && error.getStanza() != null) {
                        complete(done, error.getStanza());
                      } else {
                        done.completeExceptionally(SmackErrors.iq(e, where, timeoutMillis));
                      }
                    }));
    return done;
  }

  private static void complete(
      CompletableFuture<Stanza> done, org.jivesoftware.smack.packet.Stanza response) {
    try {
      done.complete(toStanza(response, System.nanoTime()));
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
    }
  }

  @Override
  public CompletionStage<Void> disconnect() {
    sessionUp.set(false); // from now on a dropped connection is the one we asked for
    CompletableFuture<Void> done = new CompletableFuture<>();
    run(
        done,
        () -> {
          abandon();
          done.complete(null);
        });
    return done;
  }

  /** Refused: this transport has no stream management; the lean one has. */
  @Override
  public CompletionStage<Void> enableResumption() {
    return CompletableFuture.failedFuture(noStreamManagement());
  }

  /** Refused, as {@link #enableResumption()}: nothing is cut. */
  @Override
  public void cut() {
    listener.onSendFailed(noStreamManagement());
  }

  /** Refused, as {@link #enableResumption()}. */
  @Override
  public CompletionStage<Long> resume() {
    return CompletableFuture.failedFuture(noStreamManagement());
  }

  private static XmppException noStreamManagement() {
    return new XmppException(
        "unsupported", "stream management (XEP-0198) needs --client lean, not smack");
  }

  /** Drops the connection at once, without a closing handshake: the transport is closing. */
  void abort() {
    sessionUp.set(false);
    connection.instantShutdown();
  }

  @Override
  public String toString() {
    return "SmackClient[" + who + " via " + where + "]";
  }

  /** Closes the connection, if open, without telling the listener. */
  private void abandon() {
    if (sessionUp.getAndSet(false)) {
      transport.ended(this);
    }
    if (connection.isConnected()) {
      connection.disconnect();
    }
  }

  private interface StanzaSupplier {
    org.jivesoftware.smack.packet.Stanza get() throws XmppStringprepException;
  }

  /** Queues a send; a failure (not connected, bad JID) goes to {@link Listener#onSendFailed}. */
  private void send(StanzaSupplier stanza) {
    run(
        null,
        () -> {
          try {
            connection.sendStanza(stanza.get());
          } catch (SmackException.NotConnectedException
              | XmppStringprepException
              | RuntimeException e) {
            log.debug("{}: send failed: {}", who, e.toString());
            listener.onSendFailed(new XmppException("send", who + ": send failed: " + e, e));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  /** Queued work, with the stage it completes (or {@code null} for sends). */
  private record Task(CompletableFuture<?> done, Runnable body) {}

  /** Queues {@code body}; when the transport is closed, fails the queued stages instead. */
  private void run(CompletableFuture<?> done, Runnable body) {
    queue.add(new Task(done, body));
    if (!draining.compareAndSet(false, true)) {
      return; // the running drain picks it up
    }
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException e) {
      Task task;
      while ((task = queue.poll()) != null) {
        if (task.done() != null) {
          task.done()
              .completeExceptionally(new XmppException("send", "the XMPP transport is closed", e));
        }
      }
      draining.set(false);
    }
  }

  private void drain() {
    do {
      Task task;
      while ((task = queue.poll()) != null) {
        try {
          task.body().run();
        } catch (RuntimeException e) {
          log.debug("{}: task failed", who, e);
          if (task.done() != null) {
            task.done().completeExceptionally(e);
          }
        }
      }
      draining.set(false);
    } while (!queue.isEmpty() && draining.compareAndSet(false, true));
  }

  /** Parses one stanza; an IQ with a child Smack does not know becomes a {@link SmackRawIq}. */
  private static org.jivesoftware.smack.packet.Stanza parse(String xml) {
    org.jivesoftware.smack.packet.Stanza stanza;
    try {
      stanza = PacketParserUtils.parseStanza(xml);
    } catch (Exception e) {
      throw new IllegalArgumentException("not a stanza: " + e.getMessage() + ": " + xml, e);
    }
    if (stanza == null) {
      throw new IllegalArgumentException("not a stanza: " + xml);
    }
    return stanza instanceof UnparsedIQ unparsed ? SmackRawIq.of(unparsed) : stanza;
  }

  /** The hook on Smack's reader thread. */
  private final class Connection extends XMPPTCPConnection {
    Connection(XMPPTCPConnectionConfiguration config) {
      super(config);
    }

    @Override
    protected void processStanza(org.jivesoftware.smack.packet.Stanza stanza)
        throws InterruptedException {
      long receivedAtNanos = System.nanoTime();
      try {
        deliver(stanza, receivedAtNanos);
      } catch (RuntimeException e) {
        log.debug("{}: listener failed on {}", who, stanza, e);
      }
      super.processStanza(stanza);
    }
  }

  private void deliver(org.jivesoftware.smack.packet.Stanza stanza, long receivedAtNanos) {
    if (stanza instanceof IQ iq && !iq.isRequestIQ()) {
      return; // a response: completes iq() or one of Smack's own requests
    }
    if (stanza instanceof Message message
        && message.getBody() != null
        && (message.getType() == Message.Type.chat
            || message.getType() == Message.Type.normal
            || message.getType() == Message.Type.groupchat)) {
      // the <ttd/> element, or when there is none the stamp's text form in the body (HTTP APIs)
      TtdStamp stamp =
          message.getExtensionElement(TtdStamp.ELEMENT, TtdStamp.NAMESPACE)
                  instanceof SmackTtdElement ttd
              ? ttd.stamp()
              : TtdStamp.inText(message.getBody());
      boolean delayed =
          message.hasExtension("delay", DELAY) || message.hasExtension("x", LEGACY_DELAY);
      String from = message.getFrom() == null ? null : message.getFrom().toString();
      listener.onMessage(new Incoming(from, message.getBody(), stamp, delayed, receivedAtNanos));
      return;
    }
    listener.onStanza(toStanza(stanza, receivedAtNanos));
  }

  /** A received stanza as scenarios see it; {@code type} is null for Smack's defaults. */
  private static Stanza toStanza(
      org.jivesoftware.smack.packet.Stanza stanza, long receivedAtNanos) {
    String kind;
    String type;
    if (stanza instanceof Message message) {
      kind = "message";
      type = message.getType() == Message.Type.normal ? null : message.getType().name();
    } else if (stanza instanceof Presence presence) {
      kind = "presence";
      type = presence.getType() == Presence.Type.available ? null : presence.getType().name();
    } else {
      kind = "iq";
      type = ((IQ) stanza).getType().name();
    }
    return new Stanza(
        kind,
        type,
        stanza.getStanzaId(),
        stanza.getFrom() == null ? null : stanza.getFrom().toString(),
        stanza.getTo() == null ? null : stanza.getTo().toString(),
        element(stanza, kind, type),
        receivedAtNanos);
  }

  /**
   * The stanza as an element tree, parsed from Smack's XML. Smack writes some stanzas back
   * malformed (an error IQ carrying a child it could not parse); then the tree holds the stanza's
   * addressing and its error only.
   */
  private static XmlElement element(
      org.jivesoftware.smack.packet.Stanza stanza, String kind, String type) {
    try {
      return XmlElement.parse(stanza.toXML().toString());
    } catch (IllegalArgumentException malformed) {
      StringBuilder xml = new StringBuilder("<").append(kind).append(" xmlns='jabber:client'");
      attribute(xml, "type", type);
      attribute(xml, "id", stanza.getStanzaId());
      attribute(xml, "from", stanza.getFrom() == null ? null : stanza.getFrom().toString());
      attribute(xml, "to", stanza.getTo() == null ? null : stanza.getTo().toString());
      xml.append('>');
      if (stanza.getError() != null) {
        xml.append(stanza.getError().toXML());
      }
      return XmlElement.parse(xml.append("</").append(kind).append('>').toString());
    }
  }

  private static void attribute(StringBuilder xml, String name, String value) {
    if (value != null) {
      xml.append(' ').append(name).append("='");
      Xml.escapeAttribute(xml, value);
      xml.append('\'');
    }
  }
}
