package io.murmuration.xmpp.lean;

import io.murmuration.xmpp.Account;
import io.murmuration.xmpp.XmppClient;
import io.murmuration.xmpp.XmppSettings;
import io.murmuration.xmpp.XmppTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The {@link XmppTransport} on a few Netty event-loop threads shared by all its connections ({@code
 * --client lean}), over TCP, WebSocket or BOSH as {@link XmppSettings#wireFor} says per user. See
 * the package documentation for the design.
 *
 * <p>Thread-safe: {@link #open} may be called from any thread; each client is pinned to one event
 * loop, chosen round-robin. {@link #close()} drops every connection at once and stops the threads.
 */
public final class LeanTransport implements XmppTransport {
  /** The resource every user binds, as with the Smack transport. */
  public static final String RESOURCE = "murm";

  private final XmppSettings settings;
  private final EventLoopGroup loops;
  private final Bootstrap bootstrap;
  private final SslContext tls;
  private final Set<Session> live = ConcurrentHashMap.newKeySet();

  /** With one event-loop thread per available processor. */
  public LeanTransport(XmppSettings settings) {
    this(settings, Runtime.getRuntime().availableProcessors());
  }

  public LeanTransport(XmppSettings settings, int threads) {
    this.settings = settings;
    this.loops = new NioEventLoopGroup(threads, new DefaultThreadFactory("murm-xmpp", true));
    this.bootstrap =
        new Bootstrap()
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()));
    this.tls = sslContext(settings); // for STARTTLS, wss and https alike
  }

  @Override
  public XmppClient open(Account account, XmppClient.Listener listener) {
    return new LeanClient(this, settings, account, listener, loops.next());
  }

  /** Drops every connection without a closing handshake and stops the event loops. */
  @Override
  public void close() {
    for (Session session : live) {
      session.abort();
    }
    live.clear();
    loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
  }

  /** A connection for {@code userId} on the wire {@link XmppSettings#wireFor} gives it. */
  Connection newConnection(int userId, EventLoop loop, Connection.Owner owner) {
    return switch (settings.wireFor(userId)) {
      case TCP -> new TcpConnection(owner, this, userId, loop, settings.domain());
      case WS ->
          new WebSocketConnection(
              owner,
              this,
              userId,
              loop,
              settings.wsUrl(),
              settings.domain(),
              settings.connectTimeout().toMillis());
      case BOSH -> new BoshConnection(owner, this, userId, loop, settings);
    };
  }

  /** Where user {@code userId} connects to, for messages: {@code host:port}. */
  String where(int userId) {
    return switch (settings.wireFor(userId)) {
      case TCP -> {
        InetSocketAddress endpoint = settings.endpointFor(userId);
        yield endpoint.getHostString() + ":" + endpoint.getPort();
      }
      case WS -> settings.wsUrl().getHost() + ":" + port(settings.wsUrl());
      case BOSH -> settings.boshUrl().getHost() + ":" + port(settings.boshUrl());
    };
  }

  /** Whether {@code url} asks for TLS ({@code wss}, {@code https}). */
  static boolean secure(URI url) {
    String scheme = url.getScheme().toLowerCase(java.util.Locale.ROOT);
    return scheme.equals("wss") || scheme.equals("https");
  }

  /** The port of {@code url}, or its scheme's default. */
  static int port(URI url) {
    return url.getPort() > 0 ? url.getPort() : secure(url) ? 443 : 80;
  }

  /** Opens a TCP connection to the c2s endpoint of {@code userId}, with {@code handler} on it. */
  ChannelFuture connect(int userId, EventLoop loop, ChannelHandler handler) {
    return connect(settings.endpointFor(userId), userId, loop, handler);
  }

  /**
   * Opens a TCP connection to {@code endpoint} for {@code userId} (from its source address, if any)
   * on {@code loop}, with {@code handler} on it.
   */
  ChannelFuture connect(
      InetSocketAddress endpoint, int userId, EventLoop loop, ChannelHandler handler) {
    InetAddress source = settings.sourceFor(userId);
    Bootstrap connection = bootstrap.clone(loop).handler(handler);
    return source == null
        ? connection.connect(endpoint)
        : connection.connect(endpoint, new InetSocketAddress(source, 0));
  }

  /**
   * A TLS handler for a client of {@code host} (the XMPP domain for STARTTLS, the URL's host for
   * wss and https), verifying that the server's certificate is trusted and names {@code host} when
   * configured.
   */
  SslHandler newTlsHandler(io.netty.buffer.ByteBufAllocator allocator, String host, int port) {
    SslHandler handler = tls.newHandler(allocator, host, port);
    if (settings.verifyTls()) {
      SSLEngine engine = handler.engine();
      SSLParameters parameters = engine.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
      engine.setSSLParameters(parameters);
    }
    handler.setHandshakeTimeoutMillis(settings.connectTimeout().toMillis());
    return handler;
  }

  void started(Session session) {
    live.add(session);
  }

  void ended(Session session) {
    live.remove(session);
  }

  private static SslContext sslContext(XmppSettings settings) {
    try {
      SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
      if (!settings.verifyTls()) {
        builder.trustManager(InsecureTrustManagerFactory.INSTANCE); // self-signed local servers
      }
      return builder.build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
    }
  }
}
