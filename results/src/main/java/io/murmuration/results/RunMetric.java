package io.murmuration.results;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The metric vocabulary: every number of a run, named once. Its {@link #path} ({@code ttd.p99}) is
 * the one name users write — in {@code --assert}, {@code murm compare --tolerance}, a repository's
 * {@code gate.tolerance} — and every other spelling derives from it here: the field of the InfluxDB
 * {@code run} point ({@code ttd_p99_ms}, which the dashboards query), and the label of console,
 * check-run and comment tables ({@code TTD p99}).
 *
 * <p>Counts of kinds that vary by run are not listed: {@code errors.<kind>} and {@code
 * actions.<kind>.planned|done|not_done} (see {@link Summary#metric}).
 *
 * @param path the dotted name, as in {@code summary.json} (times there under {@code ttd_ms}, …)
 * @param label for people, e.g. {@code TTD p99}
 * @param unit {@code ms}, {@code s}, {@code msg/s}, {@code MiB}, {@code KiB} or empty for counts
 *     and ratios
 * @param field the field of the InfluxDB {@code run} point, or null when it is not written there
 * @param value reads it from a summary: null when the run did not measure it
 */
public record RunMetric(
    String path, String label, String unit, String field, Function<Summary, Number> value) {

  private static final Map<String, RunMetric> ALL = all();

  public static final RunMetric TTD_P50 = byPath("ttd.p50");
  public static final RunMetric TTD_P90 = byPath("ttd.p90");
  public static final RunMetric TTD_P99 = byPath("ttd.p99");
  public static final RunMetric TTD_P99_9 = byPath("ttd.p99_9");
  public static final RunMetric CONNECT_P99 = byPath("connect.p99");
  public static final RunMetric LOGIN_P99 = byPath("login.p99");
  public static final RunMetric LAG_P99 = byPath("lag.p99");
  public static final RunMetric USERS_PEAK = byPath("users.peak");
  public static final RunMetric MESSAGES_SENT = byPath("messages.sent");
  public static final RunMetric MESSAGES_DELIVERED = byPath("messages.delivered");
  public static final RunMetric MESSAGES_LOST = byPath("messages.lost");
  public static final RunMetric MESSAGES_PER_S = byPath("messages_per_s");
  public static final RunMetric ERRORS_TOTAL = byPath("errors.total");

  /** This metric's value in {@code s}, or null when the run did not measure it. */
  public Number of(Summary s) {
    return value.apply(s);
  }

  /** The label with its unit, for a table header: {@code TTD p99 (ms)}. */
  public String heading() {
    return unit.isEmpty() ? label : label + " (" + unit + ")";
  }

  /** Every metric, in a stable order. */
  public static List<RunMetric> values() {
    return List.copyOf(ALL.values());
  }

  /** The metric of {@code path}, or null. */
  public static RunMetric find(String path) {
    return ALL.get(path);
  }

  /** The metric written as field {@code field} of the InfluxDB {@code run} point, or null. */
  public static RunMetric byField(String field) {
    return ALL.values().stream().filter(m -> field.equals(m.field())).findFirst().orElse(null);
  }

  /** The metric of {@code path}; throws when there is none. */
  public static RunMetric byPath(String path) {
    RunMetric m = ALL.get(path);
    if (m == null) {
      throw new IllegalStateException("no metric " + path);
    }
    return m;
  }

  private static Map<String, RunMetric> all() {
    List<RunMetric> l = new ArrayList<>();
    timer(l, "ttd", "TTD", Summary::ttd, true);
    timer(l, "connect", "connect", Summary::connect, false);
    timer(l, "login", "login", Summary::login, false);
    timer(l, "lag", "lag", Summary::lag, false);
    Summary.Messages none = new Summary.Messages(0, 0, 0, 0, 0, null);
    Function<Summary, Summary.Messages> m = s -> s.messages() == null ? none : s.messages();
    l.add(count("messages.sent", "messages sent", "sent", s -> m.apply(s).sent()));
    l.add(
        count("messages.expected", "deliveries expected", "expected", s -> m.apply(s).expected()));
    l.add(
        count("messages.received", "messages received on time", null, s -> m.apply(s).received()));
    l.add(count("messages.late", "messages late", "late", s -> m.apply(s).late()));
    l.add(
        count(
            "messages.delivered",
            "messages delivered",
            "delivered",
            s -> m.apply(s).received() + m.apply(s).late()));
    l.add(count("messages.lost", "messages lost", "lost", s -> m.apply(s).lost()));
    l.add(
        new RunMetric(
            "messages.delivered_ratio",
            "delivered ratio",
            "",
            "delivered_ratio",
            s -> m.apply(s).deliveredRatio()));
    l.add(
        new RunMetric(
            "messages_per_s", "delivered per second", "msg/s", "msg_per_s", Summary::messagesPerS));
    l.add(new RunMetric("users.peak", "users peak", "", "users_peak", s -> s.users().peak()));
    l.add(
        new RunMetric("users.target", "users target", "", "users_target", s -> s.users().target()));
    l.add(count("errors.total", "errors", "errors", Summary::errorsTotal));
    l.add(new RunMetric("duration_s", "duration", "s", "duration_s", Summary::durationS));
    l.add(runner("cpu_s", "runner CPU", "s", "runner_cpu_s", Summary.Runner::cpuS));
    l.add(
        runner(
            "cpu_s_per_1000_delivered",
            "runner CPU per 1,000 delivered",
            "s",
            null,
            Summary.Runner::cpuSPer1000Delivered));
    l.add(
        runner(
            "steady_cpu_s_per_1000_delivered",
            "runner steady CPU per 1,000 delivered",
            "s",
            null,
            Summary.Runner::steadyCpuSPer1000Delivered));
    l.add(
        runner(
            "rss_peak_mib",
            "runner RSS peak",
            "MiB",
            "runner_rss_peak_mib",
            Summary.Runner::rssPeakMib));
    l.add(
        runner(
            "rss_per_user_kib", "runner RSS per user", "KiB", null, Summary.Runner::rssPerUserKib));
    l.add(
        runner(
            "threads_peak",
            "runner threads peak",
            "",
            "runner_threads_peak",
            Summary.Runner::threadsPeak));
    l.add(
        runner(
            "send_holds",
            "sends held by back-pressure",
            "",
            "runner_send_holds",
            Summary.Runner::sendHolds));
    Map<String, RunMetric> byPath = new LinkedHashMap<>();
    l.forEach(r -> byPath.put(r.path(), r));
    return Collections.unmodifiableMap(byPath);
  }

  /**
   * A timer's statistics: {@code <key>.count|mean|p50|p90|p99|p99_9|max}; the InfluxDB run point
   * carries all of TTD's and the p50 and p99 of connect and login, the p99 of lag.
   */
  private static void timer(
      List<RunMetric> l,
      String key,
      String label,
      Function<Summary, Summary.Timing> timing,
      boolean allInInflux) {
    List<String> inInflux =
        allInInflux
            ? List.of("count", "mean", "p50", "p90", "p99", "p99_9", "max")
            : key.equals("lag") ? List.of("p99") : List.of("p50", "p99");
    Map<String, Function<Summary.Timing, Number>> stats = new LinkedHashMap<>();
    stats.put("count", Summary.Timing::count);
    stats.put("mean", Summary.Timing::mean);
    stats.put("p50", Summary.Timing::p50);
    stats.put("p90", Summary.Timing::p90);
    stats.put("p99", Summary.Timing::p99);
    stats.put("p99_9", Summary.Timing::p999);
    stats.put("max", Summary.Timing::max);
    stats.forEach(
        (stat, get) -> {
          boolean isCount = stat.equals("count");
          String field =
              !inInflux.contains(stat)
                  ? null
                  : key + "_" + stat.replace("p99_9", "p999") + (isCount ? "" : "_ms");
          l.add(
              new RunMetric(
                  key + "." + stat,
                  label + " " + stat.replace("p99_9", "p99.9"),
                  isCount ? "" : "ms",
                  field,
                  s -> timing.apply(s) == null ? null : get.apply(timing.apply(s))));
        });
  }

  private static RunMetric count(
      String path, String label, String field, Function<Summary, Number> value) {
    return new RunMetric(path, label, "", field, value);
  }

  private static RunMetric runner(
      String key, String label, String unit, String field, Function<Summary.Runner, Number> value) {
    return new RunMetric(
        "runner." + key,
        label,
        unit,
        field,
        s -> s.runner() == null ? null : value.apply(s.runner()));
  }
}
