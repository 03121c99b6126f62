package io.murmuration.cli;

import com.typesafe.config.Config;
import io.murmuration.cluster.ClusterConfig;
import io.murmuration.cluster.WorkerNode;
import io.murmuration.engine.Run;
import io.murmuration.results.ExitCode;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code murm node --seed HOST:PORT}: a worker node. It joins the coordinator at the seed address
 * ({@code murm run … --nodes N}), runs the users it is given and streams their metrics to it. It
 * lives as long as that coordinator: it ends when the coordinator leaves (exit 0) or is lost (its
 * users are stopped first; exit 3).
 */
@Command(
    name = "node",
    description =
        "Start a worker node: it joins a coordinator (murm run --nodes N) and runs the users it is"
            + " given, until the coordinator leaves.",
    sortOptions = false)
final class NodeCommand implements Callable<Integer> {

  @Option(
      names = "--seed",
      required = true,
      paramLabel = "HOST:PORT",
      description = "the coordinator's cluster address (its --cluster-bind)")
  String seed;

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1:0",
      paramLabel = "HOST:PORT",
      description =
          "this node's cluster address, reachable from the coordinator; port 0 = a free one"
              + " (default: ${DEFAULT-VALUE})")
  String bind;

  @Option(
      names = "--runs-dir",
      defaultValue = "runs",
      description =
          "where this node's own run folders go, as RUN-ID/node-HOST-PORT (default:"
              + " ${DEFAULT-VALUE})")
  Path runsDir;

  @Mixin ClusterCertsOptions certs = new ClusterCertsOptions();

  PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    InetSocketAddress self;
    InetSocketAddress coordinator;
    Config tls;
    try {
      self = ClusterOptions.hostPort("--bind", bind);
      coordinator = ClusterOptions.hostPort("--seed", seed);
      tls = certs.tls();
    } catch (IllegalArgumentException e) {
      throw new SetupException(e.getMessage(), e);
    }
    Config config =
        ClusterConfig.of(self, List.of(coordinator), ClusterConfig.WORKER_ROLE, Run.pekkoConfig());
    if (tls != null) {
      config = tls.withFallback(config);
    }
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    NodeExecution execution = new NodeExecution(runsDir, out);
    ActorSystem<WorkerNode.Command> system =
        ActorSystem.create(WorkerNode.create(execution, exit), ClusterConfig.SYSTEM, config);
    out.printf(
        "worker node %s: joining the coordinator at %s%s%n",
        Cluster.get(system).selfMember().address().hostPort(),
        ClusterConfig.address(coordinator),
        tls == null ? "" : " over TLS");
    system.getWhenTerminated().toCompletableFuture().get();
    // the cluster may end this node (downed when cut off) before its users have logged out
    execution.stopAndWait("cut off from the coordinator", Duration.ofSeconds(30));
    int code = exit.getNow(ExitCode.RUN_FAILED.code);
    out.println(
        code == 0
            ? "worker node: the coordinator left; done"
            : "worker node: cut off from the coordinator (or downed by it); its users were stopped");
    return code;
  }
}
