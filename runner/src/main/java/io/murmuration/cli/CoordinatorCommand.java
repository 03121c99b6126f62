package io.murmuration.cli;

import io.murmuration.cluster.ClusterConfig;
import io.murmuration.cluster.CoordinatorNode;
import io.murmuration.control.ControlApi;
import io.murmuration.results.ExitCode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code murm coordinator}: a long-lived coordinator with the control API. Workers ({@code murm
 * node --seed}) join it and stay; runs are started, changed and stopped over HTTP ({@link
 * ControlApi}), one at a time, and leave their folders under {@code --runs-dir}. Runs until Ctrl-C.
 */
@Command(
    name = "coordinator",
    description =
        "Start a long-lived coordinator: workers (murm node) join it, runs are started and"
            + " steered through its control API (JSON over HTTP, bearer token).",
    sortOptions = false)
final class CoordinatorCommand implements Callable<Integer> {

  @Option(
      names = "--cluster-bind",
      defaultValue = "127.0.0.1:25520",
      paramLabel = "HOST:PORT",
      description = "the cluster address workers give as --seed (default: ${DEFAULT-VALUE})")
  String bind;

  @Option(
      names = "--api",
      defaultValue = "127.0.0.1:8086",
      paramLabel = "HOST:PORT",
      description =
          "where the control API listens; loopback unless you say otherwise (default: ${DEFAULT-VALUE})")
  String api;

  @Option(
      names = "--api-token-file",
      required = true,
      paramLabel = "FILE",
      description =
          "file holding the API's bearer token (16 characters or more), readable by its owner only")
  Path tokenFile;

  @Option(
      names = "--runs-dir",
      defaultValue = "runs",
      description = "where run folders go (default: ${DEFAULT-VALUE})")
  Path runsDir;

  @Mixin ClusterCertsOptions certs = new ClusterCertsOptions();

  @Mixin InfluxOptions influx = new InfluxOptions();

  PrintStream out = System.out;
  Map<String, String> env = System.getenv();

  @Override
  public Integer call() throws Exception {
    InetSocketAddress cluster;
    InetSocketAddress apiAddress;
    RunOutput output;
    try {
      cluster = ClusterOptions.hostPort("--cluster-bind", bind);
      InetSocketAddress a = ClusterOptions.hostPort("--api", api);
      apiAddress = new InetSocketAddress(a.getHostString(), a.getPort());
      output = influx.resolve(env, Map.of());
    } catch (IllegalArgumentException e) {
      throw new SetupException(e.getMessage(), e);
    }
    String token = token(tokenFile);
    CountDownLatch stopped = new CountDownLatch(1);
    try (CoordinatorNode node = CoordinatorNode.start(cluster, certs.tls());
        ControlApi server =
            ControlApi.start(
                new CoordinatorService(node, runsDir, output, out), apiAddress, token)) {
      out.printf(
          "coordinator on %s; control API on http://%s:%d (bearer token from %s)%n",
          ClusterConfig.address(cluster),
          server.address().getHostString(),
          server.address().getPort(),
          tokenFile);
      out.printf(
          "start workers with: murm node --seed %s:%d%n",
          cluster.getHostString(), cluster.getPort());
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
      stopped.await();
      return ExitCode.OK.code;
    } catch (IOException e) {
      throw new SetupException("cannot serve the control API on " + api + ": " + e.getMessage(), e);
    }
  }

  /** The token in {@code file}: it must exist, hold 16 characters or more, and be private. */
  static String token(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        throw new SetupException(
            "--api-token-file "
                + file
                + " does not exist: write a random token into it"
                + " (e.g. head -c 24 /dev/urandom | base64 > "
                + file
                + "; chmod 600 "
                + file
                + ")");
      }
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.contains(PosixFilePermission.GROUP_READ)
          || perms.contains(PosixFilePermission.OTHERS_READ)) {
        throw new SetupException(
            "--api-token-file " + file + " is readable by others: chmod 600 " + file);
      }
      String token = Files.readString(file).strip();
      if (token.length() < 16) {
        throw new SetupException(
            "--api-token-file "
                + file
                + " holds fewer than 16 characters: use a longer random token");
      }
      return token;
    } catch (IOException e) {
      throw new SetupException("cannot read --api-token-file " + file + ": " + e.getMessage(), e);
    }
  }
}
