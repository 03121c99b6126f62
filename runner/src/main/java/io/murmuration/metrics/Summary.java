package io.murmuration.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.murmuration.metrics.Metrics.Timer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one run, as written to {@code summary.json} (schema in {@code docs/results.md}).
 * Times are milliseconds rounded to 3 decimals (1 µs); a timer without samples has {@code count} 0
 * and {@code null} statistics, never a flattering 0.
 *
 * <p>{@link #metric(String)} reads a value by dotted path ({@code ttd.p99}, {@code messages.lost},
 * {@code errors.timeout}, {@code actions.message.not_done}) for pass/fail assertions; {@link
 * #metricPaths()} lists the paths.
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
    Runner runner) {

  /** Bumped when a field changes meaning or disappears; adding a field keeps the version. */
  public static final int SCHEMA_VERSION = 1;

  public static final String FINISHED = "finished";
  public static final String FAILED = "failed";

  public Summary {
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params == null ? Map.of() : params));
    errors = Collections.unmodifiableMap(new TreeMap<>(errors == null ? Map.of() : errors));
    actions = Collections.unmodifiableMap(new TreeMap<>(actions == null ? Map.of() : actions));
  }

  /**
   * One kind of planned action (see {@link Actions}).
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

    static ActionCount of(Actions.Count c) {
      return new ActionCount(c.planned(), c.done(), c.notDone(), c.unaccounted());
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
   * @param lost sent − received − late, at least 0: never arrived, or still in flight when the run
   *     ended
   * @param deliveredRatio (sent − lost) / sent; {@code null} when nothing was sent
   */
  public record Messages(
      long sent,
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
   */
  public record Runner(
      @JsonProperty("cpu_s") Double cpuS,
      @JsonProperty("cpu_s_per_1000_delivered") Double cpuSPer1000Delivered,
      @JsonProperty("steady_cpu_s_per_1000_delivered") Double steadyCpuSPer1000Delivered,
      @JsonProperty("rss_peak_mib") Double rssPeakMib,
      @JsonProperty("rss_per_user_kib") Double rssPerUserKib,
      @JsonProperty("threads_peak") int threadsPeak,
      int cores) {}

  /** Statistics of one timer over the whole run, in milliseconds; {@code null}s when count is 0. */
  public record Timing(
      long count,
      Double mean,
      Double p50,
      Double p90,
      Double p99,
      @JsonProperty("p99_9") Double p999,
      Double max) {

    static Timing of(Histogram nanos) {
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
   * Computes the summary from the run's last snapshot (for the counters) and the per-timer totals.
   *
   * @param runner the runner's own cost, from {@link RunnerHealth#summary}
   */
  static Summary of(
      RunInfo run,
      Instant endedAt,
      String state,
      String failure,
      Metrics.Snapshot last,
      Function<Timer, Histogram> totals,
      Runner runner) {
    if (!FINISHED.equals(state) && !FAILED.equals(state)) {
      throw new IllegalArgumentException("state must be finished or failed: " + state);
    }
    double durationS = round3(Duration.between(run.startedAt(), endedAt).toNanos() / 1e9);
    long delivered = last.received() + last.late();
    long lost = Math.max(0, last.sent() - delivered);
    Double ratio = last.sent() == 0 ? null : round(1.0 * (last.sent() - lost) / last.sent(), 6);
    return new Summary(
        SCHEMA_VERSION,
        run.runId(),
        run.scenario(),
        run.params(),
        run.target(),
        run.transport(),
        run.startedAt().truncatedTo(ChronoUnit.MILLIS),
        endedAt.truncatedTo(ChronoUnit.MILLIS),
        durationS,
        round3(run.warmUp().toNanos() / 1e9),
        state,
        failure,
        new Users(last.usersTarget(), last.usersPeak()),
        new Messages(last.sent(), last.received(), last.late(), lost, ratio),
        durationS > 0 ? round3(delivered / durationS) : 0,
        Timing.of(totals.apply(Timer.TTD)),
        Timing.of(totals.apply(Timer.CONNECT)),
        Timing.of(totals.apply(Timer.LOGIN)),
        Timing.of(totals.apply(Timer.LAG)),
        last.errors(),
        last.errorTotal(),
        actions(last.actions()),
        runner);
  }

  private static Map<String, ActionCount> actions(Map<String, Actions.Count> books) {
    Map<String, ActionCount> all = new TreeMap<>();
    books.forEach((kind, c) -> all.put(kind, ActionCount.of(c)));
    return all;
  }

  private static final Map<String, Function<Summary, Number>> PATHS = paths();

  private static Map<String, Function<Summary, Number>> paths() {
    Map<String, Function<Summary, Number>> p = new LinkedHashMap<>();
    Map<String, Function<Summary, Timing>> timers = new LinkedHashMap<>();
    timers.put(Timer.TTD.key, Summary::ttd);
    timers.put(Timer.CONNECT.key, Summary::connect);
    timers.put(Timer.LOGIN.key, Summary::login);
    timers.put(Timer.LAG.key, Summary::lag);
    timers.forEach(
        (key, timing) -> {
          p.put(key + ".count", s -> timing.apply(s).count());
          p.put(key + ".mean", s -> timing.apply(s).mean());
          p.put(key + ".p50", s -> timing.apply(s).p50());
          p.put(key + ".p90", s -> timing.apply(s).p90());
          p.put(key + ".p99", s -> timing.apply(s).p99());
          p.put(key + ".p99_9", s -> timing.apply(s).p999());
          p.put(key + ".max", s -> timing.apply(s).max());
        });
    p.put("messages.sent", s -> s.messages().sent());
    p.put("messages.received", s -> s.messages().received());
    p.put("messages.late", s -> s.messages().late());
    p.put("messages.lost", s -> s.messages().lost());
    p.put("messages.delivered_ratio", s -> s.messages().deliveredRatio());
    p.put("messages_per_s", Summary::messagesPerS);
    p.put("users.peak", s -> s.users().peak());
    p.put("users.target", s -> s.users().target());
    p.put("errors.total", Summary::errorsTotal);
    p.put("duration_s", Summary::durationS);
    Map<String, Function<Runner, Number>> runner = new LinkedHashMap<>();
    runner.put("cpu_s", Runner::cpuS);
    runner.put("cpu_s_per_1000_delivered", Runner::cpuSPer1000Delivered);
    runner.put("steady_cpu_s_per_1000_delivered", Runner::steadyCpuSPer1000Delivered);
    runner.put("rss_peak_mib", Runner::rssPeakMib);
    runner.put("rss_per_user_kib", Runner::rssPerUserKib);
    runner.put("threads_peak", Runner::threadsPeak);
    runner.forEach(
        (key, value) ->
            p.put("runner." + key, s -> s.runner() == null ? null : value.apply(s.runner())));
    return Collections.unmodifiableMap(p);
  }

  /**
   * A value by dotted path, times in milliseconds. Empty when the path is unknown (see {@link
   * #isMetricPath}) or the value does not exist in this run (a percentile of a timer without
   * samples, the delivered ratio when nothing was sent, a {@code runner.} value that could not be
   * measured). {@code errors.<kind>} and {@code actions.<kind>.*} are 0 for a kind that never
   * occurred.
   */
  public OptionalDouble metric(String path) {
    Function<Summary, Number> getter = PATHS.get(path);
    if (getter != null) {
      Number value = getter.apply(this);
      return value == null ? OptionalDouble.empty() : OptionalDouble.of(value.doubleValue());
    }
    if (path.startsWith("errors.") && path.length() > "errors.".length()) {
      return OptionalDouble.of(errors.getOrDefault(path.substring("errors.".length()), 0L));
    }
    int field = path.lastIndexOf('.');
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

  private static final List<String> ACTION_PATHS =
      List.of("actions.<kind>.planned", "actions.<kind>.done", "actions.<kind>.not_done");

  /**
   * Every path {@link #metric} knows, in a stable order; {@code errors.<kind>} stands for any kind.
   */
  public static List<String> metricPaths() {
    List<String> all = new ArrayList<>(PATHS.keySet());
    all.add("errors.<kind>");
    all.addAll(ACTION_PATHS);
    return List.copyOf(all);
  }

  /**
   * Whether {@link #metric} knows this path (then an empty result means "no value in this run").
   */
  public static boolean isMetricPath(String path) {
    int field = path.lastIndexOf('.');
    return PATHS.containsKey(path)
        || (path.startsWith("errors.") && path.length() > "errors.".length())
        || (path.startsWith("actions.")
            && field > "actions.".length()
            && ACTION_PATHS.contains("actions.<kind>" + path.substring(field)));
  }

  public void write(Path file) throws IOException {
    MetricsJson.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
  }

  public static Summary read(Path file) throws IOException {
    return Objects.requireNonNull(MetricsJson.MAPPER.readValue(file.toFile(), Summary.class));
  }

  public static Double ms(long nanos) {
    return round3(nanos / 1e6);
  }

  static double round3(double value) {
    return round(value, 3);
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
