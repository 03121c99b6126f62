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
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real ejabberd (the Debian package) started on free loopback ports with a configuration made for
 * load tests: no c2s traffic shaper, raised listener backlogs and VM limits, plain password storage
 * (SASL PLAIN logins cost no hashing), in-band registration without its per-IP throttle, offline
 * storage on, the HTTP API open to 127.0.0.0/8, no s2s. STARTTLS is offered with a self-signed
 * certificate, never required. Push notifications (XEP-0357, {@code mod_push}) are on, and an
 * external component listener ({@link #component()}) is where a push app server connects.
 *
 * <p>As root it runs as user {@code ejabberd} through {@code setpriv}; otherwise as the current
 * user, from a copy of {@code ejabberdctl} that does not insist on the {@code ejabberd} user.
 * Everything it writes (config, Mnesia spool, logs, HOME with the Erlang cookie) stays in {@link
 * #folder()}. Erlang distribution listens on a fixed loopback port, without epmd; {@link
 * LocalEjabberdCluster} starts several such nodes and joins them.
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
  private static final Pattern CTL_WORD =
      Pattern.compile("[a-z_]+|murm[0-9a-f]+@127\\.0\\.0\\.\\d+");

  private final Options options;
  private final Path folder;
  private final String nodeName;
  private final RunAs runAs;
  private final Path ctl;
  private final InetSocketAddress c2s;
  private final URI httpApi;
  private final int httpsPort;
  private final Component component;
  private final ServerProcess process;
  private final EjabberdHttpApi api;
  private final AtomicBoolean closed = new AtomicBoolean();

  private LocalEjabberd(
      Options options,
      Path folder,
      String nodeName,
      RunAs runAs,
      Path ctl,
      InetSocketAddress c2s,
      URI httpApi,
      int httpsPort,
      Component component,
      ServerProcess process) {
    this.httpsPort = httpsPort;
    this.component = component;
    this.options = options;
    this.folder = folder;
    this.nodeName = nodeName;
    this.runAs = runAs;
    this.ctl = ctl;
    this.c2s = c2s;
    this.httpApi = httpApi;
    this.process = process;
    this.api = new EjabberdHttpApi(httpApi);
  }

  /**
   * How a node takes part in Erlang distribution.
   *
   * @param address its loopback address, the host of its node name; distribution listens there only
   * @param port its distribution port, the same for every node of a cluster; 0 for a free one
   * @param cookie the Erlang cookie its cluster shares
   */
  record Distribution(String address, int port, String cookie) {
    private static final Pattern LOOPBACK = Pattern.compile("127\\.0\\.0\\.[1-9][0-9]{0,2}");
    private static final Pattern COOKIE = Pattern.compile("[A-Z]{20,}");

    Distribution {
      if (!LOOPBACK.matcher(address).matches()) {
        throw new IllegalArgumentException("not a loopback address 127.0.0.N: " + address);
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("distribution port must be 0..65535, not " + port);
      }
      if (!COOKIE.matcher(cookie).matches()) {
        throw new IllegalArgumentException("an Erlang cookie here is 20+ capital letters");
      }
    }

    /** A node of its own: on 127.0.0.1, a free port, a fresh cookie. */
    static Distribution alone() {
      return new Distribution("127.0.0.1", 0, randomCookie());
    }

    /** 32 random capital letters (Erlang makes 20 when it makes one itself). */
    static String randomCookie() {
      SecureRandom random = new SecureRandom();
      StringBuilder cookie = new StringBuilder();
      for (int i = 0; i < 32; i++) {
        cookie.append((char) ('A' + random.nextInt(26)));
      }
      return cookie.toString();
    }
  }

  /**
   * The external component listener (XEP-0114, {@code ejabberd_service}) on loopback: the one
   * domain it accepts, {@code push.DOMAIN}, and the file holding its secret (generated at each
   * start, readable by its owner only).
   */
  public record Component(InetSocketAddress address, String domain, Path secretFile) {}

  /** Starts ejabberd and returns once it accepts XMPP streams and HTTP API calls. */
  public static LocalEjabberd start(Options options) {
    return start(options, Distribution.alone());
  }

  /** Starts one ejabberd node taking part in Erlang distribution as {@code distribution} says. */
  static LocalEjabberd start(Options options, Distribution distribution) {
    DebianPackages.ensure("ejabberd", EJABBERDCTL);
    long started = System.nanoTime();
    RunAs runAs = RunAs.serviceUser("ejabberd");
    Path folder = Folders.create(options.folder(), "murm-ejabberd-");
    int[] ports = ports(options.c2sPort(), distribution.port());
    InetSocketAddress c2s = new InetSocketAddress("127.0.0.1", ports[0]);
    URI httpApi = URI.create("http://127.0.0.1:" + ports[1] + "/api");
    Path logs = folder.resolve("logs");
    Path pidFile = folder.resolve("ejabberd.pid");
    Component component =
        new Component(
            new InetSocketAddress("127.0.0.1", ports[4]),
            "push." + options.domain(),
            folder.resolve("component.secret"));
    Path ctl = writeFiles(folder, options, ports, component, distribution, runAs);
    runAs.own(folder);
    runAs.checkCanWrite(folder);

    ServerProcess process =
        ServerProcess.start(
            "ejabberd",
            runAs.command(ctlCommand(ctl, folder, List.of("foreground"))),
            Map.of("HOME", folder.resolve("home").toString()),
            folder,
            logs.resolve("console.log"),
            pidFile,
            options.folder() == null && !options.keepFolder());
    LocalEjabberd server =
        new LocalEjabberd(
            options,
            folder,
            EjabberdConfig.nodeName(folder, distribution.address()),
            runAs,
            ctl,
            c2s,
            httpApi,
            ports[3],
            component,
            process);
    try {
      server.awaitReady(options.startTimeout());
    } catch (RuntimeException e) {
      server.abort();
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

  /** The Erlang node name, e.g. {@code murm1a2b3c4d@127.0.0.1}. */
  public String nodeName() {
    return nodeName;
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

  /** Where a push app server connects as an external component. */
  public Component component() {
    return component;
  }

  /**
   * Whether push notifications carry the message's text and sender ({@code murm server
   * --push-body}).
   */
  public boolean pushBody() {
    return options.pushBody();
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

  /**
   * Waits until the node accepts streams and HTTP API calls (again, after a join restarted it).
   *
   * @throws IllegalStateException when it does not within {@code timeout}, quoting its log
   */
  void awaitReady(Duration timeout) {
    process.awaitReady(c2s, domain(), this::apiAnswers, timeout, this::logTail);
  }

  /** After a failed start: kills the node, keeping its folder for its logs. */
  void abort() {
    if (closed.compareAndSet(false, true)) {
      process.killKeepingFolder();
      api.close();
    }
  }

  /** Leaves stopping this node at JVM exit to its cluster, which stops node 1 last. */
  void removeShutdownHook() {
    process.removeShutdownHook();
  }

  /**
   * Runs {@code ejabberdctl COMMAND...} against this node (its config, HOME with the cookie, as its
   * user) and returns what it printed.
   *
   * @throws IllegalStateException when it exits with a failure status, quoting its first line, or
   *     runs longer than {@code timeout}
   */
  String ctl(Duration timeout, String... command) {
    for (String word : command) {
      if (!CTL_WORD.matcher(word).matches()) {
        throw new IllegalArgumentException("not an ejabberdctl word: " + word);
      }
    }
    ProcessBuilder builder =
        new ProcessBuilder(runAs.command(ctlCommand(ctl, folder, List.of(command))))
            .directory(folder.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().put("HOME", folder.resolve("home").toString());
    String what = "ejabberdctl " + String.join(" ", command) + " on " + nodeName;
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + what, e);
    }
    CompletableFuture<String> output =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                return "";
              }
            },
            reader -> Thread.ofVirtual().start(reader));
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new IllegalStateException(
            what + " did not finish within " + timeout.toSeconds() + " s");
      }
      String printed = output.get(5, TimeUnit.SECONDS).strip();
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            what
                + " failed (status "
                + process.exitValue()
                + "): "
                + printed.lines().findFirst().orElse(""));
      }
      return printed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted while running " + what, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("no output from " + what, e);
    }
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

  /** {@code ejabberdctl} with this folder's config, logs and spool, then {@code command}. */
  private static List<String> ctlCommand(Path ctl, Path folder, List<String> command) {
    List<String> full =
        new ArrayList<>(
            List.of(
                ctl.toString(),
                "--config-dir",
                folder.toString(),
                "--config",
                folder.resolve("ejabberd.yml").toString(),
                "--ctl-config",
                folder.resolve("ejabberdctl.cfg").toString(),
                "--logs",
                folder.resolve("logs").toString(),
                "--spool",
                folder.resolve("spool").toString()));
    full.addAll(command);
    return full;
  }

  /**
   * c2s, HTTP, Erlang distribution, HTTPS and component ports: free ones, except a given c2s or
   * distribution port (0: free), which no free pick duplicates (it is free too until the server
   * binds it).
   */
  private static int[] ports(int c2sPort, int distPort) {
    int[] free =
        java.util.stream.IntStream.of(FreePorts.pick(7))
            .filter(p -> p != c2sPort && p != distPort)
            .toArray();
    return new int[] {
      c2sPort == 0 ? free[0] : c2sPort,
      free[1],
      distPort == 0 ? free[2] : distPort,
      free[3],
      free[4]
    };
  }

  /**
   * Writes config, ctl config, certificate, inetrc, the Erlang cookie and the component's secret
   * (both owner-only: Erlang demands it of the cookie); returns the ejabberdctl script to run.
   */
  private static Path writeFiles(
      Path folder,
      Options options,
      int[] ports,
      Component component,
      Distribution distribution,
      RunAs runAs) {
    String domain = options.domain();
    try {
      for (String dir : List.of("logs", "spool", "home")) {
        Files.createDirectories(folder.resolve(dir));
      }
      Path pem = Certificates.selfSigned(folder, domain).combined(folder.resolve("server.pem"));
      String secret = HexFormat.of().formatHex(randomBytes(24));
      Files.deleteIfExists(component.secretFile()); // a kept folder's, read-only
      write(component.secretFile(), secret + "\n");
      Files.setPosixFilePermissions(
          component.secretFile(), PosixFilePermissions.fromString("r--------"));
      write(
          folder.resolve("ejabberd.yml"),
          EjabberdConfig.yaml(
              domain,
              ports[0],
              ports[1],
              ports[3],
              pem,
              folder,
              options.archive(),
              ports[4],
              component.domain(),
              secret,
              options.pushBody()));
      // it holds the component's secret too
      Files.setPosixFilePermissions(
          folder.resolve("ejabberd.yml"), PosixFilePermissions.fromString("rw-------"));
      write(
          folder.resolve("ejabberdctl.cfg"),
          EjabberdConfig.ctlConfig(
              folder, distribution.address(), ports[2], distribution.port() != 0));
      write(folder.resolve("inetrc"), "{lookup,[\"file\",\"native\"]}.\n");
      Path cookie = folder.resolve("home/.erlang.cookie");
      Files.deleteIfExists(cookie); // a kept folder's, read-only
      write(cookie, distribution.cookie());
      Files.setPosixFilePermissions(cookie, PosixFilePermissions.fromString("r--------"));
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

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
