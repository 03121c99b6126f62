package io.murmuration.xmpp;

import io.murmuration.scenario.Incoming;
import io.murmuration.scenario.Stanza;
import io.murmuration.scenario.TtdStamp;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * One simulated user's XMPP session, as the runner sees it. Every method returns at once: work that
 * waits on the network completes a {@link CompletionStage}, and what arrives from the server is
 * handed to the {@link Listener} given to {@link XmppTransport#open}. Implementations never block
 * the caller's thread, so user actors can call them from a Pekko dispatcher.
 *
 * <p>Failures complete the stages exceptionally with an {@link XmppException} whose {@link
 * XmppException#kind()} is the error kind counted in the metrics.
 */
public interface XmppClient {

  /**
   * Opens the stream, negotiates STARTTLS when configured, authenticates, binds a resource.
   * Completes with the {@link ConnectTimes} of its two phases once the session is ready to send.
   */
  CompletionStage<ConnectTimes> connect();

  /**
   * Opens the stream and registers the account in-band (XEP-0077), then closes; completes once
   * closed. An account that exists already counts as registered ({@link Registration#created()}
   * false). A refusal completes exceptionally with kind {@code register} and the server's error
   * condition as {@link XmppException#reason()} ({@code not-allowed}, {@code resource-constraint},
   * …), or {@code timeout} when no answer came within the connect timeout.
   */
  CompletionStage<Registration> register();

  /** Sends available presence, with no entity capabilities. */
  default void sendPresence() {
    sendPresence(Capabilities.BASE);
  }

  /**
   * Sends available presence announcing {@code capabilities} (their {@link
   * Capabilities#capsElement()}, when they declare features), and from then on answers disco#info
   * requests, with or without a {@code node}, with {@link Capabilities#discoInfo}.
   */
  void sendPresence(Capabilities capabilities);

  /**
   * Sends a chat message stamped with the sender's intended send time ({@link TtdStamp}), so the
   * receiving runner can time its delivery.
   */
  void sendChat(String toJid, String body, TtdStamp stamp);

  /** Sends a groupchat message to a MUC room, stamped like {@link #sendChat}. */
  void sendGroupChat(String roomJid, String body, TtdStamp stamp);

  /**
   * Sends one stanza given as XML, as it is.
   *
   * @throws IllegalArgumentException when {@code xml} is not one well-formed stanza
   */
  void sendStanza(String xml);

  /**
   * Sends an IQ request given as XML (its {@code id} attribute is kept if present) and completes
   * with the response, of type result or error, or exceptionally with kind {@code iq-timeout} (no
   * response within {@code timeout}) or {@code send} (not connected).
   */
  CompletionStage<Stanza> iq(String xml, Duration timeout);

  /** Closes the stream politely; completes when the connection is closed. */
  CompletionStage<Void> disconnect();

  /**
   * Enables stream management with resumption (XEP-0198) on the ready stream: completes on {@code
   * <enabled resume='true'/>}, or exceptionally with kind {@code sm-failed} (refused, not offered,
   * not connected) or {@code unsupported} (a transport without it). From then on the client counts
   * what it receives, answers the server's {@code <r/>}, and keeps what it sends until
   * acknowledged.
   */
  CompletionStage<Void> enableResumption();

  /**
   * Closes the connection abruptly, without {@code </stream:stream>}, as a lost network would: the
   * server keeps the session for a {@link #resume()}. No {@link Listener#onConnectionLost} follows;
   * sends fail as not connected until resumed.
   */
  void cut();

  /**
   * Opens a new connection, negotiates TLS and SASL as {@link #connect()} does and resumes the
   * stream enabled by {@link #enableResumption()} (no resource binding): what the server had not
   * received is sent again, and the server resends what this client had not received. Completes
   * with the nanoseconds from the start of the new connection to {@code <resumed/>}; exceptionally
   * with kind {@code resume-failed} when the server refuses or resumption was not enabled (or with
   * the kinds of {@link #connect()} when connecting or authenticating fails).
   */
  CompletionStage<Long> resume();

  /** Callbacks from the connection's own threads; implementations must not block them. */
  interface Listener {
    /** Ignores everything: for clients that only register or probe a login. */
    Listener IGNORE =
        new Listener() {
          @Override
          public void onMessage(Incoming message) {}

          @Override
          public void onConnectionLost(XmppException cause) {}
        };

    /**
     * A chat, normal or groupchat message with a body arrived; {@code receivedAtNanos} is {@link
     * System#nanoTime()} on arrival.
     */
    void onMessage(Incoming message);

    /** Any other stanza arrived (presence, IQ requests, messages without body). */
    default void onStanza(Stanza stanza) {}

    /**
     * A stanza given to a send method could not be sent (not connected, invalid address); {@code
     * failure} has kind {@code send}.
     */
    default void onSendFailed(XmppException failure) {}

    /** The connection ended without {@link #disconnect()}; {@code cause} says why. */
    void onConnectionLost(XmppException cause);

    /**
     * Back-pressure: what this client has written but the server has not yet read went above the
     * high-water mark ({@code false}), or back below the low-water mark ({@code true}). The lean
     * client only; Smack's writes block instead.
     */
    default void onWritable(boolean writable) {}
  }

  /**
   * Times taken by {@link #connect()}, in nanoseconds.
   *
   * <p>With the Smack transport, {@code tcpNanos} is Smack's {@code connect()}: TCP connect, stream
   * opening and stream features, and with STARTTLS also the TLS handshake and the stream restart
   * after it, until the server announces its SASL mechanisms. {@code loginNanos} is Smack's {@code
   * login()}: the SASL exchange, the stream restart after it and resource binding (plus a session
   * IQ if the server requires one). Neither includes waiting in the client's queue behind earlier
   * calls.
   *
   * <p>With the lean transport, {@code tcpNanos} is the TCP connect alone, and {@code loginNanos}
   * everything after it: stream, STARTTLS, SASL, restart, bind (and session). So connect and login
   * times compare within one transport only.
   *
   * @param tcpNanos connection and stream set-up, up to authentication
   * @param loginNanos authentication and resource binding
   */
  record ConnectTimes(long tcpNanos, long loginNanos) {}

  /**
   * How an in-band registration ({@link #register()}) went.
   *
   * @param created true when the account was created, false when it existed already (the server
   *     answered {@code conflict})
   * @param answeredAtNanos {@link System#nanoTime()} when the server's answer arrived (the close of
   *     the connection after it is not included)
   */
  record Registration(boolean created, long answeredAtNanos) {}
}
