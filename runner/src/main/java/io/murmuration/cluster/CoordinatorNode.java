package io.murmuration.cluster;

import com.typesafe.config.Config;
import io.murmuration.engine.Run;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * This process as the coordinator of a cluster: the first seed node, with the coordinator role,
 * where the workers ({@code murm node}) join and where each run's {@link RunCoordinator} lives. One
 * {@code murm run --nodes} holds it for one run; {@code murm coordinator} for many, one at a time.
 * Workers live as long as it does.
 */
public final class CoordinatorNode implements AutoCloseable {
  private static final Duration SPAWN_TIMEOUT = Duration.ofSeconds(10);

  private final ActorSystem<SpawnProtocol.Command> system;
  private final InetSocketAddress bind;

  private CoordinatorNode(ActorSystem<SpawnProtocol.Command> system, InetSocketAddress bind) {
    this.system = system;
    this.bind = bind;
  }

  /**
   * Starts the node on {@code bind} (its own first seed).
   *
   * @param tls the transport's TLS settings ({@link ClusterTls}), or null for plain TCP
   */
  public static CoordinatorNode start(InetSocketAddress bind, Config tls) {
    Config config =
        ClusterConfig.of(bind, List.of(bind), ClusterConfig.COORDINATOR_ROLE, Run.pekkoConfig());
    if (tls != null) {
      config = tls.withFallback(config);
    }
    return new CoordinatorNode(
        ActorSystem.create(SpawnProtocol.create(), ClusterConfig.SYSTEM, config), bind);
  }

  /** The address workers give as {@code --seed}. */
  public InetSocketAddress bind() {
    return bind;
  }

  /**
   * One member of the cluster as the control API shows it.
   *
   * @param node host and port
   * @param roles {@code coordinator} or {@code worker}
   * @param status Pekko's member status ({@code up}, {@code leaving}, …)
   * @param reachable whether this node hears from it
   */
  public record MemberInfo(String node, List<String> roles, String status, boolean reachable) {}

  /** The cluster's members now, the coordinator first. */
  public List<MemberInfo> members() {
    Cluster cluster = Cluster.get(system);
    var unreachable = cluster.state().getUnreachable();
    return StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
        .sorted(
            (a, b) ->
                a.hasRole(ClusterConfig.COORDINATOR_ROLE)
                        != b.hasRole(ClusterConfig.COORDINATOR_ROLE)
                    ? (a.hasRole(ClusterConfig.COORDINATOR_ROLE) ? -1 : 1)
                    : WorkerNode.name(a).compareTo(WorkerNode.name(b)))
        .map(
            (Member m) ->
                new MemberInfo(
                    WorkerNode.name(m),
                    m.getRoles().stream().filter(r -> !r.startsWith("dc-")).sorted().toList(),
                    m.status().toString().toLowerCase(java.util.Locale.ROOT),
                    !unreachable.contains(m)))
        .toList();
  }

  /** Spawns {@code behavior} in this node's actor system. */
  <T> ActorRef<T> spawn(Behavior<T> behavior, String name) throws InterruptedException {
    try {
      return AskPattern.<SpawnProtocol.Command, ActorRef<T>>ask(
              system,
              replyTo -> new SpawnProtocol.Spawn<>(behavior, name, Props.empty(), replyTo),
              SPAWN_TIMEOUT,
              system.scheduler())
          .toCompletableFuture()
          .get(SPAWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  ActorSystem<?> system() {
    return system;
  }

  /** Leaves the cluster (the workers end with it) and waits for this node to stop. */
  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the JVM exit takes care of what is left
    }
  }
}
