package io.murmuration.cli;

import io.murmuration.accounts.Accounts;
import io.murmuration.engine.LoadProfile;
import io.murmuration.results.Assertion;
import io.murmuration.results.RunId;
import io.murmuration.scenario.Param;
import io.murmuration.scenario.ParamValues;
import io.murmuration.scenario.Scenario;
import io.murmuration.scenario.ScenarioCatalog;
import io.murmuration.xmpp.XmppSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code murm run SCENARIO [options]}: one load test against an XMPP server. */
@Command(
    name = "run",
    description = "Run a load scenario against an XMPP server.",
    sortOptions = false,
    footer = {
      "",
      "Settings also come from environment variables MURM_<OPTION> (MURM_USERS=2000) and from a",
      "HOCON file (--config): keys are the long option names, plus 'scenario' and a 'params' block.",
      "Scenario parameters: -Pname=value, MURM_PARAM_<NAME>, or the file's params block.",
      "Exit codes: 0 ok, 1 assertion failed, 2 setup error, 3 run failed, 4 internal error."
    })
final class RunCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "SCENARIO",
      description = "scenario name (murm scenarios lists them)")
  String scenario;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "HOCON file with settings and a params block")
  String config;

  @Option(
      names = "-P",
      paramLabel = "NAME=VALUE",
      description = "a scenario parameter (repeatable)")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(
      names = "--users",
      defaultValue = "100",
      description = "users to start (default: ${DEFAULT-VALUE})")
  int users;

  @Option(
      names = "--first-user",
      defaultValue = "1",
      description = "id of the first user (default: ${DEFAULT-VALUE})")
  int firstUser;

  @Option(
      names = "--arrival-rate",
      defaultValue = "50",
      description = "users arriving per second (default: ${DEFAULT-VALUE})")
  double arrivalRate;

  @Option(
      names = "--ramp-to",
      defaultValue = "0",
      description = "arrival rate at the end of a linear ramp; 0 = constant rate")
  double rampTo;

  @Option(
      names = "--ramp-over",
      paramLabel = "DURATION",
      description = "how long the arrival-rate ramp lasts")
  String rampOver;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      description =
          "stop the run after this long (e.g. 60s); default: when every user has finished")
  String duration;

  @Option(
      names = "--drain",
      defaultValue = "5s",
      paramLabel = "DURATION",
      description =
          "at the stop, wait this long at most for messages in flight (default: ${DEFAULT-VALUE})")
  String drain;

  @Option(
      names = "--target",
      split = ",",
      defaultValue = "127.0.0.1:5222",
      paramLabel = "HOST:PORT",
      description = "XMPP c2s endpoint(s), comma-separated (default: ${DEFAULT-VALUE})")
  List<String> targets;

  @Option(
      names = "--domain",
      defaultValue = "localhost",
      description = "XMPP domain of the users (default: ${DEFAULT-VALUE})")
  String domain;

  @Option(
      names = "--source-ips",
      split = ",",
      paramLabel = "IP[-IP]",
      description = "local addresses to connect from, e.g. 127.0.0.1-127.0.0.4")
  List<String> sourceIps = new ArrayList<>();

  @Option(
      names = "--accounts",
      defaultValue = "existing",
      description =
          "existing, register (XEP-0077 in-band), http-api (ejabberd) or scenario (the scenario"
              + " registers its users itself) (default: ${DEFAULT-VALUE})")
  String accounts;

  @Option(
      names = "--username",
      defaultValue = "user_{id}",
      description = "user name pattern (default: ${DEFAULT-VALUE})")
  String username;

  @Option(
      names = "--password",
      defaultValue = "password_{id}",
      description = "password pattern (default: ${DEFAULT-VALUE})")
  String password;

  @Option(
      names = "--http-api",
      paramLabel = "URL",
      description = "ejabberd HTTP API base URL, for --accounts http-api")
  String httpApi;

  @Option(
      names = "--tls",
      defaultValue = "disabled",
      description = "STARTTLS: disabled, if-possible or required (default: ${DEFAULT-VALUE})")
  String tls;

  @Option(
      names = "--tls-verify",
      defaultValue = "true",
      arity = "0..1",
      description = "check the server certificate (default: ${DEFAULT-VALUE})")
  boolean tlsVerify;

  @Option(
      names = "--sasl",
      defaultValue = "PLAIN",
      description = "SASL mechanism: PLAIN or SCRAM-SHA-1 (default: ${DEFAULT-VALUE})")
  String sasl;

  @Option(
      names = "--connect-timeout",
      defaultValue = "10s",
      paramLabel = "DURATION",
      description = "TCP connect and login timeout (default: ${DEFAULT-VALUE})")
  String connectTimeout;

  @Option(
      names = "--client",
      defaultValue = "lean",
      description =
          "XMPP client: lean (event loops) or smack (TCP only) (default: ${DEFAULT-VALUE})")
  String client;

  @Option(
      names = "--transport",
      defaultValue = "tcp",
      description =
          "wire: tcp, ws (WebSocket), bosh, or mix (users spread over all three by id %% 3)"
              + " (default: ${DEFAULT-VALUE})")
  String transport;

  @Option(
      names = "--ws-url",
      paramLabel = "URL",
      description = "WebSocket endpoint for --transport ws or mix, e.g. ws://127.0.0.1:5280/ws")
  String wsUrl;

  @Option(
      names = "--bosh-url",
      paramLabel = "URL",
      description = "BOSH endpoint for --transport bosh or mix, e.g. http://127.0.0.1:5280/bosh")
  String boshUrl;

  @Option(
      names = "--assert",
      split = ";",
      paramLabel = "EXPR",
      description = "pass/fail condition, e.g. 'ttd.p99 < 50ms' (repeatable)")
  List<String> asserts = new ArrayList<>();

  @Option(
      names = "--runs-dir",
      defaultValue = "runs",
      description = "where run folders go (default: ${DEFAULT-VALUE})")
  Path runsDir;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description =
          "the run's id and folder name (default: time, scenario and 4 random hex digits);"
              + " letters, digits, '.', '_', '-'; its folder must not exist yet")
  String runId;

  @Option(
      names = "--report-interval",
      defaultValue = "1s",
      paramLabel = "DURATION",
      description = "metrics sampling interval (default: ${DEFAULT-VALUE})")
  String reportInterval;

  @Option(
      names = "--warm-up",
      defaultValue = "0",
      paramLabel = "DURATION",
      description =
          "leave the first DURATION out of the run's TTD and lag statistics (JIT and connection"
              + " set-up); counts, connect and login times stay whole (default: ${DEFAULT-VALUE})")
  String warmUp;

  @Option(names = "--quiet", arity = "0..1", description = "no live view")
  boolean quiet;

  @Mixin InfluxOptions influx = new InfluxOptions();

  @Mixin ClusterOptions cluster = new ClusterOptions();

  @Spec CommandSpec spec;

  /**
   * The options a worker node needs to run its part of a run: how users arrive, log in and talk,
   * and how often to sample. Not the user count, ids and rates (the worker's slice sets them), nor
   * output, assertions or cluster options, which are the coordinator's.
   */
  static final Set<String> NODE_SETTINGS =
      Set.of(
          "ramp-over",
          "drain",
          "target",
          "domain",
          "source-ips",
          "accounts",
          "username",
          "password",
          "http-api",
          "tls",
          "tls-verify",
          "sasl",
          "connect-timeout",
          "client",
          "transport",
          "ws-url",
          "bosh-url",
          "report-interval",
          "warm-up");

  ConfigDefaults defaults;
  java.io.PrintStream out = System.out;
  Map<String, String> env = System.getenv();

  @Override
  public Integer call() throws Exception {
    return new Execution(settings(), out).execute().code;
  }

  /** {@code --run-id}, checked: a name for one new folder under {@code --runs-dir}, or null. */
  private String runId() {
    if (runId == null) {
      return null;
    }
    if (!RunId.isValid(runId)) {
      throw new SetupException(
          "--run-id '"
              + runId
              + "': use 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    if (java.nio.file.Files.exists(runsDir.resolve(runId))) {
      throw new SetupException(
          "--run-id "
              + runId
              + ": "
              + runsDir.resolve(runId)
              + " exists already: choose another id");
    }
    return runId;
  }

  RunSettings settings() {
    if (scenario == null) {
      throw new SetupException("name a scenario: murm run one-to-one (murm scenarios lists them)");
    }
    try {
      Scenario s = ScenarioCatalog.load().find(scenario);
      ParamValues values = ParamValues.resolve(s, defaults.params(), env, params);
      List<Assertion> assertions = asserts.stream().map(Assertion::parse).toList();
      LoadProfile load =
          new LoadProfile(
              users,
              firstUser,
              arrivalRate,
              rampTo,
              rampOver == null ? null : duration("--ramp-over", rampOver),
              duration == null ? null : duration("--duration", duration),
              duration("--drain", drain));
      XmppSettings xmpp =
          new XmppSettings(
              targets.stream().map(RunCommand::endpoint).toList(),
              sourceAddresses(sourceIps),
              domain,
              tlsPolicy(tls),
              tlsVerify,
              saslMechanism(sasl),
              duration("--connect-timeout", connectTimeout),
              client.trim().toLowerCase(Locale.ROOT),
              XmppSettings.Transport.parse(transport),
              url("--ws-url", wsUrl),
              url("--bosh-url", boshUrl));
      Accounts acc =
          new Accounts(
              Accounts.Mode.parse(accounts),
              username,
              password,
              httpApi == null ? null : URI.create(httpApi));
      return new RunSettings(
          s,
          values,
          load,
          xmpp,
          acc,
          assertions,
          runsDir,
          runId(),
          duration("--report-interval", reportInterval),
          warmUp(load.duration()),
          quiet,
          influx.resolve(env, Map.of()),
          cluster.resolve(),
          nodeSettings());
    } catch (IllegalArgumentException e) {
      throw new SetupException(e.getMessage(), e);
    }
  }

  /**
   * A run defined by options and parameters rather than typed by a user (a worker's part, a run
   * started through the control API): read by this command's own parser, so it is checked exactly
   * as {@code murm run} would, with neither this machine's environment nor a config file mixed in.
   * Options outside {@code allowed} and malformed parameter names are refused; each value is one
   * argument ({@code --name=value}), so no value can smuggle in another option.
   *
   * @throws IllegalArgumentException naming what cannot be used
   */
  static RunSettings fromDefinition(
      String scenario,
      Map<String, String> options,
      Map<String, String> params,
      Set<String> allowed) {
    List<String> args = new ArrayList<>();
    args.add(scenario);
    for (Map.Entry<String, String> o : options.entrySet()) {
      if (!allowed.contains(o.getKey())) {
        throw new IllegalArgumentException(
            "option '"
                + o.getKey()
                + "' cannot be given here; these can: "
                + String.join(", ", new TreeSet<>(allowed)));
      }
      args.add("--" + o.getKey() + "=" + o.getValue());
    }
    for (Map.Entry<String, String> p : params.entrySet()) {
      if (!PARAM_NAME.matcher(p.getKey()).matches()) {
        throw new IllegalArgumentException("'" + p.getKey() + "' is not a parameter name");
      }
      args.add("-P" + p.getKey() + "=" + p.getValue());
    }
    RunCommand command = new RunCommand();
    command.env = Map.of();
    command.defaults = ConfigDefaults.load(null, Map.of(), Set.of());
    CommandLine parser = new CommandLine(command);
    parser.setDefaultValueProvider(command.defaults);
    try {
      parser.parseArgs(args.toArray(String[]::new));
      return command.settings();
    } catch (CommandLine.ParameterException | SetupException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static final java.util.regex.Pattern PARAM_NAME =
      java.util.regex.Pattern.compile("[a-z][a-z0-9_]{0,63}");

  /** The {@link #NODE_SETTINGS} as given (flag, environment, file or default), lists joined. */
  private Map<String, String> nodeSettings() {
    Map<String, String> all = new TreeMap<>();
    if (spec == null) {
      return all;
    }
    for (OptionSpec o : spec.options()) {
      String name = o.longestName().replaceFirst("^--", "");
      Object value = o.getValue();
      if (NODE_SETTINGS.contains(name) && value != null) {
        all.put(
            name,
            value instanceof Collection<?> c
                ? c.stream().map(String::valueOf).collect(Collectors.joining(","))
                : String.valueOf(value));
      }
    }
    return all;
  }

  /** {@code --warm-up}, shorter than {@code --duration} when one is given. */
  private Duration warmUp(Duration runDuration) {
    Duration w = duration("--warm-up", warmUp);
    if (runDuration != null && w.compareTo(runDuration) >= 0) {
      throw new IllegalArgumentException(
          "--warm-up "
              + warmUp
              + " is not shorter than --duration "
              + duration
              + ": no sample would count; shorten the warm-up or lengthen the run");
    }
    return w;
  }

  static Duration duration(String flag, String text) {
    try {
      return Param.parseDuration(text.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          flag + " '" + text + "' is not a duration: write e.g. 250ms, 5s, 2m, 1h");
    }
  }

  /** {@code text} as a URL, or null when not given. */
  static URI url(String flag, String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return new URI(text.trim());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(flag + " '" + text + "' is not a URL: " + e.getReason());
    }
  }

  static InetSocketAddress endpoint(String text) {
    int colon = text.lastIndexOf(':');
    try {
      if (colon < 1) {
        throw new NumberFormatException();
      }
      int port = Integer.parseInt(text.substring(colon + 1));
      if (port < 1 || port > 65535) {
        throw new NumberFormatException();
      }
      return new InetSocketAddress(text.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--target '" + text + "' is not HOST:PORT, e.g. 127.0.0.1:5222");
    }
  }

  /** Expands {@code 127.0.0.1-127.0.0.4} (a range in the last byte) and plain addresses. */
  static List<InetAddress> sourceAddresses(List<String> specs) {
    List<InetAddress> all = new ArrayList<>();
    for (String spec : specs) {
      String[] range = spec.trim().split("-");
      try {
        if (range.length == 1) {
          all.add(InetAddress.getByName(range[0]));
          continue;
        }
        byte[] from = InetAddress.getByName(range[0]).getAddress();
        byte[] to = InetAddress.getByName(range[1]).getAddress();
        int last = from.length - 1;
        for (int i = 0; i < last; i++) {
          if (from[i] != to[i]) {
            throw new IllegalArgumentException(
                "--source-ips range '" + spec + "' may only vary in its last byte");
          }
        }
        for (int b = from[last] & 0xff; b <= (to[last] & 0xff); b++) {
          byte[] addr = from.clone();
          addr[last] = (byte) b;
          all.add(InetAddress.getByAddress(addr));
        }
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(
            "--source-ips '" + spec + "' is not an address or a range of addresses");
      }
    }
    return all;
  }

  static XmppSettings.Tls tlsPolicy(String text) {
    try {
      return XmppSettings.Tls.valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--tls '" + text + "': use disabled, if-possible or required");
    }
  }

  static String saslMechanism(String text) {
    String m = text.trim().toUpperCase(Locale.ROOT);
    if (!m.equals("PLAIN") && !m.equals("SCRAM-SHA-1")) {
      throw new IllegalArgumentException("--sasl '" + text + "': use PLAIN or SCRAM-SHA-1");
    }
    return m;
  }
}
