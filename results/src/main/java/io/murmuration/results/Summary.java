package io.murmuration.results;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one run, as written to {@code summary.json} (schema in {@code docs/results.md}).
 * Times are milliseconds rounded to 3 decimals (1 µs); a timer without samples has {@code count} 0
 * and {@code null} statistics, never a flattering 0.
 *
 * <p>{@link #metric(String)} reads a value by dotted path (the {@link RunMetric} vocabulary)
 * ({@code ttd.p99}, {@code messages.lost}, {@code errors.timeout}, {@code
 * actions.message.not_done}) for pass/fail assertions; {@link #metricPaths()} lists the paths.
 */
public record Summary(
    @JsonProperty("schema_version") int schemaVersion,
    @JsonProperty("run_id") String runId,
    String scenario,
    Map<String, String> params,
    String target,
    String transport,
    @JsonProperty("started_at") Instant startedAt,
    @JsonProperty("ended_at") Instant endedAt,
    @JsonProperty("duration_s") double durationS,
    @JsonProperty("warm_up_s") double warmUpS,
    String state,
    String failure,
    Exit exit,
    List<AssertionOutcome> assertions,
    Users users,
    Messages messages,
    @JsonProperty("messages_per_s") double messagesPerS,
    @JsonProperty("ttd_ms") Timing ttd,
    @JsonProperty("connect_ms") Timing connect,
    @JsonProperty("login_ms") Timing login,
    @JsonProperty("lag_ms") Timing lag,
    Map<String, Long> errors,
    @JsonProperty("errors_total") long errorsTotal,
    Map<String, ActionCount> actions,
    Runner runner,
    @JsonProperty("timers_ms") Map<String, Timing> timers,
    Map<String, Long> counters,
    @JsonProperty("metric_descriptions") Map<String, String> metricDescriptions,
    @JsonProperty("by_transport") Map<String, WireResult> byTransport,
    List<Node> nodes,
    Placement placement) {

  /** Bumped when a field changes meaning or disappears; adding a field keeps the version. */
  public static final int SCHEMA_VERSION = 1;

  /** The file name in the run folder. */
  public static final String FILE = "summary.json";

  public static final String FINISHED = "finished";
  public static final String FAILED = "failed";

  public Summary {
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params == null ? Map.of() : params));
    errors = Collections.unmodifiableMap(new TreeMap<>(errors == null ? Map.of() : errors));
    actions = Collections.unmodifiableMap(new TreeMap<>(actions == null ? Map.of() : actions));
    assertions = assertions == null ? List.of() : List.copyOf(assertions);
    timers = Collections.unmodifiableMap(new LinkedHashMap<>(timers == null ? Map.of() : timers));
    counters =
        Collections.unmodifiableMap(new LinkedHashMap<>(counters == null ? Map.of() : counters));
    metricDescriptions =
        Collections.unmodifiableMap(
            new LinkedHashMap<>(metricDescriptions == null ? Map.of() : metricDescriptions));
    byTransport =
        Collections.unmodifiableMap(
            new LinkedHashMap<>(byTransport == null ? Map.of() : byTransport));
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
  }

  /**
   * One worker node of a run spread over a cluster (empty list for a run in one process): which
   * users it ran, how its part ended, and what it cost, so that a saturated or lost node shows.
   *
   * @param node the host and port the node is known by in the cluster
   * @param ids the user ids it was given, as ranges ({@code 1-16667})
   * @param users how many users it was given
   * @param state {@code finished}, {@code failed}, or {@code lost} (left the cluster mid-run)
   * @param failure why its part failed or how it was lost; null otherwise
   * @param usersLost users connected on it when it was lost, counted as lost with it
   * @param cpuS CPU seconds the node's process used over the run; null when unknown
   * @param rssPeakMib its highest resident set size, MiB; null when unknown
   * @param lagP99Ms its scheduling lag p99: near the TTD p99, the node limits the run
   * @param clockOffsetMs its monotonic clock minus the coordinator's, measured by an NTP-style
   *     exchange; null when not measured
   * @param clockUncertaintyMs half the round trip of that exchange: the offset's error bound
   */
  /**
   * Where the run's processes ran: the CPUs the runner and the server under test were allowed on
   * (Linux CPU lists as in {@code taskset -c}, e.g. {@code "1"} or {@code "0-1"}). Two processes on
   * common CPUs take time from each other, and then a change of one shows in the other's numbers.
   *
   * @param cpusOnline the machine's online CPUs; null when unknown
   * @param runnerCpus the CPUs the runner may run on; null when unknown
   * @param servers each target that listens on this machine, with the process behind it; empty when
   *     the targets are elsewhere or their processes cannot be seen
   * @param shared true when the runner and a server may run on a common CPU, false when none can;
   *     null when no server was found
   */
  public record Placement(
      @JsonProperty("cpus_online") String cpusOnline,
      @JsonProperty("runner_cpus") String runnerCpus,
      List<ServerPlacement> servers,
      Boolean shared) {
    public Placement {
      servers = servers == null ? List.of() : List.copyOf(servers);
    }
  }

  /**
   * The process listening on a target on this machine.
   *
   * @param target the target, {@code host:port}
   * @param process its command name ({@code /proc/PID/comm}), e.g. {@code beam.smp}
   * @param cpus the CPUs it may run on
   */
  public record ServerPlacement(String target, String process, long pid, String cpus) {}

  public record Node(
      String node,
      String ids,
      int users,
      String state,
      String failure,
      @JsonProperty("users_lost") int usersLost,
      @JsonProperty("cpu_s") Double cpuS,
      @JsonProperty("rss_peak_mib") Double rssPeakMib,
      @JsonProperty("lag_p99_ms") Double lagP99Ms,
      @JsonProperty("clock_offset_ms") Double clockOffsetMs,
      @JsonProperty("clock_uncertainty_ms") Double clockUncertaintyMs) {}

  /**
   * What the users of one wire measured, in a run that spread its users over several ({@code
   * --transport mix}): their peak, their connect and login times, the time to deliver the messages
   * they received, and the scenario's timers recorded by them.
   */
  public record WireResult(
      @JsonProperty("users_peak") int usersPeak,
      @JsonProperty("connect_ms") Timing connect,
      @JsonProperty("login_ms") Timing login,
      @JsonProperty("ttd_ms") Timing ttd,
      @JsonProperty("timers_ms") Map<String, Timing> timers) {

    public WireResult {
      timers = Collections.unmodifiableMap(new LinkedHashMap<>(timers == null ? Map.of() : timers));
    }

    /** {@code users.peak}, {@code ttd.p99}, {@code timers.<name>.p99}, …; null when unknown. */
    Number metric(String path) {
      if (path.equals("users.peak")) {
        return usersPeak;
      }
      int dot = path.lastIndexOf('.');
      if (dot < 0) {
        return null;
      }
      String stat = path.substring(dot + 1);
      String timer = path.substring(0, dot);
      Timing t =
          switch (timer) {
            case "ttd" -> ttd;
            case "connect" -> connect;
            case "login" -> login;
            default ->
                timer.startsWith(TIMERS) ? timers.get(timer.substring(TIMERS.length())) : null;
          };
      return t == null ? null : t.stat(stat);
    }
  }

  /**
   * How the run ended for whoever started it: the process exit code and its meaning ({@link
   * ExitCode}). {@code null} only in a summary whose run was interrupted before it concluded.
   */
  public record Exit(int code, String meaning) {
    public static Exit of(ExitCode code) {
      return new Exit(code.code, code.meaning);
    }
  }

  /**
   * One {@code --assert} checked against this summary.
   *
   * @param expression as given, e.g. {@code ttd.p99 < 50ms}
   * @param metric its metric path, e.g. {@code ttd.p99}
   * @param measured the metric's value (times in ms); {@code null} when the run did not measure it
   * @param passed whether it held; a metric that was not measured fails
   */
  public record AssertionOutcome(
      String expression, String metric, Double measured, boolean passed) {}

  /**
   * This summary with the run's conclusion: each assertion checked against it, and the exit code
   * that follows — {@code failed} runs exit {@link ExitCode#RUN_FAILED}, finished ones {@link
   * ExitCode#OK} unless an assertion failed.
   */
  public Summary concluded(List<Assertion> checks) {
    List<AssertionOutcome> outcomes = new ArrayList<>();
    for (Assertion a : checks) {
      OptionalDouble measured = a.measured(this);
      outcomes.add(
          new AssertionOutcome(
              a.text(),
              a.metric(),
              measured.isPresent() ? measured.getAsDouble() : null,
              a.holds(this)));
    }
    ExitCode code =
        FAILED.equals(state)
            ? ExitCode.RUN_FAILED
            : outcomes.stream().allMatch(AssertionOutcome::passed)
                ? ExitCode.OK
                : ExitCode.ASSERTION_FAILED;
    return new Summary(
        schemaVersion,
        runId,
        scenario,
        params,
        target,
        transport,
        startedAt,
        endedAt,
        durationS,
        warmUpS,
        state,
        failure,
        Exit.of(code),
        outcomes,
        users,
        messages,
        messagesPerS,
        ttd,
        connect,
        login,
        lag,
        errors,
        errorsTotal,
        actions,
        runner,
        timers,
        counters,
        metricDescriptions,
        byTransport,
        nodes,
        placement);
  }

  /**
   * One kind of planned action: how many the scenario planned, did, and did not do by reason.
   *
   * @param notDone count by reason, only reasons that occurred
   * @param unaccounted planned − done − not done: lost track of (0 unless the runner has a bug)
   */
  public record ActionCount(
      long planned,
      long done,
      @JsonProperty("not_done") Map<String, Long> notDone,
      long unaccounted) {

    public ActionCount {
      notDone = Collections.unmodifiableMap(new TreeMap<>(notDone == null ? Map.of() : notDone));
    }

    /** Why the rest was not done: {@code run stopped 2, unaccounted for 1}; empty when none. */
    public String reasons() {
      List<String> why = new ArrayList<>();
      notDone.forEach((reason, n) -> why.add(reason + " " + n));
      if (unaccounted != 0) {
        why.add("unaccounted for " + unaccounted);
      }
      return String.join(", ", why);
    }

    /** Not done, whatever the reason. */
    public long notDoneTotal() {
      return notDone.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * @param target users the scenario aimed for
   * @param peak most users connected at the same time
   */
  public record Users(int target, int peak) {}

  /**
   * @param sent timed messages sent
   * @param received arrived on time; each has a TTD sample
   * @param late arrived but not timed: marked delayed by the server (offline storage) or stamped by
   *     another run
   * @param expected deliveries the sent messages should make: one per chat message (none for one to
   *     a user offline on purpose, as in the push scenario), one per room occupant a groupchat
   *     message reaches (so {@code sent} for one-to-one chat)
   * @param lost expected − received − late, at least 0: never arrived, or still in flight when the
   *     run ended
   * @param deliveredRatio (expected − lost) / expected; {@code null} when nothing was sent
   */
  public record Messages(
      long sent,
      long expected,
      long received,
      long late,
      long lost,
      @JsonProperty("delivered_ratio") Double deliveredRatio) {}

  /**
   * What the runner process itself cost (see {@code docs/results.md}); {@code null} in summaries
   * written before it existed.
   *
   * @param cpuS CPU seconds (user + system, all threads) from reporter start to finish; {@code
   *     null} when the CPU time cannot be read
   * @param cpuSPer1000Delivered cpuS / delivered × 1000; {@code null} when nothing was delivered
   * @param steadyCpuSPer1000Delivered the same over the intervals with every user connected (users
   *     at both ends of the interval == peak > 0); {@code null} when they delivered nothing
   * @param rssPeakMib highest resident set size seen at a sampling tick, MiB; {@code null} without
   *     {@code /proc}
   * @param rssPerUserKib rssPeakMib × 1024 / users.peak; {@code null} when either is missing or 0
   * @param threadsPeak most OS threads of the process seen at a sampling tick
   * @param cores processors available to the JVM
   * @param sendHolds times a user's sending was held because what it had written and the server had
   *     not yet read went above the high-water mark (back-pressure); 0 in summaries written before
   *     it existed
   */
  public record Runner(
      @JsonProperty("cpu_s") Double cpuS,
      @JsonProperty("cpu_s_per_1000_delivered") Double cpuSPer1000Delivered,
      @JsonProperty("steady_cpu_s_per_1000_delivered") Double steadyCpuSPer1000Delivered,
      @JsonProperty("rss_peak_mib") Double rssPeakMib,
      @JsonProperty("rss_per_user_kib") Double rssPerUserKib,
      @JsonProperty("threads_peak") int threadsPeak,
      int cores,
      @JsonProperty("send_holds") long sendHolds) {}

  /** Statistics of one timer over the whole run, in milliseconds; {@code null}s when count is 0. */
  public record Timing(
      long count,
      Double mean,
      Double p50,
      Double p90,
      Double p99,
      @JsonProperty("p99_9") Double p999,
      Double max) {

    /** The statistics a path can name: {@code timers.<name>.p99}, {@code ttd.p99}. */
    public static final List<String> STATS =
        List.of("count", "mean", "p50", "p90", "p99", "p99_9", "max");

    /** The statistic named as in {@link #STATS}, or null (unknown name, or no samples). */
    public Number stat(String name) {
      return switch (name) {
        case "count" -> count;
        case "mean" -> mean;
        case "p50" -> p50;
        case "p90" -> p90;
        case "p99" -> p99;
        case "p99_9" -> p999;
        case "max" -> max;
        default -> null;
      };
    }

    public static Timing of(Histogram nanos) {
      if (nanos.getTotalCount() == 0) {
        return new Timing(0, null, null, null, null, null, null);
      }
      return new Timing(
          nanos.getTotalCount(),
          round3(nanos.getMean() / 1e6),
          ms(nanos.getValueAtPercentile(50)),
          ms(nanos.getValueAtPercentile(90)),
          ms(nanos.getValueAtPercentile(99)),
          ms(nanos.getValueAtPercentile(99.9)),
          ms(nanos.getMaxValue()));
    }
  }

  /**
   * A value by dotted path, times in milliseconds. Empty when the path is unknown (see {@link
   * #isMetricPath}) or the value does not exist in this run (a percentile of a timer without
   * samples, the delivered ratio when nothing was sent, a {@code runner.} value that could not be
   * measured). {@code errors.<kind>} and {@code actions.<kind>.*} are 0 for a kind that never
   * occurred.
   */
  public OptionalDouble metric(String path) {
    RunMetric known = RunMetric.find(path);
    if (known != null) {
      Number value = known.of(this);
      return value == null ? OptionalDouble.empty() : OptionalDouble.of(value.doubleValue());
    }
    if (path.startsWith("errors.") && path.length() > "errors.".length()) {
      return OptionalDouble.of(errors.getOrDefault(path.substring("errors.".length()), 0L));
    }
    int field = path.lastIndexOf('.');
    if (path.startsWith(TIMERS) && field > TIMERS.length()) {
      Timing t = timers.get(path.substring(TIMERS.length(), field));
      Number value = t == null ? null : t.stat(path.substring(field + 1));
      return value == null ? OptionalDouble.empty() : OptionalDouble.of(value.doubleValue());
    }
    if (path.startsWith(BY_TRANSPORT)) {
      int wireEnd = path.indexOf('.', BY_TRANSPORT.length());
      WireResult w =
          wireEnd < 0 ? null : byTransport.get(path.substring(BY_TRANSPORT.length(), wireEnd));
      Number value = w == null ? null : w.metric(path.substring(wireEnd + 1));
      return value == null ? OptionalDouble.empty() : OptionalDouble.of(value.doubleValue());
    }
    if (path.startsWith(COUNTERS)) {
      Long n = counters.get(path.substring(COUNTERS.length()));
      return n == null ? OptionalDouble.empty() : OptionalDouble.of(n);
    }
    if (path.startsWith("actions.") && field > "actions.".length()) {
      ActionCount c = actions.get(path.substring("actions.".length(), field));
      return switch (path.substring(field + 1)) {
        case "planned" -> OptionalDouble.of(c == null ? 0 : c.planned());
        case "done" -> OptionalDouble.of(c == null ? 0 : c.done());
        case "not_done" -> OptionalDouble.of(c == null ? 0 : c.notDoneTotal());
        default -> OptionalDouble.empty();
      };
    }
    return OptionalDouble.empty();
  }

  /** The prefix of a scenario timer's paths: {@code timers.<name>.p99}. */
  public static final String TIMERS = "timers.";

  /**
   * The prefix of a wire's paths in a mixed run: {@code by_transport.<wire>.ttd.p99}, {@code
   * by_transport.<wire>.connect.p99}, {@code by_transport.<wire>.timers.<name>.p99}, {@code
   * by_transport.<wire>.users.peak}.
   */
  public static final String BY_TRANSPORT = "by_transport.";

  /** The prefix of a scenario counter's path: {@code counters.<name>}. */
  public static final String COUNTERS = "counters.";

  private static final List<String> ACTION_PATHS =
      List.of("actions.<kind>.planned", "actions.<kind>.done", "actions.<kind>.not_done");

  /**
   * Every path {@link #metric} knows, in a stable order: the {@link RunMetric}s, then {@code
   * errors.<kind>} and {@code actions.<kind>.…}, where {@code <kind>} stands for any kind.
   */
  public static List<String> metricPaths() {
    List<String> all = new ArrayList<>();
    RunMetric.values().forEach(m -> all.add(m.path()));
    all.add("errors.<kind>");
    all.addAll(ACTION_PATHS);
    Timing.STATS.forEach(stat -> all.add(TIMERS + "<name>." + stat));
    all.add(COUNTERS + "<name>");
    all.add(BY_TRANSPORT + "<wire>.users.peak");
    for (String timer : List.of("ttd", "connect", "login", TIMERS + "<name>")) {
      Timing.STATS.forEach(stat -> all.add(BY_TRANSPORT + "<wire>." + timer + "." + stat));
    }
    return List.copyOf(all);
  }

  /**
   * Whether {@link #metric} knows this path (then an empty result means "no value in this run").
   */
  public static boolean isMetricPath(String path) {
    int field = path.lastIndexOf('.');
    return RunMetric.find(path) != null
        || (path.startsWith("errors.") && path.length() > "errors.".length())
        || (path.startsWith(TIMERS)
            && field > TIMERS.length()
            && Timing.STATS.contains(path.substring(field + 1)))
        || (path.startsWith(COUNTERS) && path.length() > COUNTERS.length())
        || isWirePath(path)
        || (path.startsWith("actions.")
            && field > "actions.".length()
            && ACTION_PATHS.contains("actions.<kind>" + path.substring(field)));
  }

  private static boolean isWirePath(String path) {
    int wireEnd = path.indexOf('.', BY_TRANSPORT.length());
    if (!path.startsWith(BY_TRANSPORT) || wireEnd <= BY_TRANSPORT.length()) {
      return false;
    }
    String rest = path.substring(wireEnd + 1);
    int dot = rest.lastIndexOf('.');
    if (rest.equals("users.peak")) {
      return true;
    }
    if (dot < 0 || !Timing.STATS.contains(rest.substring(dot + 1))) {
      return false;
    }
    String timer = rest.substring(0, dot);
    return List.of("ttd", "connect", "login").contains(timer)
        || (timer.startsWith(TIMERS) && timer.length() > TIMERS.length());
  }

  public void write(Path file) throws IOException {
    SummaryJson.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
  }

  public static Summary read(Path file) throws IOException {
    return Objects.requireNonNull(SummaryJson.MAPPER.readValue(file.toFile(), Summary.class));
  }

  public static Double ms(long nanos) {
    return round3(nanos / 1e6);
  }

  public static double round3(double value) {
    return round(value, 3);
  }

  public static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
