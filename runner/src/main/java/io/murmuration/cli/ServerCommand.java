package io.murmuration.cli;

import io.murmuration.accounts.Accounts;
import io.murmuration.results.ExitCode;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.sut.LocalProsody;
import io.murmuration.sut.LocalServer;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code murm server [ejabberd|prosody]}: a local server under test on loopback, for users who have
 * none at hand and for benchmarks. Prints the flags that point {@code murm run} at it and runs
 * until Ctrl-C, which stops it.
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
      description = "c2s port on 127.0.0.1 (default: a free one)")
  int port;

  PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw new SetupException("--port " + port + ": use 1..65535, or 0 for a free port");
    }
    if (users < 0) {
      throw new SetupException("--users " + users + ": give the number of accounts, 0 for none");
    }
    LocalServer.Options options =
        LocalServer.Options.defaults().withFolder(folder).withC2sPort(port);
    try (LocalServer server = start(options)) {
      String target = server.c2s().getHostString() + ":" + server.c2s().getPort();
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
      out.printf("%s is up; logs in %s%n", kind, server.logFile());
      if (server instanceof LocalEjabberd ejabberd) {
        out.printf("HTTP API (mod_http_api, loopback only): %s%n", ejabberd.httpApi());
      }
      String run = "./murm run one-to-one --target " + target + " --domain " + server.domain();
      out.printf("run against it with: %s %s%n", run, accounts);
      printOtherWires(server, run, accounts);
      out.println("Ctrl-C stops it");
      new CountDownLatch(1).await(); // until Ctrl-C: the server's shutdown hook stops it
      return ExitCode.OK.code;
    }
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
