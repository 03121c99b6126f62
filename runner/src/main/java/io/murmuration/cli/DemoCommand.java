package io.murmuration.cli;

import io.murmuration.results.ExitCode;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.xmpp.XmppSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code murm demo}: the whole loop on this machine. Starts a local ejabberd (installing the Debian
 * package when missing and running as root), creates the accounts, runs one-to-one chat with a few
 * hundred users for about a minute with the live view, prints the summary and the report's path,
 * and stops the server.
 */
@Command(
    name = "demo",
    description = "Start a local ejabberd, run one-to-one chat against it for a minute, report.")
final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--users",
      defaultValue = "300",
      description = "users (default: ${DEFAULT-VALUE})")
  int users;

  @Option(
      names = "--duration",
      defaultValue = "60s",
      description = "how long the users chat (default: ${DEFAULT-VALUE})")
  String duration;

  @Option(
      names = "--message-rate",
      defaultValue = "300",
      description = "chat messages per second in all (default: ${DEFAULT-VALUE})")
  double messageRate;

  @Option(
      names = "--arrival-rate",
      defaultValue = "100",
      description = "users arriving per second (default: ${DEFAULT-VALUE})")
  double arrivalRate;

  @Option(
      names = "--client",
      defaultValue = "lean",
      description = "XMPP client: lean or smack (TCP only) (default: ${DEFAULT-VALUE})")
  String client;

  @Option(
      names = "--transport",
      defaultValue = "tcp",
      description =
          "wire: tcp, ws (WebSocket), bosh or mix (all three by id %% 3) (default: ${DEFAULT-VALUE})")
  String transport;

  @Option(names = "--quiet", description = "no live view")
  boolean quiet;

  @Option(
      names = "--runs-dir",
      defaultValue = "runs",
      description = "where run folders go (default: ${DEFAULT-VALUE})")
  Path runsDir;

  @Mixin InfluxOptions influx = new InfluxOptions();

  PrintStream out = System.out;
  Map<String, String> env = System.getenv();

  @Option(
      names = "--nodes",
      defaultValue = "0",
      description =
          "run the users on this many local worker JVMs (murm node on 127.0.0.2, .3, …), this"
              + " process coordinating; 0 = in this process (default: ${DEFAULT-VALUE})")
  int nodes;

  @Override
  public Integer call() throws Exception {
    if (users < 2 || messageRate <= 0) {
      throw new SetupException("demo needs --users of at least 2 and a --message-rate above 0");
    }
    if (nodes < 0 || nodes > 8) {
      throw new SetupException("--nodes " + nodes + ": give 0 (this process) to 8 worker JVMs");
    }
    RunOutput output;
    try {
      output = influx.resolve(env, Map.of("sut", "ejabberd"));
      XmppSettings.checkClient(client, XmppSettings.Transport.parse(transport));
    } catch (IllegalArgumentException e) { // before the server starts: a wrong flag costs nothing
      throw new SetupException(e.getMessage(), e);
    }
    out.println("demo: starting a local ejabberd (loopback only)…");
    try (LocalEjabberd server = startEjabberd()) {
      output = output.withTagDefault("sut_version", server.version());
      int clusterPort = nodes == 0 ? 0 : freePort();
      RunSettings settings = settings(server, clusterPort).withOutput(runsDir, output);
      out.printf(
          "demo: ejabberd up at %s:%d; %d users, %s messages/s in all, for %s%s%n",
          server.c2s().getHostString(),
          server.c2s().getPort(),
          users,
          Execution.trim(messageRate),
          duration,
          nodes == 0 ? "" : ", on " + nodes + " worker JVMs");
      try (LocalWorkers workers = LocalWorkers.start(nodes, clusterPort, runsDir)) {
        if (nodes > 0) {
          out.println("demo: worker logs in " + workers.logs());
        }
        ExitCode code = new Execution(settings, out).execute();
        out.println("demo: stopping ejabberd");
        return code.code;
      }
    }
  }

  /**
   * One-to-one chat against {@code server}, through {@code murm run}'s own options: each user sends
   * one message every users/rate seconds, so the run sends {@code --message-rate} in all.
   */
  private RunSettings settings(LocalEjabberd server, int clusterPort) {
    String interval = Math.max(1, Math.round(1000.0 * users / messageRate)) + "ms";
    Map<String, String> options = new java.util.TreeMap<>();
    options.put("users", Integer.toString(users));
    options.put("arrival-rate", Double.toString(arrivalRate));
    options.put("duration", duration);
    options.put("target", server.c2s().getHostString() + ":" + server.c2s().getPort());
    options.put("domain", server.domain());
    options.put("accounts", "http-api");
    options.put("http-api", server.httpApi().toString());
    options.put("username", "demo_{id}");
    options.put("password", "secret_{id}");
    options.put("client", client);
    options.put("transport", transport);
    options.put("ws-url", server.webSocketUrl(false).toString());
    options.put("bosh-url", server.boshUrl(false).toString());
    options.put("assert", "messages.delivered_ratio >= 0.999;errors.total == 0");
    if (nodes > 0) {
      options.put("nodes", Integer.toString(nodes));
      options.put("cluster-bind", "127.0.0.1:" + clusterPort);
    }
    if (quiet) {
      options.put("quiet", "true");
    }
    try {
      return RunCommand.fromDefinition(
          "one-to-one", options, Map.of("messages", "0", "interval", interval), options.keySet());
    } catch (IllegalArgumentException e) {
      throw new SetupException(e.getMessage(), e);
    }
  }

  private static int freePort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new SetupException("cannot find a free port for the cluster: " + e.getMessage(), e);
    }
  }

  /** Starts the server; what stops it from starting is a setup error, not a bug. */
  private static LocalEjabberd startEjabberd() {
    try {
      return LocalEjabberd.start(LocalEjabberd.Options.defaults());
    } catch (IllegalStateException e) {
      throw new SetupException(e.getMessage(), e);
    }
  }
}
