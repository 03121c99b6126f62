package io.murmuration.xmpp.lean;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.util.function.Function;

/**
 * One user's XMPP stream on one wire, as a {@link Session} drives it: {@link TcpConnection} (RFC
 * 6120), {@link WebSocketConnection} (RFC 7395) or {@link BoshConnection} (XEP-0124/0206). The
 * session speaks in stream terms — open, restart, one element, close — and each wire frames them
 * its own way; what arrives comes back to the {@link Owner} as parsed top-level elements, each with
 * the {@link System#nanoTime()} of the read that completed it, taken before parsing.
 *
 * <p>Not thread-safe: every method except {@link #close()} runs on the session's event loop, and so
 * do the owner's callbacks.
 */
interface Connection {

  /** What a connection reports, on its event loop. */
  interface Owner {
    /** The server opened (or, on WebSocket, reopened) its stream. */
    void streamOpened(Connection connection);

    /** A top-level element, read at {@code receivedAtNanos} ({@link System#nanoTime()}). */
    void element(Connection connection, XmlElement element, long receivedAtNanos);

    /** The server ended its stream ({@code </stream:stream>}, {@code <close/>}, terminate). */
    void streamClosed(Connection connection);

    /**
     * What waits to be written went above the high-water mark ({@code writable} false: the server
     * reads slower than the user writes) or back below the low-water mark (true). Netty's channel
     * writability on TCP and WebSocket (32/64 KiB), the queue of stanzas on BOSH.
     */
    void writabilityChanged(Connection connection, boolean writable);

    /** The STARTTLS handshake finished; {@code failure} is null when it succeeded. */
    void tlsDone(Connection connection, Throwable failure);

    /**
     * The connection is gone, once and for all (also one that never connected); {@code cause} is
     * the error that ended it, or null.
     */
    void closed(Connection connection, Throwable cause);
  }

  /**
   * Starts connecting. The future succeeds when the wire can carry the stream's first bytes (TCP:
   * the socket is connected; WebSocket: TLS when {@code wss} and the upgrade are done; BOSH: the
   * first HTTP connection, with TLS when {@code https}, is up) and fails with what prevented it.
   * Either way {@link Owner#closed} follows once the connection ends.
   */
  Future<?> connect();

  /** Whether this wire negotiates TLS inside the stream (STARTTLS): TCP only. */
  boolean hasStartTls();

  /** Opens the client's stream: the stream header, WebSocket's {@code <open/>}, BOSH's session. */
  void openStream();

  /** Starts the stream over after STARTTLS or SASL success: the parser too expects a new one. */
  void restartStream();

  /** Sends one top-level element, whole. */
  void write(String xml);

  /** Ends the client's stream politely; the server's answer ends in {@link Owner#streamClosed}. */
  void closeStream();

  /** Puts TLS under the stream (after {@code <proceed/>}); TCP only. */
  void startTls(Function<ByteBufAllocator, SslHandler> tls);

  /** Drops the connection now, without a closing handshake; any thread, idempotent. */
  void close();
}
