package io.murmuration.cli;

import com.typesafe.config.Config;
import java.net.InetSocketAddress;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code murm run}'s options for spreading a run's users over worker nodes. */
final class ClusterOptions {
  @Option(
      names = "--nodes",
      defaultValue = "0",
      description =
          "spread the users over this many worker nodes (started with murm node); this process"
              + " coordinates and runs no users; 0 = run them here (default: ${DEFAULT-VALUE})")
  int nodes;

  @Option(
      names = "--cluster-bind",
      defaultValue = "127.0.0.1:25520",
      paramLabel = "HOST:PORT",
      description =
          "with --nodes: the coordinator's cluster address, which workers give as --seed"
              + " (default: ${DEFAULT-VALUE})")
  String bind;

  @Option(
      names = "--nodes-wait",
      defaultValue = "60s",
      paramLabel = "DURATION",
      description = "with --nodes: how long to wait for the workers (default: ${DEFAULT-VALUE})")
  String wait;

  @Option(
      names = "--tolerate-node-loss",
      arity = "0..1",
      description =
          "with --nodes: a worker lost mid-run leaves the run finished (its users still count as"
              + " lost, and the summary names it)")
  boolean tolerateNodeLoss;

  @Mixin ClusterCertsOptions certs = new ClusterCertsOptions();

  /** The cluster settings of a run, or null when it runs in this process. */
  ClusterSettings resolve() {
    if (nodes < 0 || nodes > 1000) {
      throw new IllegalArgumentException(
          "--nodes " + nodes + ": give the number of worker nodes (1 or more), or 0 for none");
    }
    if (nodes == 0) {
      return null;
    }
    return new ClusterSettings(
        nodes,
        hostPort("--cluster-bind", bind),
        RunCommand.duration("--nodes-wait", wait),
        tolerateNodeLoss,
        certs.tls());
  }

  /** {@code HOST:PORT} as an address, or a one-line error naming the flag. */
  static InetSocketAddress hostPort(String flag, String text) {
    int colon = text.lastIndexOf(':');
    try {
      if (colon < 1) {
        throw new NumberFormatException();
      }
      int port = Integer.parseInt(text.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return InetSocketAddress.createUnresolved(text.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          flag + " '" + text + "' is not HOST:PORT, e.g. 127.0.0.1:25520");
    }
  }

  /**
   * A run's cluster settings.
   *
   * @param tls the cluster transport's TLS settings ({@link ClusterTls}), or null for plain TCP
   */
  record ClusterSettings(
      int nodes,
      InetSocketAddress bind,
      Duration waitForNodes,
      boolean tolerateNodeLoss,
      Config tls) {}
}
