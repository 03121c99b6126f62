package io.murmuration.xmpp.lean;

import io.murmuration.scenario.Element;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.xml.stream.XMLStreamException;

/**
 * An external component's stream to an XMPP server (XEP-0114, {@code jabber:component:accept}), on
 * one Netty event-loop thread of its own, parsed by the lean transport's {@link StreamParser}.
 *
 * <p>{@link #open} connects, sends the stream header to the component's domain, answers the
 * server's stream header with {@code <handshake/>} holding the lowercase hex SHA-1 of the stream id
 * followed by the secret, and returns once the server has answered {@code <handshake/>}. From then
 * on every stanza the server routes to the component goes to the {@link Listener} on the event
 * loop, with the time of the read that completed it; what the listener {@link #send}s from there is
 * written at once and flushed when the read is handled, so a burst of requests read together is
 * answered with one write.
 *
 * <p>Thread-safe: {@link #send} and {@link #close} may be called from any thread.
 */
public final class ComponentConnection implements AutoCloseable {
  /** The namespace of a component's stream. */
  public static final String NAMESPACE = "jabber:component:accept";

  /** What the connection hands over; called on its event loop, must not block. */
  public interface Listener {
    /** A stanza the server routed to the component, read at {@code receivedAtNanos}. */
    void stanza(Element stanza, long receivedAtNanos);

    /** The connection ended after the handshake without {@link #close()}: what happened. */
    void lost(String reason);
  }

  /** Why a connection could not be opened: a one-line description of what the server said. */
  public static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  private final EventLoopGroup loop =
      new NioEventLoopGroup(1, new DefaultThreadFactory("murm-component", true));
  private final Stream stream;

  /**
   * A connection to be {@link #open}ed as component {@code domain}, authenticated by {@code
   * secret}.
   */
  public ComponentConnection(String domain, String secret, Listener listener) {
    this.stream = new Stream(domain, secret, listener);
  }

  /**
   * Connects to {@code server} and waits for the handshake. {@link Listener#stanza} may be called
   * before this returns. Call it once; after a failure the connection is closed.
   *
   * @throws Refused when the connection fails, the server ends the stream (a stream error such as
   *     {@code not-authorized} for a wrong secret, or {@code conflict} for one of its own domains)
   *     or does not finish the handshake within {@code timeout}
   */
  public void open(InetSocketAddress server, Duration timeout)
      throws Refused, InterruptedException {
    ChannelFuture connect =
        new Bootstrap()
            .group(loop)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(60_000, timeout.toMillis()))
            .handler(stream)
            .connect(server);
    connect.addListener(
        f -> {
          if (!f.isSuccess()) { // before the channel's close is reported
            stream.ready.completeExceptionally(
                new IllegalStateException(StreamErrors.rootMessage(f.cause())));
          }
        });
    try {
      stream.ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      close();
      throw new Refused(e.getCause().getMessage());
    } catch (TimeoutException e) {
      close();
      throw new Refused("no handshake within " + timeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      close();
      throw e;
    }
  }

  /** Writes {@code xml} (one whole stanza); dropped once the connection is closed. */
  public void send(String xml) {
    stream.send(xml);
  }

  /** Ends the stream politely and stops the thread; idempotent, never reports a loss. */
  @Override
  public void close() {
    stream.closing = true;
    Channel channel = stream.channel;
    if (channel != null && channel.isActive()) {
      channel.writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), Xml.STREAM_END));
      channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
    shutDown();
  }

  private void shutDown() {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /** The hex SHA-1 of {@code streamId} followed by {@code secret}: XEP-0114's handshake value. */
  static String handshake(String streamId, String secret) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      return HexFormat.of()
          .formatHex(sha1.digest((streamId + secret).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-1", e);
    }
  }

  /** The stream header a component sends to open its stream as {@code domain}. */
  static String streamHeader(String domain) {
    StringBuilder xml = new StringBuilder(160);
    xml.append("<?xml version='1.0'?><stream:stream xmlns='")
        .append(NAMESPACE)
        .append("' xmlns:stream='")
        .append(Xml.STREAMS)
        .append("' to='");
    Xml.escapeAttribute(xml, domain);
    return xml.append("'>").toString();
  }

  /** The pipeline's end of the stream: handshake, then stanzas to the listener. */
  private static final class Stream extends ChannelInboundHandlerAdapter
      implements StreamParser.Handler {
    private final String domain;
    private final String secret;
    private final Listener listener;
    private final StreamParser parser = new StreamParser(this);

    /** Completes on {@code <handshake/>}; fails with what went wrong before it. */
    final CompletableFuture<Void> ready = new CompletableFuture<>();

    volatile Channel channel;
    volatile boolean closing;
    private long receivedAtNanos;
    private boolean reading;
    private String failure;

    Stream(String domain, String secret, Listener listener) {
      this.domain = domain;
      this.secret = secret;
      this.listener = listener;
    }

    /**
     * Takes the channel as soon as the handler is in its pipeline, before any byte is read: the
     * server's stream header can arrive, and the handshake be sent in answer, before {@code
     * connect} has returned to the thread that called {@link #open} (a handshake sent while {@code
     * channel} was still unset used to be dropped, and the open timed out).
     */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.channel = ctx.channel();
    }

    void send(String xml) {
      Channel c = channel;
      if (c == null || !c.isActive()) {
        return;
      }
      ByteBuf bytes = ByteBufUtil.writeUtf8(c.alloc(), xml);
      if (reading && c.eventLoop().inEventLoop()) {
        c.write(bytes, c.voidPromise()); // flushed in channelReadComplete
      } else {
        c.writeAndFlush(bytes, c.voidPromise());
      }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      // only a connected channel can be closed by the server; a failed connect is reported by
      // open()'s listener with its own reason (from the handler's start, a refused connect's close
      // could beat that listener and be reported as "the server closed the connection")
      ctx.channel().closeFuture().addListener(f -> closed());
      ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(), streamHeader(domain)));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf bytes = (ByteBuf) msg;
      receivedAtNanos = System.nanoTime(); // once per read: for every stanza it completes
      reading = true;
      try {
        parser.feed(bytes.nioBuffer());
      } catch (XMLStreamException e) {
        fail("the server sent bad XML: " + e.getMessage());
        ctx.close();
      } finally {
        bytes.release();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      reading = false;
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(StreamErrors.rootMessage(cause));
      ctx.close();
    }

    @Override
    public void streamOpened(XmlElement header) {
      String id = header.attribute("id");
      if (id == null || id.isEmpty()) {
        fail("the server's stream header has no id");
        channel.close();
        return;
      }
      send("<handshake>" + handshake(id, secret) + "</handshake>");
    }

    @Override
    public void element(XmlElement element) {
      if (element.is("error", Xml.STREAMS)) {
        XmlElement text = element.child("text");
        fail(
            "stream error "
                + StreamErrors.condition(element)
                + (text == null || text.text().isBlank() ? "" : " (" + text.text().trim() + ")"));
        channel.close();
      } else if (!ready.isDone()) {
        if (element.name.equals("handshake")) {
          ready.complete(null);
        }
      } else {
        listener.stanza(element, receivedAtNanos);
      }
    }

    @Override
    public void streamClosed() {
      fail("the server closed the stream");
      channel.close();
    }

    /** Remembers the first reason the stream is ending. */
    private void fail(String reason) {
      if (failure == null) {
        failure = reason;
      }
    }

    private void closed() {
      String reason = failure != null ? failure : "the server closed the connection";
      if (!ready.isDone()) {
        ready.completeExceptionally(new IllegalStateException(reason));
      } else if (!closing) {
        listener.lost(reason);
      }
    }
  }
}
