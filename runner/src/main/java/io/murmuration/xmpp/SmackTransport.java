package io.murmuration.xmpp;

import io.murmuration.scenario.TtdStamp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import javax.net.SocketFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.SmackConfiguration;
import org.jivesoftware.smack.provider.ProviderManager;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.ping.PingManager;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * The {@link XmppTransport} on Smack 4.4's classic {@code XMPPTCPConnection}: one connection per
 * client, each with Smack's own reader and writer threads; everything that could block runs on this
 * transport's virtual threads (see {@link SmackClient}).
 *
 * <p>Connections are configured for load: the host address and port from {@link
 * XmppSettings#endpointFor} (no DNS SRV lookup), the source address from {@link
 * XmppSettings#sourceFor} with TCP_NODELAY, only the configured SASL mechanism, resource {@code
 * murm}, no initial presence, no roster, no stream management, no reconnection, no client pings;
 * Smack's reply timeout is the connect timeout. With {@code verifyTls=false} any certificate and
 * host name is accepted (self-signed local servers).
 *
 * <p>Smack is set up once per JVM: the {@code <ttd/>} provider is registered and the managers Smack
 * would otherwise attach to every connection (roster, entity caps, MUC, file transfer, ...) are
 * disabled; only service discovery and ping stay, to answer the server. Smack's own
 * java.util.logging output is limited to SEVERE unless a logging config sets a level for it.
 */
final class SmackTransport implements XmppTransport {
  /** Smack's logger root; kept here so the level set on it is not garbage-collected. */
  private static final java.util.logging.Logger SMACK_LOGGER =
      java.util.logging.Logger.getLogger("org.jivesoftware");

  static final String RESOURCE = "murm";

  static {
    // must run before Smack initializes, i.e. before any connection or configuration class loads
    SmackConfiguration.addDisabledSmackClasses(
        "org.jivesoftware.smack.ReconnectionManager",
        "org.jivesoftware.smack.roster.Roster",
        "org.jivesoftware.smackx.xhtmlim.XHTMLManager",
        "org.jivesoftware.smackx.mediaelement.MediaElementManager",
        "org.jivesoftware.smackx.muc.MultiUserChatManager",
        "org.jivesoftware.smackx.muc.bookmarkautojoin.MucBookmarkAutojoinManager",
        "org.jivesoftware.smackx.bytestreams.ibb.InBandBytestreamManager",
        "org.jivesoftware.smackx.bytestreams.socks5.Socks5BytestreamManager",
        "org.jivesoftware.smackx.filetransfer.FileTransferManager",
        "org.jivesoftware.smackx.iqlast.LastActivityManager",
        "org.jivesoftware.smackx.commands.AdHocCommandManager",
        "org.jivesoftware.smackx.privacy.PrivacyListManager",
        "org.jivesoftware.smackx.time.EntityTimeManager",
        "org.jivesoftware.smackx.vcardtemp.VCardManager",
        "org.jivesoftware.smackx.xdata.XDataManager",
        "org.jivesoftware.smackx.xdatalayout.XDataLayoutManager",
        "org.jivesoftware.smackx.xdatavalidation.XDataValidationManager",
        "org.jivesoftware.smackx.receipts.DeliveryReceiptManager",
        "org.jivesoftware.smackx.iqversion.VersionManager",
        "org.jivesoftware.smackx.caps.EntityCapsManager",
        "org.jivesoftware.smackx.softwareinfo.form.SoftwareInfoForm");
    if (SMACK_LOGGER.getLevel() == null) {
      SMACK_LOGGER.setLevel(Level.SEVERE); // Smack logs every dropped connection at WARNING
    }
    ProviderManager.addExtensionProvider(
        TtdStamp.ELEMENT, TtdStamp.NAMESPACE, new SmackTtdElement.Provider());
    PingManager.setDefaultPingInterval(0); // the server pings if it wants to; we only answer
  }

  private final XmppSettings settings;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  /**
   * One configuration (and so one SSLContext) per endpoint and source address, shared by clients.
   */
  private final Map<Route, XMPPTCPConnectionConfiguration> configurations =
      new ConcurrentHashMap<>();

  /** Clients with a session, so that {@link #close()} can drop them. */
  private final Set<SmackClient> live = ConcurrentHashMap.newKeySet();

  SmackTransport(XmppSettings settings) {
    this.settings = settings;
  }

  @Override
  public XmppClient open(Account account, XmppClient.Listener listener) {
    Route route =
        new Route(settings.endpointFor(account.userId()), settings.sourceFor(account.userId()));
    XMPPTCPConnectionConfiguration config = configurations.computeIfAbsent(route, this::configure);
    String where = route.endpoint().getHostString() + ":" + route.endpoint().getPort();
    return new SmackClient(
        config,
        account,
        settings.jid(account.username()),
        where,
        listener,
        this,
        executor,
        settings.connectTimeout());
  }

  /** Drops every open connection at once (no closing handshake) and stops the virtual threads. */
  @Override
  public void close() {
    for (SmackClient client : live) {
      client.abort();
    }
    live.clear();
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void started(SmackClient client) {
    live.add(client);
  }

  void ended(SmackClient client) {
    live.remove(client);
  }

  private record Route(InetSocketAddress endpoint, InetAddress source) {}

  private XMPPTCPConnectionConfiguration configure(Route route) {
    try {
      XMPPTCPConnectionConfiguration.Builder builder =
          XMPPTCPConnectionConfiguration.builder()
              .setXmppDomain(settings.domain())
              .setPort(route.endpoint().getPort())
              .setResource(RESOURCE)
              .setSendPresence(false)
              .setCompressionEnabled(false)
              .setSocketFactory(new SourceBoundSocketFactory(route.source()))
              .setConnectTimeout((int) settings.connectTimeout().toMillis())
              .setSecurityMode(
                  switch (settings.tls()) {
                    case DISABLED -> SecurityMode.disabled;
                    case IF_POSSIBLE -> SecurityMode.ifpossible;
                    case REQUIRED -> SecurityMode.required;
                  })
              .addEnabledSaslMechanism(settings.sasl());
      if (route.endpoint().isUnresolved()) {
        builder.setHost(route.endpoint().getHostString());
      } else {
        builder.setHostAddress(route.endpoint().getAddress());
      }
      if (!settings.verifyTls()) {
        builder.setCustomX509TrustManager(new TrustAnything());
        builder.setHostnameVerifier((host, session) -> true);
      }
      return builder.build();
    } catch (XmppStringprepException e) {
      throw new IllegalArgumentException("'" + settings.domain() + "' is not an XMPP domain", e);
    }
  }

  /**
   * Makes unconnected sockets bound to one local address, with TCP_NODELAY (Smack connects them).
   */
  private static final class SourceBoundSocketFactory extends SocketFactory {
    private final InetAddress source;

    SourceBoundSocketFactory(InetAddress source) {
      this.source = source;
    }

    @Override
    public Socket createSocket() throws IOException {
      Socket socket = new Socket();
      socket.setTcpNoDelay(true);
      if (source != null) {
        socket.bind(new InetSocketAddress(source, 0));
      }
      return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return createSocket(InetAddress.getByName(host), port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      Socket socket = createSocket();
      socket.connect(new InetSocketAddress(host, port));
      return socket;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
        throws IOException, UnknownHostException {
      return createSocket(host, port);
    }

    @Override
    public Socket createSocket(
        InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      return createSocket(address, port);
    }
  }

  /** Trusts every certificate: for {@code verifyTls=false} against self-signed local servers. */
  private static final class TrustAnything extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
