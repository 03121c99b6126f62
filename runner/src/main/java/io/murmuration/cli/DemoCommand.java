package io.murmuration.cli;

import io.murmuration.accounts.Accounts;
import io.murmuration.engine.LoadProfile;
import io.murmuration.results.Assertion;
import io.murmuration.results.ExitCode;
import io.murmuration.scenario.ParamValues;
import io.murmuration.scenario.Scenario;
import io.murmuration.scenario.ScenarioCatalog;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.xmpp.XmppSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

  @Override
  public Integer call() throws Exception {
    Scenario scenario = ScenarioCatalog.load().find("one-to-one");
    if (users < 2 || messageRate <= 0) {
      throw new SetupException("demo needs --users of at least 2 and a --message-rate above 0");
    }
    // each user sends one message every users/rate seconds: the run sends messageRate in all
    String interval = Math.max(1, Math.round(1000.0 * users / messageRate)) + "ms";
    ParamValues params =
        ParamValues.resolve(
            scenario, Map.of(), Map.of(), Map.of("messages", "0", "interval", interval));
    RunOutput output;
    try {
      output = influx.resolve(env, Map.of("sut", "ejabberd"));
    } catch (IllegalArgumentException e) {
      throw new SetupException(e.getMessage(), e);
    }
    XmppSettings.Transport wires;
    try { // before the server starts: a wrong flag costs nothing
      wires = XmppSettings.Transport.parse(transport);
      XmppSettings.checkClient(client, wires);
    } catch (IllegalArgumentException e) {
      throw new SetupException(e.getMessage(), e);
    }
    out.println("demo: starting a local ejabberd (loopback only)…");
    try (LocalEjabberd server = startEjabberd()) {
      output = output.withTagDefault("sut_version", server.version());
      Accounts accounts =
          new Accounts(Accounts.Mode.HTTP_API, "demo_{id}", "secret_{id}", server.httpApi());
      RunSettings settings =
          new RunSettings(
              scenario,
              params,
              new LoadProfile(
                  users,
                  1,
                  arrivalRate,
                  0,
                  null,
                  RunCommand.duration("--duration", duration),
                  Duration.ofSeconds(5)),
              new XmppSettings(
                  List.of(server.c2s()),
                  List.of(),
                  server.domain(),
                  XmppSettings.Tls.DISABLED,
                  false,
                  "PLAIN",
                  Duration.ofSeconds(10),
                  client,
                  wires,
                  server.webSocketUrl(false),
                  server.boshUrl(false)),
              accounts,
              List.of(
                  Assertion.parse("messages.delivered_ratio >= 0.999"),
                  Assertion.parse("errors.total == 0")),
              runsDir,
              null,
              Duration.ofSeconds(1),
              Duration.ZERO,
              quiet,
              output,
              null,
              Map.of());
      out.printf(
          "demo: ejabberd up at %s:%d; %d users, %s messages/s in all, for %s%n",
          server.c2s().getHostString(),
          server.c2s().getPort(),
          users,
          Execution.trim(messageRate),
          duration);
      ExitCode code = new Execution(settings, out).execute();
      out.println("demo: stopping ejabberd");
      return code.code;
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
