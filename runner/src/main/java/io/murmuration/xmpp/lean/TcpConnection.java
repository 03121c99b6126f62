package io.murmuration.xmpp.lean;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.Future;
import java.util.function.Function;
import javax.xml.stream.XMLStreamException;

/**
 * The TCP wire (RFC 6120): one connection's end of the pipeline. Takes the receive time of each
 * read, feeds the bytes to the {@link StreamParser} and passes what it finds, TLS handshake results
 * and the closing of the channel to its {@link Owner}; writes whole elements, each with one write
 * and flush. STARTTLS puts an {@link SslHandler} under the stream.
 *
 * <p>Not thread-safe: used on its channel's event loop only (except {@link #close()}).
 */
final class TcpConnection extends ChannelInboundHandlerAdapter
    implements Connection, StreamParser.Handler {
  private final Owner owner;
  private final LeanTransport transport;
  private final int userId;
  private final EventLoop loop;
  private final String domain;
  private final StreamParser parser = new StreamParser(this);

  /** Written once on the event loop; read by {@link #close()} from any thread. */
  private volatile Channel channel;

  private long receivedAtNanos;
  private Throwable cause;

  TcpConnection(Owner owner, LeanTransport transport, int userId, EventLoop loop, String domain) {
    this.owner = owner;
    this.transport = transport;
    this.userId = userId;
    this.loop = loop;
    this.domain = domain;
  }

  @Override
  public Future<?> connect() {
    ChannelFuture connected = transport.connect(userId, loop, this);
    attach(connected.channel()); // reports the close even if connect failed already
    return connected;
  }

  @Override
  public boolean hasStartTls() {
    return true;
  }

  @Override
  public void openStream() {
    write(Xml.streamHeader(domain));
  }

  @Override
  public void restartStream() {
    parser.restart();
    write(Xml.streamHeader(domain));
  }

  @Override
  public void closeStream() {
    write(Xml.STREAM_END);
  }

  /**
   * Binds this handler's state to {@code channel}; its closing (also of a channel that never
   * connected) is reported to the owner once.
   */
  private void attach(Channel channel) {
    this.channel = channel;
    channel.closeFuture().addListener(f -> owner.closed(this, cause));
  }

  /** Writes {@code xml} whole and flushes it; errors close the channel (see exceptionCaught). */
  @Override
  public void write(String xml) {
    if (channel != null && channel.isActive()) {
      channel.writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), xml), channel.voidPromise());
    }
  }

  /** Puts TLS under the stream, before anything else in the pipeline. */
  @Override
  public void startTls(Function<ByteBufAllocator, SslHandler> tls) {
    parser.restart();
    channel.pipeline().addFirst("tls", tls.apply(channel.alloc()));
  }

  /** Closes the channel; thread-safe and idempotent. */
  @Override
  public void close() {
    if (channel != null) {
      channel.close();
    }
  }

  /** Remembers why the channel is about to close, unless a reason is known already. */
  private void failWith(Throwable reason) {
    if (cause == null) {
      cause = reason;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf bytes = (ByteBuf) msg;
    receivedAtNanos = System.nanoTime(); // once per read, before parsing: for all stanzas in it
    try {
      parser.feed(bytes.nioBuffer());
    } catch (XMLStreamException e) {
      failWith(new XMLStreamException("the server sent bad XML: " + e.getMessage(), e));
      ctx.close();
    } catch (RuntimeException e) { // a bug in handling what arrived: end the session, say why
      failWith(new IllegalStateException("handling the server's XML failed: " + e, e));
      ctx.close();
    } finally {
      bytes.release();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    owner.writabilityChanged(this, ctx.channel().isWritable());
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof SslHandshakeCompletionEvent handshake) {
      if (!handshake.isSuccess()) {
        failWith(handshake.cause());
      }
      owner.tlsDone(this, handshake.isSuccess() ? null : handshake.cause());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable e) {
    failWith(e);
    ctx.close();
  }

  @Override
  public void streamOpened(XmlElement header) {
    owner.streamOpened(this);
  }

  @Override
  public void element(XmlElement element) {
    owner.element(this, element, receivedAtNanos);
  }

  @Override
  public void streamClosed() {
    owner.streamClosed(this);
  }
}
