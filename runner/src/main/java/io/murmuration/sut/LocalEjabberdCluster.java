package io.murmuration.sut;

import io.murmuration.accounts.Accounts;
import io.murmuration.accounts.EjabberdHttpApi;
import io.murmuration.xmpp.XmppSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster of {@link LocalEjabberd} nodes on loopback, one Mnesia database replicated on all of
 * them: an account registered on one node logs in on any, and a message to a user on another node
 * is routed there. It lets one machine hold more sessions than one process's open-files limit
 * allows, users spread over the nodes' c2s ports ({@link #xmppSettings()}).
 *
 * <p>Node {@code i} (1-based) runs from its own folder, with its own c2s, HTTP and HTTPS ports on
 * 127.0.0.1, its own Mnesia spool and logs, and the same domain and config otherwise. Its Erlang
 * node name is {@code murmHASH@127.0.0.i}: Erlang distribution listens on 127.0.0.i, on a port that
 * all nodes share, so no epmd is needed (with a fixed distribution port Erlang reaches every other
 * node on that port too). The nodes share one random Erlang cookie, written owner-only into each
 * node's HOME. Nodes 2..N join node 1 with {@code ejabberdctl join_cluster}.
 *
 * <p>Each node has a component listener of its own ({@link LocalEjabberd#component()}, its own port
 * and secret, the same domain); a push app server connects to one of them, node 1's for {@code murm
 * server}, and ejabberd's routing table, shared by the nodes, takes the pushes of users on every
 * node there (not measured here: the push tests run on one node).
 *
 * <p>Folders: with no folder given, each node has a fresh temp folder, removed when it stops; with
 * a folder, the nodes use its subfolders {@code node1} … {@code nodeN}, kept, and a cluster started
 * again from them keeps its accounts. A failed start kills every node and keeps their folders for
 * the logs its message names.
 */
public final class LocalEjabberdCluster implements AutoCloseable {
  /** The most nodes a cluster has here. */
  public static final int MAX_NODES = 8;

  private static final Logger log = LoggerFactory.getLogger(LocalEjabberdCluster.class);
  private static final Duration CTL_TIMEOUT = Duration.ofSeconds(60);

  private final List<LocalEjabberd> nodes;
  private final Thread shutdownHook = new Thread(this::close, "stop ejabberd cluster");

  /** Takes over the nodes' shutdown hooks: Ctrl-C then stops them in order too. */
  private LocalEjabberdCluster(List<LocalEjabberd> nodes) {
    this.nodes = List.copyOf(nodes);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    nodes.forEach(LocalEjabberd::removeShutdownHook);
  }

  /**
   * Starts {@code nodeCount} nodes (1..{@value #MAX_NODES}) and returns once nodes 2..N joined node
   * 1 and every node accepts streams. {@code options} apply to every node, except that a fixed c2s
   * port is node 1's and a folder is the parent of the nodes' folders; {@code startTimeout} bounds
   * each node's start and each join.
   */
  public static LocalEjabberdCluster start(LocalServer.Options options, int nodeCount) {
    if (nodeCount < 1 || nodeCount > MAX_NODES) {
      throw new IllegalArgumentException(
          "an ejabberd cluster has 1.." + MAX_NODES + " nodes, not " + nodeCount);
    }
    long started = System.nanoTime();
    List<String> addresses =
        IntStream.rangeClosed(1, nodeCount).mapToObj(i -> "127.0.0." + i).toList();
    int distPort = FreePorts.pickOnAll(addresses.stream().map(LocalEjabberdCluster::ip).toList());
    String cookie = LocalEjabberd.Distribution.randomCookie();
    List<LocalEjabberd> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < nodeCount; i++) {
        LocalServer.Options node =
            options
                .withFolder(
                    options.folder() == null ? null : options.folder().resolve("node" + (i + 1)))
                .withC2sPort(i == 0 ? options.c2sPort() : 0);
        nodes.add(
            LocalEjabberd.start(
                node, new LocalEjabberd.Distribution(addresses.get(i), distPort, cookie)));
      }
      for (LocalEjabberd node : nodes.subList(1, nodeCount)) {
        join(node, nodes.getFirst(), options.startTimeout());
      }
      awaitMembers(nodes, options.startTimeout());
    } catch (RuntimeException e) {
      nodes.forEach(LocalEjabberd::abort);
      throw e;
    }
    log.debug("ejabberd cluster of {} nodes ready in {} ms", nodeCount, millisSince(started));
    return new LocalEjabberdCluster(nodes);
  }

  /** The nodes; the first is the one the others joined. */
  public List<LocalEjabberd> nodes() {
    return nodes;
  }

  /** The XMPP domain, the same on every node. */
  public String domain() {
    return nodes.getFirst().domain();
  }

  /** Every node's c2s listener, node 1 first. */
  public List<InetSocketAddress> c2sEndpoints() {
    return nodes.stream().map(LocalEjabberd::c2s).toList();
  }

  /**
   * Like {@link LocalServer#xmppSettings()}, with users spread over the nodes: user {@code id}
   * connects to node {@code id % N + 1}'s c2s port.
   */
  public XmppSettings xmppSettings() {
    XmppSettings one = nodes.getFirst().xmppSettings();
    return new XmppSettings(
        c2sEndpoints(),
        one.sourceAddresses(),
        one.domain(),
        one.tls(),
        one.verifyTls(),
        one.sasl(),
        one.connectTimeout(),
        one.client());
  }

  /**
   * Registers users {@code firstId .. firstId+count-1} through node 1's HTTP API; Mnesia replicates
   * the accounts to every node.
   */
  public EjabberdHttpApi.Registered registerUsers(Accounts accounts, int firstId, int count) {
    return nodes.getFirst().registerUsers(accounts, firstId, count);
  }

  /** The node names {@code ejabberdctl list_cluster} prints on node 1 (running Mnesia nodes). */
  public List<String> listCluster() {
    return listCluster(nodes.getFirst());
  }

  /**
   * Stops every node, the last first and node 1 last, each removing its temp folder; never throws.
   * Node 1 going down last knows its Mnesia copy is the newest, so nodes kept in a given folder
   * start again (with their accounts); had they stopped together, node 1 would wait at start for
   * the others' copies.
   */
  @Override
  public void close() {
    for (LocalEjabberd node : nodes.reversed()) {
      node.close();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: this is the hook, or it ran
    }
  }

  @Override
  public String toString() {
    return "ejabberd cluster of " + nodes.size() + " nodes on " + c2sEndpoints();
  }

  /**
   * {@code ejabberdctl join_cluster} on {@code node}, which restarts ejabberd there. ejabberd 23.01
   * prints only {@code Error: error} when it fails; node 1's log tells a refused connection.
   */
  private static void join(LocalEjabberd node, LocalEjabberd first, Duration timeout) {
    long started = System.nanoTime();
    try {
      node.ctl(timeout, "join_cluster", first.nodeName());
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          "ejabberd node "
              + node.nodeName()
              + " could not join "
              + first.nodeName()
              + ": "
              + e.getMessage()
              + "; see "
              + node.logFile()
              + " and, for a refused connection, "
              + first.logFile(),
          e);
    }
    node.awaitReady(timeout); // the join stopped and started ejabberd on the node
    log.debug("{} joined {} in {} ms", node.nodeName(), first.nodeName(), millisSince(started));
  }

  /** Waits until {@code list_cluster} on node 1 names every node; fails naming one that is not. */
  private static void awaitMembers(List<LocalEjabberd> nodes, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> listed = listCluster(nodes.getFirst());
      List<LocalEjabberd> missing =
          nodes.stream().filter(node -> !listed.contains(node.nodeName())).toList();
      if (missing.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        LocalEjabberd node = missing.getFirst();
        throw new IllegalStateException(
            "ejabberd node "
                + node.nodeName()
                + " is not in the cluster after "
                + timeout.toSeconds()
                + " s (list_cluster on node 1: "
                + listed
                + "); see "
                + node.logFile());
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the cluster", e);
      }
    }
  }

  /** ejabberd 23.01 prints the node names as Erlang atoms: {@code 'murm…@127.0.0.1'}, quoted. */
  private static List<String> listCluster(LocalEjabberd node) {
    return node.ctl(CTL_TIMEOUT, "list_cluster")
        .lines()
        .map(line -> line.strip().replaceAll("^'(.*)'$", "$1"))
        .toList();
  }

  private static InetAddress ip(String address) {
    try {
      return InetAddress.getByName(address); // a literal: no lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(address, e);
    }
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
