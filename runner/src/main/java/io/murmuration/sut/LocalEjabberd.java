package io.murmuration.sut;

import io.murmuration.accounts.Accounts;
import io.murmuration.accounts.EjabberdHttpApi;
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
 * A real ejabberd (the Debian package) started on free loopback ports with a configuration made for
 * load tests: no c2s traffic shaper, raised listener backlogs and VM limits, plain password storage
 * (SASL PLAIN logins cost no hashing), in-band registration without its per-IP throttle, offline
 * storage on, the HTTP API open to 127.0.0.0/8, no s2s. STARTTLS is offered with a self-signed
 * certificate, never required.
 *
 * <p>As root it runs as user {@code ejabberd} through {@code setpriv}; otherwise as the current
 * user, from a copy of {@code ejabberdctl} that does not insist on the {@code ejabberd} user.
 * Everything it writes (config, Mnesia spool, logs, HOME with the Erlang cookie) stays in {@link
 * #folder()}.
 *
 * <pre>{@code
 * try (LocalEjabberd ejabberd = LocalEjabberd.start(LocalEjabberd.Options.defaults())) {
 *   ejabberd.registerUsers(accounts, 1, 1000);
 *   XmppSettings settings = ejabberd.xmppSettings();
 *   ...
 * }
 * }</pre>
 */
public final class LocalEjabberd implements LocalServer {
  private static final Logger log = LoggerFactory.getLogger(LocalEjabberd.class);
  private static final Path EJABBERDCTL = Path.of("/usr/sbin/ejabberdctl");

  private final Options options;
  private final Path folder;
  private final InetSocketAddress c2s;
  private final URI httpApi;
  private final int httpsPort;
  private final ServerProcess process;
  private final EjabberdHttpApi api;
  private final AtomicBoolean closed = new AtomicBoolean();

  private LocalEjabberd(
      Options options,
      Path folder,
      InetSocketAddress c2s,
      URI httpApi,
      int httpsPort,
      ServerProcess process) {
    this.httpsPort = httpsPort;
    this.options = options;
    this.folder = folder;
    this.c2s = c2s;
    this.httpApi = httpApi;
    this.process = process;
    this.api = new EjabberdHttpApi(httpApi);
  }

  /** Starts ejabberd and returns once it accepts XMPP streams and HTTP API calls. */
  public static LocalEjabberd start(Options options) {
    DebianPackages.ensure("ejabberd", EJABBERDCTL);
    long started = System.nanoTime();
    RunAs runAs = RunAs.serviceUser("ejabberd");
    Path folder = Folders.create(options.folder(), "murm-ejabberd-");
    int[] ports = ports(options.c2sPort());
    InetSocketAddress c2s = new InetSocketAddress("127.0.0.1", ports[0]);
    URI httpApi = URI.create("http://127.0.0.1:" + ports[1] + "/api");
    Path logs = folder.resolve("logs");
    Path pidFile = folder.resolve("ejabberd.pid");
    Path ctl = writeFiles(folder, options.domain(), ports, runAs);
    runAs.own(folder);
    runAs.checkCanWrite(folder);

    List<String> command =
        runAs.command(
            List.of(
                ctl.toString(),
                "--config-dir",
                folder.toString(),
                "--config",
                folder.resolve("ejabberd.yml").toString(),
                "--ctl-config",
                folder.resolve("ejabberdctl.cfg").toString(),
                "--logs",
                logs.toString(),
                "--spool",
                folder.resolve("spool").toString(),
                "foreground"));
    ServerProcess process =
        ServerProcess.start(
            "ejabberd",
            command,
            Map.of("HOME", folder.resolve("home").toString()),
            folder,
            logs.resolve("console.log"),
            pidFile,
            options.folder() == null && !options.keepFolder());
    LocalEjabberd server = new LocalEjabberd(options, folder, c2s, httpApi, ports[3], process);
    try {
      server.process.awaitReady(
          server.c2s, server.domain(), server::apiAnswers, options.startTimeout(), server::logTail);
    } catch (RuntimeException e) {
      process.killKeepingFolder();
      server.api.close();
      throw e;
    }
    log.debug(
        "ejabberd ready on {} in {} ms (folder {})",
        c2s,
        (System.nanoTime() - started) / 1_000_000,
        folder);
    return server;
  }

  @Override
  public InetSocketAddress c2s() {
    return c2s;
  }

  /**
   * The version the running server reports (e.g. {@code 23.01}), or null when its status does not
   * say.
   */
  public String version() {
    try {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("ejabberd (\\S+) is running").matcher(api.status());
      return m.find() ? m.group(1) : null;
    } catch (IllegalStateException e) {
      return null;
    }
  }

  /**
   * The WebSocket endpoint (RFC 7395): {@code ws://127.0.0.1:HTTP/ws}, or with {@code tls} the
   * HTTPS listener's {@code wss://127.0.0.1:HTTPS/ws} (self-signed certificate).
   */
  public URI webSocketUrl(boolean tls) {
    return URI.create(
        (tls ? "wss://127.0.0.1:" + httpsPort : "ws://127.0.0.1:" + httpApi.getPort()) + "/ws");
  }

  /**
   * The BOSH endpoint (XEP-0206): {@code http://127.0.0.1:HTTP/bosh}, or with {@code tls} {@code
   * https://127.0.0.1:HTTPS/bosh} (self-signed certificate).
   */
  public URI boshUrl(boolean tls) {
    return URI.create(
        (tls ? "https://127.0.0.1:" + httpsPort : "http://127.0.0.1:" + httpApi.getPort())
            + "/bosh");
  }

  /** Base URL of the HTTP API, e.g. {@code http://127.0.0.1:PORT/api}. */
  public URI httpApi() {
    return httpApi;
  }

  /** A client of the HTTP API, owned by this server (closed by {@link #close()}). */
  public EjabberdHttpApi api() {
    return api;
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
    return folder.resolve("logs/ejabberd.log");
  }

  @Override
  public long osPid() {
    return process.pid();
  }

  /**
   * Registers users {@code firstId .. firstId+count-1} through the HTTP API, many at a time;
   * existing accounts count as registered.
   */
  public EjabberdHttpApi.Registered registerUsers(Accounts accounts, int firstId, int count) {
    return api.register(accounts, domain(), firstId, count);
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
    try {
      process.stop(Duration.ofSeconds(5));
    } finally {
      api.close();
    }
  }

  @Override
  public String toString() {
    return "ejabberd on " + c2s + " (" + domain() + ", " + folder + ")";
  }

  private boolean apiAnswers() {
    try {
      return api.status().contains("started");
    } catch (IllegalStateException e) {
      return false;
    }
  }

  private String logTail() {
    String tail = ServerProcess.tail(logFile(), 15);
    String console = ServerProcess.tail(folder.resolve("logs/console.log"), 15);
    return "last lines of " + logFile() + ":\n" + tail + "\nconsole:\n" + console;
  }

  /**
   * c2s, HTTP, Erlang distribution and HTTPS ports: all free, or the given c2s port and three free
   * others (never the c2s port itself, which is free too until the server binds it).
   */
  private static int[] ports(int c2sPort) {
    if (c2sPort == 0) {
      return FreePorts.pick(4);
    }
    int[] others =
        java.util.stream.IntStream.of(FreePorts.pick(4)).filter(p -> p != c2sPort).toArray();
    return new int[] {c2sPort, others[0], others[1], others[2]};
  }

  /** Writes config, ctl config, certificate, inetrc; returns the ejabberdctl script to run. */
  private static Path writeFiles(Path folder, String domain, int[] ports, RunAs runAs) {
    try {
      for (String dir : List.of("logs", "spool", "home")) {
        Files.createDirectories(folder.resolve(dir));
      }
      Path pem = Certificates.selfSigned(folder, domain).combined(folder.resolve("server.pem"));
      write(
          folder.resolve("ejabberd.yml"),
          EjabberdConfig.yaml(domain, ports[0], ports[1], ports[3], pem, folder));
      write(folder.resolve("ejabberdctl.cfg"), EjabberdConfig.ctlConfig(folder, ports[2]));
      write(folder.resolve("inetrc"), "{lookup,[\"file\",\"native\"]}.\n");
      if (runAs.switchesUser()) {
        return EJABBERDCTL;
      }
      // the packaged script only runs as root or as user ejabberd: drop that check in a copy
      String script = Files.readString(EJABBERDCTL).replace("INSTALLUSER=ejabberd", "INSTALLUSER=");
      Path copy = folder.resolve("ejabberdctl");
      write(copy, script);
      copy.toFile().setExecutable(true);
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write ejabberd's files into " + folder, e);
    }
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
