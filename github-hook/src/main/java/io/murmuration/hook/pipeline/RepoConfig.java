package io.murmuration.hook.pipeline;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.murmuration.gate.Metric;
import io.murmuration.gate.Settings;
import io.murmuration.scenario.ScenarioCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How to load-test one repository: build and start its server at a commit, know when it is ready,
 * reach it over XMPP, which scenarios to run and what must hold. Read from {@code
 * .murmuration/loadtest.conf} on the repository's default branch (never from a pull request's head,
 * so a pull request cannot change what the runners execute), or from an operator's file that
 * replaces it. The keys are documented in docs/github.md, "Configuring a repository".
 *
 * <p>Every mistake is reported as one {@link Invalid} line naming the file and line, before any
 * command runs. The values that become arguments of the runner's command line (domain, targets,
 * account patterns, parameters, assertions) are checked too: a domain and hosts of letters, digits,
 * {@code .} and {@code -}, parameter names of letters, digits, {@code . _ -}, no leading {@code -}
 * and no control character anywhere; the shell commands ({@code build}, {@code start}, {@code
 * stop}, {@code ready.command}) are the repository's to choose.
 *
 * @param build shell command(s) run with {@code bash -c} in the checkout, or null for none
 * @param buildTimeout how long the build may take
 * @param start the long-running command that runs the server in the foreground
 * @param stop a command that stops the server, or null: SIGTERM to the start command's process
 *     group
 * @param stopTimeout how long the stop may take before SIGKILL
 * @param ready how to know the server is ready
 * @param targets XMPP c2s endpoints {@code host:port}
 * @param domain XMPP domain of the users
 * @param accounts how users get their accounts
 * @param scenarios the load tests, run one after the other against the same server
 * @param gate how a pull request is compared with its base
 * @param origin where this configuration came from, for messages
 */
public record RepoConfig(
    String build,
    Duration buildTimeout,
    String start,
    String stop,
    Duration stopTimeout,
    Ready ready,
    List<String> targets,
    String domain,
    Accounts accounts,
    List<ScenarioRun> scenarios,
    Gate gate,
    String origin) {

  /** The path of the configuration file inside a repository. */
  public static final String PATH = ".murmuration/loadtest.conf";

  private static final Set<String> TOP_KEYS =
      Set.of(
          "build",
          "build-timeout",
          "start",
          "stop",
          "stop-timeout",
          "ready",
          "xmpp",
          "accounts",
          "scenarios",
          "gate");
  private static final Set<String> READY_KEYS = Set.of("tcp", "command", "timeout");
  private static final Set<String> XMPP_KEYS = Set.of("target", "domain");
  private static final Set<String> ACCOUNT_KEYS =
      Set.of("mode", "username", "password", "http-api");
  private static final Set<String> SCENARIO_KEYS =
      Set.of(
          "scenario",
          "users",
          "arrival-rate",
          "duration",
          "warm-up",
          "params",
          "assert",
          "timeout");
  private static final Set<String> GATE_KEYS =
      Set.of("rounds", "tolerance", "alpha", "max-lag", "max-error-rate");

  private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]*");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9\\[][A-Za-z0-9.:\\[\\]-]*");
  private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");

  /**
   * When the server counts as ready: {@code tcp} accepts connections, or {@code command} exits 0.
   */
  public record Ready(String tcp, String command, Duration timeout) {}

  /** {@code mode} is {@code register}, {@code existing} or {@code http-api}, as for the runner. */
  public record Accounts(String mode, String username, String password, String httpApi) {}

  /**
   * One {@code murm run}: the scenario, its load, parameters and assertions (the absolute limits),
   * and a time limit.
   *
   * @param warmUp {@code murm run --warm-up}, or null for none
   */
  public record ScenarioRun(
      String scenario,
      int users,
      double arrivalRate,
      Duration duration,
      Duration warmUp,
      Map<String, String> params,
      List<String> asserts,
      Duration timeout) {}

  /**
   * How a pull request is judged against its base: {@code rounds} rounds of base, head (0: run the
   * head alone, as for a push) and the statistics' settings ({@link Settings}, as {@code murm
   * compare} takes them).
   */
  public record Gate(int rounds, Settings settings) {
    /**
     * Ten rounds: with five, a +25 % TTD regression was caught in 16 of 20 gates on the test
     * machine; with ten, in 14 of 15 (docs/gate.md, "Gate accuracy, measured").
     */
    public static final int DEFAULT_ROUNDS = 10;
  }

  /** The same configuration with only {@code runs} (a bisection runs its change point's one). */
  RepoConfig withScenarios(List<ScenarioRun> runs) {
    return new RepoConfig(
        build,
        buildTimeout,
        start,
        stop,
        stopTimeout,
        ready,
        targets,
        domain,
        accounts,
        List.copyOf(runs),
        gate,
        origin);
  }

  /** A configuration that cannot be used; the message names the file and line. */
  public static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message);
    }
  }

  /**
   * Parses {@code text}; {@code vars} ({@code MURM_SUT_PORT}, …) resolve {@code ${?NAME}}
   * substitutions and, inside quoted strings of the non-command values ({@code ready.tcp}, {@code
   * xmpp.target}, {@code accounts.http-api}), the text {@code ${NAME}} or {@code ${?NAME}}.
   *
   * @throws Invalid naming {@code origin} and the line of the first mistake
   */
  public static RepoConfig parse(String text, String origin, Map<String, String> vars) {
    Config c;
    try {
      c =
          ConfigFactory.parseString(
                  text, ConfigParseOptions.defaults().setOriginDescription(origin))
              .resolveWith(ConfigFactory.parseMap(vars, "the pipeline's variables"));
      return read(c, origin, vars);
    } catch (ConfigException e) {
      // "file: 3: problem" → "file:3: problem", like the errors of read()
      throw new Invalid(e.getMessage().replaceFirst("^([^:]*): (\\d+): ", "$1:$2: "));
    }
  }

  private static RepoConfig read(Config c, String origin, Map<String, String> vars) {
    rejectUnknown(c, TOP_KEYS, "");
    if (!c.hasPath("start")) {
      throw new Invalid(origin + ": 'start' is missing: the command that runs the server");
    }
    String start = nonBlank(c, "start");
    String build = c.hasPath("build") ? nonBlank(c, "build") : null;
    String stop = c.hasPath("stop") ? nonBlank(c, "stop") : null;

    List<String> targets = List.of("127.0.0.1:" + vars.getOrDefault("MURM_SUT_PORT", "5222"));
    String domain = "localhost";
    if (c.hasPath("xmpp")) {
      Config x = c.getConfig("xmpp");
      rejectUnknown(x, XMPP_KEYS, "xmpp.");
      if (x.hasPath("target")) {
        targets =
            x.getValue("target").valueType() == ConfigValueType.LIST
                ? x.getStringList("target")
                : List.of(x.getString("target"));
        targets = targets.stream().map(t -> hostPort(c, "xmpp.target", expand(t, vars))).toList();
        if (targets.isEmpty()) {
          throw at(c, "xmpp.target", "needs at least one HOST:PORT");
        }
      }
      if (x.hasPath("domain")) {
        domain = nonBlank(c, "xmpp.domain");
        if (!DOMAIN.matcher(domain).matches()) {
          throw at(c, "xmpp.domain", "not a domain name: letters, digits, '.' and '-' (not first)");
        }
      }
    }

    String tcp = null;
    String readyCommand = null;
    Duration readyTimeout = Duration.ofSeconds(120);
    if (c.hasPath("ready")) {
      Config r = c.getConfig("ready");
      rejectUnknown(r, READY_KEYS, "ready.");
      if (r.hasPath("tcp") && r.hasPath("command")) {
        throw at(c, "ready", "give either tcp or command, not both");
      }
      tcp = r.hasPath("tcp") ? hostPort(c, "ready.tcp", expand(r.getString("tcp"), vars)) : null;
      readyCommand = r.hasPath("command") ? nonBlank(c, "ready.command") : null;
      readyTimeout = r.hasPath("timeout") ? positive(c, "ready.timeout") : readyTimeout;
    }
    if (tcp == null && readyCommand == null) {
      tcp = targets.get(0);
    }

    Accounts accounts = new Accounts("register", "user_{id}", "password_{id}", null);
    if (c.hasPath("accounts")) {
      Config a = c.getConfig("accounts");
      rejectUnknown(a, ACCOUNT_KEYS, "accounts.");
      String mode = a.hasPath("mode") ? a.getString("mode") : "register";
      if (!Set.of("register", "existing", "http-api").contains(mode)) {
        throw at(c, "accounts.mode", "'" + mode + "': use register, existing or http-api");
      }
      String httpApi =
          a.hasPath("http-api")
              ? argument(c, "accounts.http-api", expand(a.getString("http-api"), vars))
              : null;
      if (mode.equals("http-api") && httpApi == null) {
        throw at(c, "accounts.mode", "http-api needs accounts.http-api, the API's base URL");
      }
      accounts =
          new Accounts(
              mode,
              a.hasPath("username")
                  ? argument(c, "accounts.username", a.getString("username"))
                  : accounts.username(),
              a.hasPath("password")
                  ? argument(c, "accounts.password", a.getString("password"))
                  : accounts.password(),
              httpApi);
    }

    if (!c.hasPath("scenarios") || c.getList("scenarios").isEmpty()) {
      throw new Invalid(origin + ": 'scenarios' is missing: a list of at least one scenario");
    }
    List<ScenarioRun> scenarios = new ArrayList<>();
    for (Config s : c.getConfigList("scenarios")) {
      scenarios.add(scenario(s));
    }
    return new RepoConfig(
        build,
        c.hasPath("build-timeout") ? positive(c, "build-timeout") : Duration.ofMinutes(30),
        start,
        stop,
        c.hasPath("stop-timeout") ? positive(c, "stop-timeout") : Duration.ofSeconds(30),
        new Ready(tcp, readyCommand, readyTimeout),
        targets,
        domain,
        accounts,
        List.copyOf(scenarios),
        c.hasPath("gate") ? gate(c) : new Gate(Gate.DEFAULT_ROUNDS, Settings.defaults()),
        origin);
  }

  private static Gate gate(Config root) {
    Config g = root.getConfig("gate");
    rejectUnknown(g, GATE_KEYS, "gate.");
    int rounds = g.hasPath("rounds") ? root.getInt("gate.rounds") : Gate.DEFAULT_ROUNDS;
    if (rounds < 0 || rounds > 100) {
      throw at(root, "gate.rounds", "must be 0 (head only) to 100, not " + rounds);
    }
    Settings d = Settings.defaults();
    Map<Metric, Double> tolerances = new LinkedHashMap<>();
    if (g.hasPath("tolerance")) {
      for (Map.Entry<String, ConfigValue> t : g.getConfig("tolerance").entrySet()) {
        String key = t.getKey().replace("\"", "");
        Metric m = Metric.byKey(key);
        String path = "gate.tolerance." + t.getKey();
        if (m == null) {
          throw new Invalid(
              place(t.getValue().origin())
                  + ": gate.tolerance: unknown metric '"
                  + key
                  + "'; known: "
                  + Metric.known());
        }
        try {
          tolerances.put(m, Settings.parseTolerance(String.valueOf(t.getValue().unwrapped())));
        } catch (IllegalArgumentException e) {
          throw new Invalid(place(t.getValue().origin()) + ": " + path + ": " + e.getMessage());
        }
      }
    }
    double alpha = g.hasPath("alpha") ? root.getDouble("gate.alpha") : d.alpha();
    if (!(alpha > 0 && alpha < 1)) {
      throw at(root, "gate.alpha", "must be between 0 and 1, e.g. 0.05");
    }
    double maxLag =
        g.hasPath("max-lag") ? positive(root, "gate.max-lag").toNanos() / 1e6 : d.maxLagMs();
    double maxErrors =
        g.hasPath("max-error-rate") ? root.getDouble("gate.max-error-rate") : d.maxErrorRate();
    if (!(maxErrors >= 0 && maxErrors < 1)) {
      throw at(root, "gate.max-error-rate", "must be at least 0 and below 1, e.g. 0.001");
    }
    return new Gate(
        rounds,
        new Settings(
            tolerances,
            alpha,
            d.confidence(),
            d.resamples(),
            d.seed(),
            maxLag,
            maxErrors,
            d.paired()));
  }

  private static ScenarioRun scenario(Config s) {
    rejectUnknown(s, SCENARIO_KEYS, "scenarios[].");
    if (!s.hasPath("scenario")) {
      throw at(s, null, "a scenario needs 'scenario', its name (murm scenarios lists them)");
    }
    String name = s.getString("scenario");
    try {
      ScenarioCatalog.load().find(name);
    } catch (IllegalArgumentException e) {
      throw at(s, "scenario", e.getMessage());
    }
    int users = s.hasPath("users") ? s.getInt("users") : 100;
    if (users < 1) {
      throw at(s, "users", "must be at least 1, not " + users);
    }
    double rate = s.hasPath("arrival-rate") ? s.getDouble("arrival-rate") : 50;
    if (!(rate > 0)) {
      throw at(s, "arrival-rate", "must be positive (users per second), not " + rate);
    }
    Duration duration = s.hasPath("duration") ? positive(s, "duration") : null;
    Duration warmUp = s.hasPath("warm-up") ? positive(s, "warm-up") : null;
    if (warmUp != null && duration != null && warmUp.compareTo(duration) >= 0) {
      throw at(s, "warm-up", "must be shorter than the duration, or no sample would count");
    }
    Map<String, String> params = new LinkedHashMap<>();
    if (s.hasPath("params")) {
      for (Map.Entry<String, ConfigValue> p : s.getConfig("params").entrySet()) {
        if (!PARAM_NAME.matcher(p.getKey()).matches()) {
          throw at(s, "params", "parameter names are letters, digits, '.', '_' and '-'");
        }
        params.put(
            p.getKey(),
            argument(s, "params." + p.getKey(), String.valueOf(p.getValue().unwrapped())));
      }
    }
    List<String> asserts = s.hasPath("assert") ? s.getStringList("assert") : List.of();
    asserts.forEach(a -> argument(s, "assert", a));
    Duration timeout =
        s.hasPath("timeout")
            ? positive(s, "timeout")
            : duration == null ? Duration.ofMinutes(30) : duration.plusMinutes(5);
    return new ScenarioRun(name, users, rate, duration, warmUp, params, asserts, timeout);
  }

  private static void rejectUnknown(Config c, Set<String> known, String prefix) {
    for (String key : c.root().keySet()) {
      if (!known.contains(key)) {
        var origin = c.root().get(key).origin();
        throw new Invalid(
            place(origin)
                + ": unknown key '"
                + prefix
                + key
                + "'; known: "
                + String.join(", ", known.stream().sorted().toList()));
      }
    }
  }

  private static String nonBlank(Config c, String path) {
    String value = c.getString(path);
    if (value.isBlank()) {
      throw at(c, path, "must not be empty");
    }
    return value;
  }

  private static Duration positive(Config c, String path) {
    Duration d = c.getDuration(path);
    if (d.isNegative() || d.isZero()) {
      throw at(c, path, "must be a positive duration, e.g. 30s or 5m");
    }
    return d;
  }

  /**
   * {@code value}, which becomes an argument of the runner's command line, when it has no control
   * character (a newline, a NUL) and does not start with {@code -} (it would read as an option).
   */
  private static String argument(Config c, String path, String value) {
    if (value.chars().anyMatch(Character::isISOControl)) {
      throw at(c, path, "has a control character (a newline, a tab, a NUL)");
    }
    if (value.startsWith("-")) {
      throw at(c, path, "starts with '-', which the runner would read as an option");
    }
    return value;
  }

  private static String hostPort(Config c, String path, String text) {
    int colon = text.lastIndexOf(':');
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      if (colon < 1
          || port < 1
          || port > 65535
          || !HOST.matcher(text.substring(0, colon)).matches()) {
        throw new NumberFormatException();
      }
      return text;
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      throw at(c, path, "'" + text + "' is not HOST:PORT, e.g. \"127.0.0.1:\"${MURM_SUT_PORT}");
    }
  }

  /** Replaces {@code ${NAME}} and {@code ${?NAME}} of the pipeline's variables in {@code text}. */
  static String expand(String text, Map<String, String> vars) {
    for (Map.Entry<String, String> v : vars.entrySet()) {
      text =
          text.replace("${" + v.getKey() + "}", v.getValue())
              .replace("${?" + v.getKey() + "}", v.getValue());
    }
    return text;
  }

  /** An {@link Invalid} naming the file and line of {@code path} in {@code c} (or of {@code c}). */
  private static Invalid at(Config c, String path, String problem) {
    ConfigValue where = path != null && c.hasPathOrNull(path) ? c.getValue(path) : c.root();
    return new Invalid(place(where.origin()) + ": " + (path == null ? "" : path + ": ") + problem);
  }

  /** {@code file:line}. */
  private static String place(com.typesafe.config.ConfigOrigin origin) {
    return origin.lineNumber() > 0
        ? origin.description().replaceFirst(": \\d+(-\\d+)?$", "") + ":" + origin.lineNumber()
        : origin.description();
  }
}
