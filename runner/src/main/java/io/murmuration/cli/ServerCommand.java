package io.murmuration.cli;

import io.murmuration.accounts.Accounts;
import io.murmuration.results.ExitCode;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.sut.LocalEjabberdCluster;
import io.murmuration.sut.LocalProsody;
import io.murmuration.sut.LocalServer;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code murm server [ejabberd|prosody]}: a local server under test on loopback, for users who have
 * none at hand and for benchmarks. Prints the flags that point {@code murm run} at it and runs
 * until Ctrl-C, which stops it. With {@code --nodes N}, ejabberd runs as a cluster of N nodes and
 * the printed {@code --target} lists every node's c2s port, so users spread over the nodes. For
 * ejabberd it also prints the component listener (node 1's in a cluster) that the {@code push}
 * scenario's app server connects to, and the file holding its secret.
 */
@Command(
    name = "server",
    description = "Start a local ejabberd or Prosody on loopback and keep it running until Ctrl-C.")
final class ServerCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      defaultValue = "ejabberd",
      paramLabel = "SERVER",
      description = "ejabberd or prosody (default: ${DEFAULT-VALUE})")
  String kind;

  @Option(
      names = "--users",
      defaultValue = "0",
      description = "accounts to create, named by --username and --password (default: none)")
  int users;

  @Option(names = "--first-user", defaultValue = "1", description = "id of the first account")
  int firstUser;

  @Option(
      names = "--username",
      defaultValue = "user_{id}",
      description = "account name pattern (default: ${DEFAULT-VALUE})")
  String username;

  @Option(
      names = "--password",
      defaultValue = "password_{id}",
      description = "password pattern (default: ${DEFAULT-VALUE})")
  String password;

  @Option(
      names = "--folder",
      description = "keep config, data and logs here (default: a temp folder, removed at exit)")
  Path folder;

  @Option(
      names = "--port",
      defaultValue = "0",
      description = "c2s port on 127.0.0.1 (default: a free one); node 1's with --nodes")
  int port;

  @Option(
      names = "--nodes",
      defaultValue = "1",
      description =
          "ejabberd nodes, joined into one cluster, 1.."
              + LocalEjabberdCluster.MAX_NODES
              + " (default: ${DEFAULT-VALUE}); users spread over their c2s ports")
  int nodes;

  @Option(
      names = "--archive",
      defaultValue = "on",
      description =
          "ejabberd's message archive (XEP-0313): on, or off for throughput runs that do not read"
              + " it (each archived message is written on every node) (default: ${DEFAULT-VALUE})")
  String archive;

  @Option(
      names = "--push-body",
      defaultValue = "on",
      description =
          "ejabberd's push notifications (XEP-0357): on, with the message's text and sender"
              + " (include_body, include_sender), or off, with no summary at all"
              + " (default: ${DEFAULT-VALUE})")
  String pushBody;

  PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw new SetupException("--port " + port + ": use 1..65535, or 0 for a free port");
    }
    if (users < 0) {
      throw new SetupException("--users " + users + ": give the number of accounts, 0 for none");
    }
    if (!archive.equals("on") && !archive.equals("off")) {
      throw new SetupException("--archive '" + archive + "': use on or off");
    }
    if (!pushBody.equals("on") && !pushBody.equals("off")) {
      throw new SetupException("--push-body '" + pushBody + "': use on or off");
    }
    if (nodes < 1 || nodes > LocalEjabberdCluster.MAX_NODES) {
      throw new SetupException(
          "--nodes " + nodes + ": use 1.." + LocalEjabberdCluster.MAX_NODES + " ejabberd nodes");
    }
    if (nodes > 1 && !"ejabberd".equals(kind)) {
      throw new SetupException("--nodes " + nodes + ": only ejabberd runs as a cluster");
    }
    LocalServer.Options options =
        LocalServer.Options.defaults()
            .withFolder(folder)
            .withC2sPort(port)
            .withArchive(archive.equals("on"))
            .withPushBody(pushBody.equals("on"));
    try (LocalEjabberdCluster cluster = nodes > 1 ? startCluster(options) : null;
        LocalServer single = cluster == null ? start(options) : null) {
      // a cluster is reached through node 1 (HTTP API, WebSocket, BOSH), users through every node
      LocalServer server = cluster == null ? single : cluster.nodes().getFirst();
      List<InetSocketAddress> endpoints =
          cluster == null ? List.of(server.c2s()) : cluster.c2sEndpoints();
      String target =
          endpoints.stream()
              .map(c2s -> c2s.getHostString() + ":" + c2s.getPort())
              .collect(Collectors.joining(","));
      String accounts =
          server instanceof LocalEjabberd ejabberd
              ? "--accounts http-api --http-api " + ejabberd.httpApi()
              : "--accounts register";
      if (users > 0) {
        Accounts created = Accounts.existing(username, password);
        register(server, created);
        accounts =
            "--accounts existing --username '" + username + "' --password '" + password + "'";
        out.printf(
            "created accounts %s … %s%n",
            created.forUser(firstUser).username(),
            created.forUser(firstUser + users - 1).username());
      }
      if (cluster == null) {
        out.printf("%s is up; logs in %s%n", kind, server.logFile());
      } else {
        out.printf(
            "ejabberd cluster of %d nodes is up (%s); logs in %s%n",
            nodes,
            cluster.nodes().stream().map(LocalEjabberd::nodeName).collect(Collectors.joining(", ")),
            cluster.nodes().stream()
                .map(node -> node.logFile().toString())
                .collect(Collectors.joining(", ")));
      }
      if (server instanceof LocalEjabberd ejabberd) {
        out.printf(
            "HTTP API (mod_http_api, loopback only): %s%s%n",
            ejabberd.httpApi(), cluster == null ? "" : " (node 1; accounts reach every node)");
      }
      String run = "./murm run one-to-one --target " + target + " --domain " + server.domain();
      out.printf("run against it with: %s %s%n", run, accounts);
      if (server instanceof LocalEjabberd ejabberd) {
        printPush(ejabberd, target, accounts);
      }
      if (cluster != null) {
        out.println("  WebSocket and BOSH below reach node 1 only:");
      }
      printOtherWires(server, run, accounts);
      out.println("Ctrl-C stops it");
      new CountDownLatch(1).await(); // until Ctrl-C: the server's shutdown hook stops it
      return ExitCode.OK.code;
    }
  }

  /**
   * The component listener a push app server connects to, and the push scenario's flags for it: its
   * secret is in a file, never on a command line.
   */
  private void printPush(LocalEjabberd ejabberd, String target, String accounts) {
    LocalEjabberd.Component component = ejabberd.component();
    String address = component.address().getHostString() + ":" + component.address().getPort();
    out.printf(
        "push notifications (mod_push, %s): component listener %s, domain %s, secret in %s%n",
        ejabberd.pushBody() ? "with the message's text" : "without the message's text",
        address,
        component.domain(),
        component.secretFile());
    out.printf(
        "  push scenario: ./murm run push --target %s --domain %s --client lean %s"
            + " -Pcomponent=%s -Pcomponent_domain=%s -Pcomponent_secret_file=%s%n",
        target, ejabberd.domain(), accounts, address, component.domain(), component.secretFile());
  }

  /** The run flags for WebSocket, BOSH and a mix of all three, with TLS where the server has it. */
  private void printOtherWires(LocalServer server, String run, String accounts) {
    URI ws;
    URI bosh;
    String tls = null;
    if (server instanceof LocalEjabberd ejabberd) {
      ws = ejabberd.webSocketUrl(false);
      bosh = ejabberd.boshUrl(false);
      tls = "--ws-url " + ejabberd.webSocketUrl(true) + " --bosh-url " + ejabberd.boshUrl(true);
    } else if (server instanceof LocalProsody prosody) {
      ws = prosody.webSocketUrl();
      bosh = prosody.boshUrl();
    } else {
      return;
    }
    out.printf("  over WebSocket: %s --transport ws --ws-url %s %s%n", run, ws, accounts);
    out.printf("  over BOSH:      %s --transport bosh --bosh-url %s %s%n", run, bosh, accounts);
    out.printf(
        "  all three (id %% 3): %s --transport mix --ws-url %s --bosh-url %s %s%n",
        run, ws, bosh, accounts);
    if (tls != null) {
      out.printf("  with TLS (self-signed, add --tls-verify=false): %s%n", tls);
    }
  }

  /** ejabberd through its HTTP API, Prosody in-band: either way many at a time. */
  private void register(LocalServer server, Accounts accounts) {
    try {
      if (server instanceof LocalEjabberd ejabberd) {
        ejabberd.registerUsers(accounts, firstUser, users);
      } else {
        ((LocalProsody) server).registerUsers(accounts, firstUser, users);
      }
    } catch (IllegalStateException e) {
      throw new SetupException("cannot create the accounts: " + e.getMessage(), e);
    }
  }

  /** Starts the ejabberd cluster; what stops it from starting is a setup error, not a bug. */
  private LocalEjabberdCluster startCluster(LocalServer.Options options) {
    try {
      return LocalEjabberdCluster.start(options, nodes);
    } catch (IllegalStateException e) {
      throw new SetupException(e.getMessage(), e);
    }
  }

  /** Starts the server; what stops it from starting is a setup error, not a bug. */
  private LocalServer start(LocalServer.Options options) {
    try {
      return switch (kind) {
        case "ejabberd" -> LocalEjabberd.start(options);
        case "prosody" -> LocalProsody.start(options);
        default ->
            throw new SetupException("unknown server '" + kind + "': use ejabberd or prosody");
      };
    } catch (IllegalStateException e) {
      throw new SetupException(e.getMessage(), e);
    }
  }
}
