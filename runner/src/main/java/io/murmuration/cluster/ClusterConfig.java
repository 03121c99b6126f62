package io.murmuration.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The Pekko configuration of one cluster node: {@code cluster.conf} over the engine's settings,
 * with this node's bind address, the seed nodes (the coordinator first) and its role.
 */
public final class ClusterConfig {
  /** The actor system's name: every node of a Murmuration cluster uses it. */
  public static final String SYSTEM = "murmuration";

  public static final String COORDINATOR_ROLE = "coordinator";
  public static final String WORKER_ROLE = "worker";

  private ClusterConfig() {}

  /**
   * @param bind the host and port this node listens on and is known by (its canonical address)
   * @param seeds the seed nodes, the coordinator first; a coordinator lists itself
   * @param role {@link #COORDINATOR_ROLE} or {@link #WORKER_ROLE}
   * @param base the engine's settings to layer over
   */
  public static Config of(
      InetSocketAddress bind, List<InetSocketAddress> seeds, String role, Config base) {
    return ConfigFactory.empty()
        .withValue(
            "pekko.remote.artery.canonical.hostname",
            ConfigValueFactory.fromAnyRef(bind.getHostString()))
        .withValue(
            "pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(bind.getPort()))
        .withValue(
            "pekko.cluster.seed-nodes",
            ConfigValueFactory.fromIterable(seeds.stream().map(ClusterConfig::address).toList()))
        .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(List.of(role)))
        .withFallback(ConfigFactory.parseResources("io/murmuration/cluster/cluster.conf"))
        .withFallback(base);
  }

  /** The Pekko address of the node listening on {@code node}. */
  public static String address(InetSocketAddress node) {
    return "pekko://" + SYSTEM + "@" + node.getHostString() + ":" + node.getPort();
  }
}
