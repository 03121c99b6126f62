package io.murmuration.xmpp.lean;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import javax.xml.stream.XMLStreamException;

/**
 * The WebSocket wire (RFC 7395): one WebSocket with subprotocol {@code xmpp}, over TLS for {@code
 * wss} URLs. The stream opens with {@code <open/>} and ends with {@code <close/>} (framing
 * namespace), and every frame holds exactly one element; the restart after SASL is a new {@code
 * <open/>}. Each element sent names its namespace ({@code jabber:client} for stanzas): Prosody
 * takes an unqualified one to be in the framing namespace and ends the stream.
 *
 * <p><b>Parsing.</b> Frames are whole elements, so one {@link StreamParser} serves the connection's
 * life: it is first fed a stream header of its own (declaring {@code jabber:client} and the {@code
 * stream} prefix, for servers that leave them out of a frame), then each text frame's bytes as they
 * are. So {@code <open/>} and {@code <close/>} arrive as elements of that document, and the parser
 * never restarts.
 *
 * <p><b>Receive time.</b> The first handler of the pipeline, before TLS and the HTTP and WebSocket
 * codecs, takes {@link System#nanoTime()} on each read; the elements of the frames that read
 * completes carry it.
 *
 * <p>Not thread-safe: used on its channel's event loop only (except {@link #close()}).
 */
final class WebSocketConnection extends ChannelInboundHandlerAdapter
    implements Connection, StreamParser.Handler {
  /** RFC 7395's namespace of {@code <open/>} and {@code <close/>}. */
  static final String FRAMING = "urn:ietf:params:xml:ns:xmpp-framing";

  private static final String FRAMES_DOCUMENT =
      "<stream:stream xmlns='jabber:client' xmlns:stream='" + Xml.STREAMS + "'>";
  private static final int MAX_FRAME = 1 << 20; // ejabberd's max_stanza_size here is 1 MiB

  private final Owner owner;
  private final LeanTransport transport;
  private final int userId;
  private final EventLoop loop;
  private final URI url;
  private final String domain;
  private final long timeoutMillis;
  private final StreamParser parser = new StreamParser(this);

  /** Written once on the event loop; read by {@link #close()} from any thread. */
  private volatile Channel channel;

  private Promise<Void> upgraded;
  private final ReadClock clock = new ReadClock();
  private Throwable cause;

  WebSocketConnection(
      Owner owner,
      LeanTransport transport,
      int userId,
      EventLoop loop,
      URI url,
      String domain,
      long timeoutMillis) {
    this.owner = owner;
    this.transport = transport;
    this.userId = userId;
    this.loop = loop;
    this.url = url;
    this.domain = domain;
    this.timeoutMillis = timeoutMillis;
    try {
      parser.feed(ByteBuffer.wrap(FRAMES_DOCUMENT.getBytes(StandardCharsets.UTF_8)));
    } catch (XMLStreamException e) {
      throw new IllegalStateException("the frames' own stream header does not parse", e);
    }
  }

  @Override
  public Future<?> connect() {
    upgraded = loop.newPromise();
    int port = LeanTransport.port(url);
    boolean secure = LeanTransport.secure(url);
    ChannelFuture connected =
        transport.connect(
            new InetSocketAddress(url.getHost(), port),
            userId,
            loop,
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ChannelPipeline pipeline = ch.pipeline();
                pipeline.addLast("clock", clock);
                if (secure) {
                  pipeline.addLast("tls", transport.newTlsHandler(ch.alloc(), url.getHost(), port));
                }
                pipeline.addLast("http", new HttpClientCodec());
                pipeline.addLast("upgrade-response", new HttpObjectAggregator(64 * 1024));
                pipeline.addLast(
                    "ws",
                    new WebSocketClientProtocolHandler(
                        WebSocketClientProtocolConfig.newBuilder()
                            .webSocketUri(url)
                            .subprotocol("xmpp")
                            .maxFramePayloadLength(MAX_FRAME)
                            .handshakeTimeoutMillis(timeoutMillis)
                            .build()));
                pipeline.addLast("frames", new WebSocketFrameAggregator(MAX_FRAME));
                pipeline.addLast("xmpp", WebSocketConnection.this);
              }
            });
    channel = connected.channel();
    connected.addListener(
        f -> {
          if (!f.isSuccess()) {
            upgraded.tryFailure(f.cause());
          }
        });
    channel
        .closeFuture()
        .addListener(
            f -> {
              upgraded.tryFailure(
                  cause != null
                      ? cause
                      : new java.io.IOException("closed during the WebSocket upgrade"));
              owner.closed(this, cause);
            });
    return upgraded;
  }

  @Override
  public boolean hasStartTls() {
    return false;
  }

  @Override
  public void openStream() {
    write(Xml.open(domain));
  }

  @Override
  public void restartStream() {
    write(Xml.open(domain)); // frames are whole elements: the parser goes on as it is
  }

  /** Sends {@code xml} as one text frame, its root qualified as RFC 7395 asks (3.3.3). */
  @Override
  public void write(String xml) {
    Channel open = channel;
    if (open != null && open.isActive()) {
      open.writeAndFlush(
          new TextWebSocketFrame(ByteBufUtil.writeUtf8(open.alloc(), Xml.inClientNamespace(xml))),
          open.voidPromise());
    }
  }

  @Override
  public void closeStream() {
    write("<close xmlns='" + FRAMING + "'/>");
  }

  @Override
  public void startTls(Function<ByteBufAllocator, SslHandler> tls) {
    throw new IllegalStateException("no STARTTLS on WebSocket: use a wss:// URL");
  }

  @Override
  public void close() {
    Channel open = channel;
    if (open != null) {
      open.close();
    }
  }

  private void failWith(Throwable reason) {
    if (cause == null) {
      cause = reason;
    }
  }

  // ------------------------------------------------------------------ Netty

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof TextWebSocketFrame text) {
        parser.feed(text.content().nioBuffer());
      }
    } catch (XMLStreamException e) {
      failWith(new XMLStreamException("the server sent bad XML: " + e.getMessage(), e));
      ctx.close();
    } catch (RuntimeException e) { // a bug in handling what arrived: end the session, say why
      failWith(new IllegalStateException("handling the server's XML failed: " + e, e));
      ctx.close();
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    owner.writabilityChanged(this, ctx.channel().isWritable());
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
      upgraded.trySuccess(null);
    } else if (event
        == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
      failWith(new java.io.IOException("no WebSocket upgrade within " + timeoutMillis + " ms"));
      ctx.close();
    } else if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
      failWith(handshake.cause());
    }
    ctx.fireUserEventTriggered(event);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable e) {
    failWith(e);
    ctx.close();
  }

  // ------------------------------------------------------------------ StreamParser.Handler

  @Override
  public void streamOpened(XmlElement header) {} // our own document's header, not the server's

  @Override
  public void element(XmlElement element) {
    if (element.is("open", FRAMING)) {
      owner.streamOpened(this);
    } else if (element.is("close", FRAMING)) {
      owner.streamClosed(this);
    } else {
      owner.element(this, element, clock.lastReadNanos());
    }
  }

  @Override
  public void streamClosed() {}
}
