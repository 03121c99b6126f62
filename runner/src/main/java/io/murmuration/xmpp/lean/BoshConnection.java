package io.murmuration.xmpp.lean;

import io.murmuration.xmpp.XmppSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.xml.stream.XMLStreamException;

/**
 * The BOSH wire (XEP-0124 with XEP-0206): the stream travels in HTTP POSTs of {@code <body/>}
 * wrappers over up to {@code requests} keep-alive HTTP/1.1 connections (TLS for {@code https}
 * URLs), each carrying one request at a time.
 *
 * <p><b>Requests.</b> The first body creates the session ({@code to}, {@code xml:lang}, {@code
 * wait}, {@code hold=1}, {@code ver=1.6}, {@code xmpp:version=1.0}); its answer brings the {@code
 * sid} and how many requests may be open at once. From then on one request is always held by the
 * server (the long poll), so that it can answer whenever a stanza arrives for the user; stanzas to
 * send go out at once in a request of their own while fewer than {@code requests} are open, and
 * those given while all are busy are queued and sent together in the next body. Every body carries
 * the next {@code rid}. After SASL success the stream restart is a body with {@code
 * xmpp:restart='true'} and nothing else. {@link #closeStream()} sends {@code type='terminate'}
 * (with anything still queued) once the server has answered every request that carried stanzas (an
 * empty request makes it answer the one it holds): ejabberd 23 may drop or delay a stanza whose
 * request is still open when the session ends. The terminate's answer counts as the server's end of
 * stream.
 *
 * <p><b>Order.</b> Two requests open at once travel on two HTTP connections, so the second can
 * reach the server first. ejabberd (23.01, and its master as of 2026) keeps a request whose {@code
 * rid} is ahead of the next expected one and never processes it once the gap is filled ({@code
 * ejabberd_bosh:active1}): its stanzas are lost and the session stalls until {@code wait} runs out
 * (seen here as 4 % of 300 users never getting their presence reflected, each with a presence sent
 * 0–3 ms after the long poll). So a request sent while another is open leaves at least {@link
 * #SETTLE_NANOS} after it, and stanzas given meanwhile wait, queued, and go out together.
 *
 * <p><b>Losing the session.</b> An HTTP status other than 200, a connection closed while it carries
 * a request, a request unanswered for {@code wait} + {@value #MARGIN_SECONDS} s, or a {@code
 * terminate} from the server ends the connection; a stream error inside the terminating body is
 * reported as an element first, as on TCP.
 *
 * <p><b>Receive time.</b> The first handler of each HTTP connection takes {@link System#nanoTime()}
 * per read, before TLS and the HTTP codec; the elements of the response that read completes carry
 * it. Each response body is parsed as one document by the connection's {@link StreamParser},
 * started over per response.
 *
 * <p>Not thread-safe: used on the session's event loop only ({@link #close()} posts itself there).
 */
final class BoshConnection implements Connection, StreamParser.Handler {
  static final String HTTPBIND = "http://jabber.org/protocol/httpbind";
  private static final String XBOSH = "urn:xmpp:xbosh";
  private static final int WAIT_SECONDS = 60;
  private static final int MARGIN_SECONDS = 15;

  /**
   * How long after a request the next one waits while the first is still open: long enough that the
   * server has taken the first before the second arrives (see the class comment, "Order").
   */
  static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private static final int MAX_RESPONSE = 4 << 20;

  /** Queued stanzas above this many characters hold the user back (Netty's high-water mark). */
  static final int QUEUE_HIGH_CHARS = 64 * 1024;

  private final Owner owner;
  private final LeanTransport transport;
  private final int userId;
  private final EventLoop loop;
  private final URI url;
  private final String domain;
  private final InetSocketAddress endpoint;
  private final String hostHeader;
  private final String path;
  private final boolean secure;
  private final StreamParser parser = new StreamParser(this);

  private final List<HttpConnection> connections = new ArrayList<>(2);
  private final ArrayDeque<String> queued = new ArrayDeque<>();

  /** The characters in {@link #queued}, and whether the owner was told it is above the mark. */
  private long queuedChars;

  private boolean queueFull;
  private long rid = ThreadLocalRandom.current().nextLong(1L << 20, 1L << 40);
  private String sid;
  private int requests = 1; // until the server says
  private int waitSeconds = WAIT_SECONDS;
  private int inFlight;
  private int payloadInFlight;
  private long lastSentNanos;
  private boolean pumpScheduled;
  private boolean restartPending;
  private boolean terminatePending;
  private boolean terminateSent;
  private boolean streamEnded;
  private boolean ended;
  private Throwable cause;
  private long receivedAtNanos;
  private HttpConnection terminating;

  /** Whether the body being parsed ends the session ({@code type='terminate'}). */
  private boolean bodyTerminates;

  BoshConnection(
      Owner owner, LeanTransport transport, int userId, EventLoop loop, XmppSettings settings) {
    this.owner = owner;
    this.transport = transport;
    this.userId = userId;
    this.loop = loop;
    this.url = settings.boshUrl();
    this.domain = settings.domain();
    int port = LeanTransport.port(url);
    this.endpoint = new InetSocketAddress(url.getHost(), port);
    this.hostHeader = url.getHost() + ":" + port;
    this.path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    this.secure = LeanTransport.secure(url);
  }

  @Override
  public Future<?> connect() {
    HttpConnection first = new HttpConnection();
    connections.add(first);
    return first.open();
  }

  @Override
  public boolean hasStartTls() {
    return false;
  }

  @Override
  public void openStream() {
    StringBuilder body = new StringBuilder(300);
    body.append("<body content='text/xml; charset=utf-8' hold='1' rid='")
        .append(++rid)
        .append("' to='");
    Xml.escapeAttribute(body, domain);
    body.append("' ver='1.6' wait='")
        .append(WAIT_SECONDS)
        .append("' xml:lang='en' xmpp:version='1.0' xmlns='")
        .append(HTTPBIND)
        .append("' xmlns:xmpp='")
        .append(XBOSH)
        .append("'/>");
    send(body.toString());
  }

  @Override
  public void restartStream() {
    restartPending = true;
    pump();
  }

  @Override
  public void write(String xml) {
    if (ended || terminateSent) {
      return;
    }
    String stanza = Xml.inClientNamespace(xml);
    queued.add(stanza);
    queuedChars += stanza.length();
    if (!queueFull && queuedChars > QUEUE_HIGH_CHARS) {
      queueFull = true; // every request is in flight and the stanzas pile up: as Netty's mark
      owner.writabilityChanged(this, false);
    }
    pump();
  }

  @Override
  public void closeStream() {
    if (ended || terminateSent) {
      return;
    }
    if (sid == null) {
      close(); // no session yet: nothing to terminate
      return;
    }
    terminatePending = true;
    pump();
  }

  @Override
  public void startTls(Function<ByteBufAllocator, SslHandler> tls) {
    throw new IllegalStateException("no STARTTLS on BOSH: use an https:// URL");
  }

  @Override
  public void close() {
    if (!loop.inEventLoop()) {
      try {
        loop.execute(this::close);
      } catch (RejectedExecutionException e) {
        List.copyOf(connections).forEach(HttpConnection::drop); // the loop is gone: drop them
      }
      return;
    }
    if (ended) {
      return;
    }
    ended = true;
    List<HttpConnection> all = new ArrayList<>(connections); // each leaves the list as it closes
    connections.clear();
    all.forEach(HttpConnection::drop);
    queued.clear();
    queuedChars = 0;
    Throwable why = cause;
    loop.execute(() -> owner.closed(this, why)); // after the caller is done, as a channel would
  }

  /** Ends the connection because of {@code reason}, which becomes the cause reported. */
  private void fail(Throwable reason) {
    if (cause == null) {
      cause = reason;
    }
    close();
  }

  /** Sends what is due while fewer than {@code requests} requests are open. */
  private void pump() {
    if (sid == null || ended) {
      return;
    }
    while (inFlight < requests && !terminateSent) {
      long settle = lastSentNanos + SETTLE_NANOS - System.nanoTime();
      if (inFlight > 0 && settle > 0 && due()) {
        if (!pumpScheduled) {
          pumpScheduled = true;
          loop.schedule(
              () -> {
                pumpScheduled = false;
                pump();
              },
              settle,
              TimeUnit.NANOSECONDS);
        }
        return;
      }
      if (restartPending) {
        restartPending = false;
        StringBuilder body = bodyStart(60);
        body.append(" to='");
        Xml.escapeAttribute(body, domain);
        send(
            body.append("' xml:lang='en' xmpp:restart='true' xmlns:xmpp='")
                .append(XBOSH)
                .append("'/>")
                .toString());
      } else if (terminatePending) {
        if (payloadInFlight > 0) { // terminate only once the server has answered every stanza
          if (inFlight == payloadInFlight) {
            send(bodyStart(0).append("/>").toString()); // makes it answer the one it holds
          }
          return;
        }
        terminateSent = true;
        terminating = send(withPayload(bodyStart(64).append(" type='terminate'")));
      } else if (!queued.isEmpty()) {
        send(withPayload(bodyStart(64)));
      } else if (inFlight == 0) {
        send(bodyStart(0).append("/>").toString()); // the long poll
      } else {
        return;
      }
    }
  }

  /** Whether {@link #pump} has something to send now (a restart, a terminate or stanzas). */
  private boolean due() {
    return restartPending || terminatePending || !queued.isEmpty();
  }

  private StringBuilder bodyStart(int extra) {
    StringBuilder body = new StringBuilder(120 + extra);
    body.append("<body rid='").append(++rid).append("' sid='");
    Xml.escapeAttribute(body, sid);
    return body.append("' xmlns='").append(HTTPBIND).append('\'');
  }

  private String withPayload(StringBuilder body) {
    body.append('>');
    for (String xml : queued) {
      body.append(xml);
    }
    queued.clear();
    queuedChars = 0;
    if (queueFull) {
      queueFull = false;
      owner.writabilityChanged(this, true);
    }
    return body.append("</body>").toString();
  }

  /**
   * Posts {@code body} on an idle HTTP connection, or on a new one when none is idle; returns the
   * connection that carries it.
   */
  private HttpConnection send(String body) {
    boolean payload = !body.endsWith("/>");
    lastSentNanos = System.nanoTime();
    inFlight++;
    payloadInFlight += payload ? 1 : 0;
    for (HttpConnection connection : connections) {
      if (!connection.busy) {
        connection.post(body, payload);
        return connection;
      }
    }
    HttpConnection fresh = new HttpConnection();
    connections.add(fresh);
    fresh.open();
    fresh.post(body, payload);
    return fresh;
  }

  /** A response arrived: parses its body, hands on what it holds, and sends what is due. */
  private void answered(FullHttpResponse response, HttpConnection from, long readAtNanos) {
    inFlight--;
    payloadInFlight -= from.payload ? 1 : 0;
    receivedAtNanos = readAtNanos;
    if (!response.status().equals(HttpResponseStatus.OK)) {
      fail(new IOException("HTTP " + response.status() + " from " + hostHeader + path));
      return;
    }
    bodyTerminates = false;
    parser.restart();
    try {
      parser.feed(response.content().nioBuffer());
    } catch (XMLStreamException e) {
      fail(new XMLStreamException("the server sent bad XML: " + e.getMessage(), e));
      return;
    } catch (RuntimeException e) { // a bug in handling what arrived: end the session, say why
      fail(new IllegalStateException("handling the server's XML failed: " + e, e));
      return;
    }
    if (ended) {
      return;
    }
    if (bodyTerminates || from == terminating) {
      if (!streamEnded) {
        streamEnded = true;
        owner.streamClosed(this);
      }
      if (!terminateSent) {
        close(); // the server has ended the session: nothing more can travel
      }
      return;
    }
    pump();
  }

  // ------------------------------------------------------------------ StreamParser.Handler

  @Override
  public void streamOpened(XmlElement body) {
    if ("terminate".equals(body.attribute("type"))) {
      bodyTerminates = true;
      return;
    }
    if (sid == null) {
      String given = body.attribute("sid");
      if (given == null) {
        fail(new IOException("the BOSH service at " + hostHeader + path + " gave no sid"));
        return;
      }
      sid = given;
      requests = Math.max(1, number(body.attribute("requests"), 2));
      waitSeconds = number(body.attribute("wait"), WAIT_SECONDS);
      owner.streamOpened(this);
    }
  }

  @Override
  public void element(XmlElement element) {
    if (!ended) {
      owner.element(this, element, receivedAtNanos);
    }
  }

  @Override
  public void streamClosed() {} // the end of one body, not of the stream

  private static int number(String text, int otherwise) {
    try {
      return text == null ? otherwise : Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  /**
   * One keep-alive HTTP connection of the session, carrying one request at a time; a request posted
   * before it is connected waits for the connection (and its TLS handshake).
   */
  private final class HttpConnection extends ChannelInboundHandlerAdapter {
    private Channel channel;
    private Promise<Void> ready;
    private boolean busy;
    private ScheduledFuture<?> timer;
    private final ReadClock clock = new ReadClock();

    Future<Void> open() {
      ready = loop.newPromise();
      ChannelFuture connected =
          transport.connect(
              endpoint,
              userId,
              loop,
              new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                  ChannelPipeline pipeline = ch.pipeline();
                  pipeline.addLast("clock", clock);
                  if (secure) {
                    pipeline.addLast(
                        "tls",
                        transport.newTlsHandler(ch.alloc(), url.getHost(), endpoint.getPort()));
                  }
                  pipeline.addLast("http", new HttpClientCodec());
                  pipeline.addLast("response", new HttpObjectAggregator(MAX_RESPONSE));
                  pipeline.addLast("bosh", HttpConnection.this);
                }
              });
      channel = connected.channel();
      connected.addListener(
          f -> {
            if (!f.isSuccess()) {
              ready.tryFailure(f.cause());
            } else if (secure) {
              channel
                  .pipeline()
                  .get(SslHandler.class)
                  .handshakeFuture()
                  .addListener(
                      h -> {
                        if (h.isSuccess()) {
                          ready.trySuccess(null);
                        } else {
                          ready.tryFailure(h.cause());
                        }
                      });
            } else {
              ready.trySuccess(null);
            }
          });
      ready.addListener(
          f -> {
            if (!f.isSuccess()) {
              fail(f.cause());
            }
          });
      channel.closeFuture().addListener(f -> lost());
      return ready;
    }

    private boolean payload;

    void post(String body, boolean carriesPayload) {
      payload = carriesPayload;
      busy = true;
      if (ready.isSuccess()) {
        write(body);
      } else {
        ready.addListener(
            f -> {
              if (f.isSuccess()) {
                write(body);
              }
            });
      }
    }

    private void write(String body) {
      if (ended) {
        return;
      }
      ByteBuf content = ByteBufUtil.writeUtf8(channel.alloc(), body);
      DefaultFullHttpRequest request =
          new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path, content);
      request
          .headers()
          .set(HttpHeaderNames.HOST, hostHeader)
          .set(HttpHeaderNames.CONTENT_TYPE, "text/xml; charset=utf-8")
          .set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
      timer =
          loop.schedule(
              () ->
                  fail(
                      new IOException(
                          "no BOSH response from "
                              + hostHeader
                              + " within "
                              + (waitSeconds + MARGIN_SECONDS)
                              + " s")),
              waitSeconds + MARGIN_SECONDS,
              TimeUnit.SECONDS);
      channel.writeAndFlush(request, channel.voidPromise());
    }

    /** The channel closed: fatal while it carries a request, else it just leaves the pool. */
    private void lost() {
      cancelTimer();
      connections.remove(this);
      if (busy && !ended) {
        fail(new IOException("the server closed the HTTP connection"));
      }
    }

    void drop() {
      cancelTimer();
      if (channel != null) {
        channel.close();
      }
    }

    private void cancelTimer() {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof FullHttpResponse response && busy) {
          busy = false;
          cancelTimer();
          answered(response, this, clock.lastReadNanos());
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable e) {
      if (busy || !ready.isDone()) {
        if (cause == null) {
          cause = e;
        }
      }
      ctx.close();
    }
  }
}
