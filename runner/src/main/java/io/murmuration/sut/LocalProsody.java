package io.murmuration.sut;

import io.murmuration.accounts.Accounts;
import io.murmuration.accounts.InBandRegistration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Prosody 0.12 (the Debian package) started on free loopback ports: c2s, and HTTP with
 * WebSocket (RFC 7395, {@code mod_websocket}) on {@code /xmpp-websocket} and BOSH ({@code
 * mod_bosh}) on {@code /http-bind}, no TLS there (no s2s); epoll with a 4,096 backlog, plain
 * password storage, unencrypted PLAIN allowed, STARTTLS offered with a self-signed certificate,
 * in-band registration open without throttling (that is how its users get accounts: each before its
 * login, or all at once with {@link #registerUsers}), offline storage on, no rate limits; message
 * archive (XEP-0313, every chat message archived) and multi-user chat (XEP-0045) on {@code
 * conference.<domain>}, whose new rooms stay locked until their creator configures them.
 *
 * <p>As root it runs as user {@code prosody} through {@code setpriv}; otherwise as the current
 * user. Everything it writes (config, data, log, pid file) stays in {@link #folder()}.
 */
public final class LocalProsody implements LocalServer {
  private static final Logger log = LoggerFactory.getLogger(LocalProsody.class);
  private static final Path PROSODY = Path.of("/usr/bin/prosody");

  private final Options options;
  private final Path folder;
  private final InetSocketAddress c2s;
  private final int httpPort;
  private final ServerProcess process;
  private final AtomicBoolean closed = new AtomicBoolean();

  private LocalProsody(
      Options options, Path folder, InetSocketAddress c2s, int httpPort, ServerProcess process) {
    this.httpPort = httpPort;
    this.options = options;
    this.folder = folder;
    this.c2s = c2s;
    this.process = process;
  }

  /** Starts Prosody and returns once it serves XMPP streams for the domain. */
  public static LocalProsody start(Options options) {
    DebianPackages.ensure("prosody", PROSODY);
    long started = System.nanoTime();
    RunAs runAs = RunAs.serviceUser("prosody");
    Path folder = Folders.create(options.folder(), "murm-prosody-");
    int[] free = FreePorts.pick(2);
    InetSocketAddress c2s =
        new InetSocketAddress("127.0.0.1", options.c2sPort() > 0 ? options.c2sPort() : free[0]);
    int httpPort = free[1] != c2s.getPort() ? free[1] : free[0];
    Path config = folder.resolve("prosody.cfg.lua");
    try {
      Files.createDirectories(folder.resolve("data"));
      Path certs = Files.createDirectories(folder.resolve("certs"));
      Certificates.selfSigned(certs, options.domain());
      Files.writeString(
          config,
          config(options.domain(), c2s.getPort(), httpPort, folder),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write Prosody's files into " + folder, e);
    }
    runAs.own(folder);
    runAs.checkCanWrite(folder);

    ServerProcess process =
        ServerProcess.start(
            "prosody",
            runAs.command(List.of(PROSODY.toString(), "-F", "--config", config.toString())),
            Map.of("HOME", folder.toString()),
            folder,
            folder.resolve("console.log"),
            folder.resolve("prosody.pid"),
            options.folder() == null && !options.keepFolder());
    LocalProsody server = new LocalProsody(options, folder, c2s, httpPort, process);
    try {
      server.process.awaitReady(
          server.c2s, server.domain(), () -> true, options.startTimeout(), server::logTail);
    } catch (RuntimeException e) {
      process.killKeepingFolder();
      throw e;
    }
    log.debug(
        "prosody ready on {} in {} ms (folder {})",
        c2s,
        (System.nanoTime() - started) / 1_000_000,
        folder);
    return server;
  }

  @Override
  public InetSocketAddress c2s() {
    return c2s;
  }

  @Override
  public String domain() {
    return options.domain();
  }

  @Override
  public Path folder() {
    return folder;
  }

  @Override
  public Path logFile() {
    return folder.resolve("prosody.log");
  }

  @Override
  public long osPid() {
    return process.pid();
  }

  /**
   * Registers the accounts of users {@code firstId .. firstId+count-1} in-band, many at a time (its
   * configuration lets anyone register, unthrottled); existing accounts count as registered.
   */
  public void registerUsers(Accounts accounts, int firstId, int count) {
    InBandRegistration.register(xmppSettings(), accounts, firstId, count);
  }

  @Override
  public void kill() {
    process.kill();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    process.stop(Duration.ofSeconds(5));
  }

  @Override
  public String toString() {
    return "prosody on " + c2s + " (" + domain() + ", " + folder + ")";
  }

  /** Prosody's WebSocket endpoint (plain {@code ws}: no HTTPS listener here). */
  public URI webSocketUrl() {
    return URI.create("ws://127.0.0.1:" + httpPort + "/xmpp-websocket");
  }

  /** Prosody's BOSH endpoint (plain {@code http}: no HTTPS listener here). */
  public URI boshUrl() {
    return URI.create("http://127.0.0.1:" + httpPort + "/http-bind");
  }

  private String logTail() {
    return "last lines of "
        + logFile()
        + ":\n"
        + ServerProcess.tail(logFile(), 15)
        + "\nconsole:\n"
        + ServerProcess.tail(folder.resolve("console.log"), 15);
  }

  private static String config(String domain, int c2sPort, int httpPort, Path folder) {
    return """
        -- made by Murmuration for a local load test
        pidfile = "%3$s/prosody.pid"
        data_path = "%3$s/data"
        log = { warn = "%3$s/prosody.log" }
        certificates = "%3$s/certs"

        interfaces = { "127.0.0.1" }
        local_interfaces = { "127.0.0.1" }
        c2s_ports = { %2$d }
        c2s_direct_tls_ports = { }
        s2s_ports = { }
        component_ports = { }
        http_ports = { %4$d }
        http_interfaces = { "127.0.0.1" }
        https_ports = { }
        network_backend = "epoll"
        network_settings = { tcp_backlog = 4096 }

        modules_enabled = { "roster", "saslauth", "tls", "disco", "ping", "register", "offline", "posix", "websocket", "bosh", "mam" }
        modules_disabled = { "s2s" }

        authentication = "internal_plain"
        storage = "internal"
        c2s_require_encryption = false
        allow_unencrypted_plain_auth = true
        consider_websocket_secure = true
        consider_bosh_secure = true
        cross_domain_websocket = true
        cross_domain_bosh = true
        allow_registration = true
        min_seconds_between_registrations = 0
        limits = { c2s = { rate = "1000mb/s", burst = "10s" } }

        VirtualHost "%1$s"

        Component "conference.%1$s" "muc"
        """
        .formatted(domain, c2sPort, folder, httpPort);
  }
}
