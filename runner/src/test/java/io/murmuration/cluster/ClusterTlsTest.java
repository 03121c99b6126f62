package io.murmuration.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.murmuration.cli.Murm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.event.Logging;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real nodes on loopback with certificates made by {@code murm cluster certs}: a coordinator (seed)
 * on TLS admits a worker whose certificate its CA signed, and refuses, while that worker stays Up,
 * a worker of another CA, a worker that trusts the cluster's CA but shows another CA's certificate
 * (only mutual authentication stops it) and a worker without TLS. None of the refused ones gets a
 * message through to an actor of the coordinator either.
 */
class ClusterTlsTest {
  private static final Duration JOIN = Duration.ofSeconds(15);
  private static final Duration REFUSED = Duration.ofSeconds(8);
  private static final String PORT = "pekko.remote.artery.canonical.port";

  @TempDir static Path temp;

  /** Made by one {@code murm cluster certs} run: its default node, shared by every node. */
  private static Path clusterA;

  /** Another run, so another CA: its default node. */
  private static Path clusterB;

  private static ActorSystem<Void> seed;

  /** What reached the coordinator's actor {@code /system/tls-test-inbox} from other nodes. */
  private static final Queue<String> inbox = new ConcurrentLinkedQueue<>();

  private static final String INBOX = "tls-test-inbox";
  private static InetSocketAddress seedAddress;

  /** This test's workers, by name. */
  private final Map<String, ActorSystem<Void>> nodes = new java.util.LinkedHashMap<>();

  @BeforeAll
  static void certificatesAndCoordinator() {
    clusterA = certs("cluster-a");
    clusterB = certs("cluster-b");
    seedAddress = new InetSocketAddress("127.0.0.1", freePort());
    seed = start(seedAddress, ClusterConfig.COORDINATOR_ROLE, ClusterTls.overlay(clusterA));
    awaitUp(seed, address(seed), JOIN);
    seed.systemActorOf(
        Behaviors.receive(String.class)
            .onAnyMessage(
                m -> {
                  inbox.add(m);
                  return Behaviors.same();
                })
            .build(),
        INBOX,
        Props.empty());
  }

  @AfterAll
  static void stopCoordinator() throws Exception {
    if (seed != null) {
      // the coordinator took part in the refused handshakes
      stop(new java.util.HashMap<>(Map.of("coordinator", seed)), Set.of("coordinator"));
    }
  }

  @AfterEach
  void stopNodes() throws Exception {
    stop(nodes, Set.of("stranger", "impostor"));
  }

  @Test
  void onlyAWorkerWithACertificateFromTheClustersCaJoins() throws Exception {
    long start = System.nanoTime();
    ActorSystem<Void> good = worker("good", ClusterTls.overlay(clusterA));
    // made by another murm cluster certs: trusts another CA, shows a certificate signed by it
    ActorSystem<Void> stranger = worker("stranger", ClusterTls.overlay(clusterB));
    // trusts the cluster's CA (so it accepts the coordinator's certificate) but shows a
    // certificate from another CA: only the coordinator asking for the worker's certificate
    // (require-mutual-authentication) keeps it out
    Config clusterTrust = ClusterTls.overlay(clusterA);
    String engine = "pekko.remote.artery.ssl.config-ssl-engine.";
    ActorSystem<Void> impostor =
        worker(
            "impostor",
            ConfigFactory.empty()
                .withValue(engine + "trust-store", clusterTrust.getValue(engine + "trust-store"))
                .withValue(
                    engine + "trust-store-password",
                    clusterTrust.getValue(engine + "trust-store-password"))
                .withFallback(ClusterTls.overlay(clusterB)));

    awaitUp(seed, address(good), JOIN);
    // a message straight to an actor of the coordinator, as a node that never joins could send
    sendUntil(
        start + REFUSED.toNanos(),
        List.of(good, stranger, impostor),
        List.of("good", "stranger", "impostor"));

    assertFalse(
        isMember(seed, address(stranger)), "a worker of another CA joined: " + members(seed));
    assertFalse(
        isMember(seed, address(impostor)),
        "a worker that trusts the cluster's CA but has another CA's certificate joined: "
            + members(seed));
    assertTrue(members(Cluster.get(stranger).state().getMembers()).isEmpty(), "stranger's view");
    assertTrue(members(Cluster.get(impostor).state().getMembers()).isEmpty(), "impostor's view");
    assertTrue(isUp(seed, address(good)), "the good worker is no longer Up: " + members(seed));
    assertTrue(inbox.contains("good"), "the good worker's message did not arrive: " + inbox);
    assertFalse(inbox.contains("stranger"), "the stranger's message arrived");
    assertFalse(inbox.contains("impostor"), "the impostor's message arrived");
    // what the operator of a refused node sees in its log
    assertLogged(
        stranger,
        "SSLHandshakeException: (bad_certificate) PKIX path validation failed",
        // "outbound connection to [...]" or "Outbound message stream to [...]": whichever of
        // Pekko's stream and association reports the failed handshake first
        "to [" + address(seed) + "]");
    // "Received fatal alert": the coordinator ended the handshake, refusing the impostor's
    // certificate (without mutual authentication it would not ask for one)
    assertLogged(
        impostor, "SSLHandshakeException", "Received fatal alert", "to [" + address(seed) + "]");
  }

  @Test
  void aWorkerWithoutTlsDoesNotJoin() throws Exception {
    long start = System.nanoTime();
    ActorSystem<Void> plain = worker("plain", ConfigFactory.empty());
    sendUntil(start + REFUSED.toNanos(), List.of(plain), List.of("plain"));
    assertFalse(inbox.contains("plain"), "the plain worker's message arrived");
    assertFalse(isMember(seed, address(plain)), "a worker without TLS joined: " + members(seed));
    assertTrue(members(Cluster.get(plain).state().getMembers()).isEmpty(), "plain node's view");
  }

  /** Node i sends word i to the coordinator's inbox twice a second until {@code nanoTime}. */
  private static void sendUntil(long nanoTime, List<ActorSystem<Void>> nodes, List<String> words) {
    String path = address(seed) + "/system/" + INBOX;
    while (System.nanoTime() < nanoTime) {
      for (int i = 0; i < nodes.size(); i++) {
        nodes
            .get(i)
            .classicSystem()
            .actorSelection(path)
            .tell(words.get(i), org.apache.pekko.actor.ActorRef.noSender());
      }
      sleep(500);
    }
  }

  private static void assertLogged(ActorSystem<?> system, String... parts) {
    List<String> log = LogRecorder.of(system);
    assertTrue(
        log.stream().anyMatch(line -> Stream.of(parts).allMatch(line::contains)),
        "no warning with " + List.of(parts) + " in " + log);
  }

  /**
   * A Pekko logger (listed in {@code pekko.loggers}, so it sees events from the start) that keeps
   * each node's warnings and errors, by the node's port.
   */
  public static final class LogRecorder extends AbstractActor {
    private static final Map<Integer, Queue<String>> BY_PORT = new ConcurrentHashMap<>();
    private final Queue<String> lines;

    public LogRecorder() {
      int port = getContext().getSystem().settings().config().getInt(PORT);
      lines = BY_PORT.computeIfAbsent(port, p -> new ConcurrentLinkedQueue<>());
    }

    static List<String> of(ActorSystem<?> system) {
      return List.copyOf(
          BY_PORT.getOrDefault(system.settings().config().getInt(PORT), new ArrayDeque<>()));
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(
              Logging.InitializeLogger.class,
              m -> getSender().tell(Logging.loggerInitialized(), getSelf()))
          .match(Logging.LogEvent.class, e -> lines.add(e.logSource() + " " + e.message()))
          .build();
    }
  }

  @Test
  void theOverlaySwitchesArteryToMutualTls13() {
    Config c = ClusterTls.overlay(clusterA);
    assertEquals("tls-tcp", c.getString("pekko.remote.artery.transport"));
    Config engine = c.getConfig("pekko.remote.artery.ssl.config-ssl-engine");
    assertEquals(clusterA.resolve("node.p12").toString(), engine.getString("key-store"));
    assertEquals(clusterA.resolve("truststore.p12").toString(), engine.getString("trust-store"));
    assertEquals("TLSv1.3", engine.getString("protocol"));
    assertTrue(engine.getBoolean("require-mutual-authentication"));
    assertFalse(engine.getBoolean("hostname-verification"));
    assertEquals(
        password(clusterA.resolve("node.password")), engine.getString("key-store-password"));
    assertEquals(
        password(clusterA.resolve("truststore.password")),
        engine.getString("trust-store-password"));
    // over a node's own settings, the overlay wins
    Config node =
        c.withFallback(
            ClusterConfig.of(
                new InetSocketAddress("127.0.0.1", 1),
                List.of(new InetSocketAddress("127.0.0.1", 1)),
                ClusterConfig.WORKER_ROLE,
                base()));
    assertEquals("tls-tcp", node.getString("pekko.remote.artery.transport"));
    assertEquals(
        "org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider",
        node.getString("pekko.remote.artery.ssl.ssl-engine-provider"));
  }

  @Test
  void aBadFolderIsOneLineNamingTheFileAndTheFix() throws IOException {
    Path missing = temp.resolve("nowhere");
    assertProblem(missing, "node", missing + ": no such folder: make it with murm cluster certs");
    assertProblem(clusterA, "../x", "node name '../x' is not allowed");
    assertProblem(clusterA, "-storepass", "node name '-storepass' is not allowed");
    assertProblem(
        clusterA,
        "worker-1",
        clusterA.resolve("worker-1.p12")
            + ": missing: add node worker-1 with murm cluster certs --out DIR --node worker-1 and"
            + " copy worker-1.p12 and worker-1.password here",
        "(this folder has keystores for: node)");

    Path noTrust = copy(clusterA, "no-truststore");
    Files.delete(noTrust.resolve("truststore.p12"));
    assertProblem(noTrust, "node", noTrust.resolve("truststore.p12") + ": missing");

    Path noPassword = copy(clusterA, "no-password");
    Files.delete(noPassword.resolve("node.password"));
    assertProblem(noPassword, "node", noPassword.resolve("node.password") + ": missing");

    Path open = copy(clusterA, "open-password");
    Files.setPosixFilePermissions(
        open.resolve("node.password"), PosixFilePermissions.fromString("rw-r--r--"));
    assertProblem(
        open,
        "node",
        open.resolve("node.password") + ": other users can use it (permissions rw-r--r--)",
        "chmod 600 " + open.resolve("node.password"));

    Path wrong = copy(clusterA, "wrong-password");
    Files.writeString(wrong.resolve("node.password"), "not-the-password\n");
    assertProblem(
        wrong,
        "node",
        wrong.resolve("node.p12")
            + ": wrong password (in node.password) or not a PKCS12 keystore: make it again with"
            + " murm cluster certs");

    Path garbage = copy(clusterA, "not-pkcs12");
    Files.writeString(garbage.resolve("node.p12"), "-----BEGIN CERTIFICATE-----\n");
    assertProblem(garbage, "node", garbage.resolve("node.p12") + ": wrong password");

    // a keystore from one folder with the truststore of another: every handshake would fail
    Path mixed = copy(clusterA, "mixed");
    for (String f : List.of("node.p12", "node.password")) {
      Files.copy(
          clusterB.resolve(f),
          mixed.resolve(f),
          StandardCopyOption.COPY_ATTRIBUTES,
          StandardCopyOption.REPLACE_EXISTING);
    }
    assertProblem(
        mixed,
        "node",
        mixed.resolve("node.p12") + ": its certificate is not signed by the CA in truststore.p12",
        "take the keystore and the truststore from the same murm cluster certs folder");
  }

  private static void assertProblem(Path folder, String node, String... parts) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ClusterTls.overlay(folder, node));
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' lacks '" + part + "'");
    }
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  /** A copy of a certificate folder, permissions kept. */
  private static Path copy(Path from, String name) throws IOException {
    Path to = temp.resolve(name);
    Files.createDirectory(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    return to;
  }

  private static String password(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code murm cluster certs --out temp/name args…}, through the real command line. */
  private static Path certs(String name, String... args) {
    Path dir = temp.resolve(name);
    List<String> argv = new ArrayList<>(List.of("cluster", "certs", "--out", dir.toString()));
    argv.addAll(List.of(args));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Murm.execute(
            argv.toArray(String[]::new),
            Map.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, out.toString(StandardCharsets.UTF_8) + err);
    return dir;
  }

  private ActorSystem<Void> worker(String name, Config tls) {
    ActorSystem<Void> system =
        start(new InetSocketAddress("127.0.0.1", freePort()), ClusterConfig.WORKER_ROLE, tls);
    nodes.put(name, system);
    return system;
  }

  private static ActorSystem<Void> start(InetSocketAddress bind, String role, Config tls) {
    Config config =
        ConfigFactory.parseString(
                "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\", \""
                    + LogRecorder.class.getName()
                    + "\"]")
            .withFallback(tls)
            .withFallback(ClusterConfig.of(bind, List.of(seedAddress), role, base()));
    return ActorSystem.create(Behaviors.empty(), ClusterConfig.SYSTEM, config);
  }

  /** The engine's settings, as {@code Run.pekkoConfig()} makes them. */
  private static Config base() {
    return ConfigFactory.parseResources("io/murmuration/engine/pekko.conf")
        .withFallback(ConfigFactory.load());
  }

  /**
   * Terminates them all, then waits for each; fails if one is still running after 30 s, except a
   * node named in {@code refusedHandshakes} whose only leftover is the TLS stream of a refused
   * handshake. Pekko's stream {@code TLSActor} sometimes never completes after a handshake failure,
   * and Artery's shutdown waits for every stream (seen in 1 of 16 runs here; the same defect is
   * open upstream as akka/akka-core#29162). Murmuration bounds its own waits for a node's end
   * ({@code Run}, {@code CoordinatorNode}: 20 s); any other leftover fails the test.
   */
  private static void stop(Map<String, ActorSystem<Void>> systems, Set<String> refusedHandshakes)
      throws Exception {
    systems.values().forEach(ActorSystem::terminate);
    List<String> running = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (Map.Entry<String, ActorSystem<Void>> node : systems.entrySet()) {
      ActorSystem<Void> system = node.getValue();
      try {
        system
            .getWhenTerminated()
            .toCompletableFuture()
            .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        // what is still alive, so that a failure says where the shutdown hangs
        String alive =
            ((org.apache.pekko.actor.ActorSystemImpl) system.classicSystem()).printTree();
        if (refusedHandshakes.contains(node.getKey()) && alive.contains("TLSActor")) {
          System.err.println(
              node.getKey() + ": a refused handshake's TLS stream outlived terminate():\n" + alive);
        } else {
          running.add(
              node.getKey() + " on port " + system.settings().config().getInt(PORT) + "\n" + alive);
        }
      }
    }
    systems.clear();
    assertTrue(running.isEmpty(), "nodes did not stop within 30 s: " + running);
  }

  private static Address address(ActorSystem<?> system) {
    return Cluster.get(system).selfMember().address();
  }

  private static boolean isMember(ActorSystem<?> in, Address node) {
    return StreamSupport.stream(Cluster.get(in).state().getMembers().spliterator(), false)
        .anyMatch(m -> m.address().equals(node));
  }

  private static boolean isUp(ActorSystem<?> in, Address node) {
    return StreamSupport.stream(Cluster.get(in).state().getMembers().spliterator(), false)
        .anyMatch(m -> m.address().equals(node) && m.status().equals(MemberStatus.up()));
  }

  private static void awaitUp(ActorSystem<?> in, Address node, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!isUp(in, node)) {
      if (System.nanoTime() > deadline) {
        fail(node + " not Up within " + within + ": " + members(in));
      }
      sleep(100);
    }
  }

  private static List<String> members(ActorSystem<?> in) {
    return members(Cluster.get(in).state().getMembers());
  }

  private static List<String> members(Iterable<Member> members) {
    return StreamSupport.stream(members.spliterator(), false)
        .map(m -> m.address() + " " + m.status())
        .toList();
  }

  private static void sleepUntil(long nanoTime) {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      sleep(TimeUnit.NANOSECONDS.toMillis(left) + 1);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }
}
