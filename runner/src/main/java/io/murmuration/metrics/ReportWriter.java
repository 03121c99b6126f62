package io.murmuration.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.murmuration.results.Html;
import io.murmuration.results.Summary;
import io.murmuration.results.Summary.Timing;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Writes {@code report.html}: one self-contained page (inline CSS and JavaScript, charts drawn as
 * SVG in the browser, no external resource) from the template {@code report.html} next to this
 * class. The header and tables are rendered here with every run-supplied string HTML-escaped; the
 * time series (with the runner's own CPU, RSS and threads), the runner's core count and the TTD
 * percentile spectrum are embedded as JSON for the charts.
 */
public final class ReportWriter {

  /** Percentiles of the whole-run TTD table. */
  static final double[] DISTRIBUTION = {0, 50, 75, 90, 95, 99, 99.9, 99.99, 100};

  /** Share of the available cores from which an interval counts as runner-saturated. */
  static final double SATURATED = 0.9;

  private static final Pattern SLOT = Pattern.compile("\\{\\{(\\w+)}}");

  private ReportWriter() {}

  /**
   * @param ttdNanos the whole-run TTD histogram, in nanoseconds
   */
  public static void write(Path file, Summary summary, List<SeriesPoint> series, Histogram ttdNanos)
      throws IOException {
    Files.writeString(file, render(summary, series, ttdNanos), StandardCharsets.UTF_8);
  }

  static String render(Summary summary, List<SeriesPoint> series, Histogram ttdNanos) {
    Map<String, String> slots = new LinkedHashMap<>();
    slots.put("title", esc("Murmuration · " + summary.scenario() + " · " + summary.runId()));
    slots.put("header", header(summary));
    slots.put("summary", summaryTables(summary, series));
    slots.put("distribution", distributionTable(ttdNanos));
    slots.put("data", data(series, ttdNanos, summary.runner()));
    Matcher m = SLOT.matcher(template());
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(slots.getOrDefault(m.group(1), "")));
    }
    return m.appendTail(out).toString();
  }

  private static String header(Summary s) {
    StringBuilder h = new StringBuilder();
    h.append("<header><h1>")
        .append(esc(s.scenario()))
        .append(" <span class=\"state ")
        .append(esc(s.state()))
        .append("\">")
        .append(esc(s.state()))
        .append("</span></h1><div class=\"sub\">run ")
        .append(esc(s.runId()))
        .append("</div>");
    if (s.failure() != null) {
      h.append("<div class=\"failure\">").append(esc(s.failure())).append("</div>");
    }
    h.append("</header><div class=\"cols\"><div><h2>Run</h2><table class=\"kv\">");
    row(h, "target", s.target());
    row(h, "transport", s.transport());
    row(h, "started", s.startedAt().toString());
    row(h, "ended", s.endedAt().toString());
    row(h, "duration", num(s.durationS()) + " s");
    h.append("</table></div><div><h2>Parameters</h2><table class=\"kv\">");
    s.params().forEach((k, v) -> row(h, k, v));
    if (s.params().isEmpty()) {
      row(h, "(none)", "");
    }
    return h.append("</table></div></div>").toString();
  }

  private static String summaryTables(Summary s, List<SeriesPoint> series) {
    Summary.Messages m = s.messages();
    StringBuilder h = new StringBuilder("<div class=\"tiles\">");
    tile(h, s.ttd().p99() == null ? "–" : num(s.ttd().p99()) + " ms", "TTD p99");
    tile(h, s.ttd().p50() == null ? "–" : num(s.ttd().p50()) + " ms", "TTD p50");
    tile(h, String.format(Locale.ROOT, "%,.1f", s.messagesPerS()), "delivered msg/s");
    tile(h, m.deliveredRatio() == null ? "–" : num(100 * m.deliveredRatio()) + " %", "delivered");
    tile(h, s.users().peak() + " / " + s.users().target(), "users peak / target");
    tile(h, count(s.errorsTotal()), "errors");
    h.append("</div>");
    saturation(h, s.runner(), series);
    h.append("<div class=\"cols\"><div><h2>Messages</h2><table><tbody>");
    h.append(tr("sent", count(m.sent())));
    if (m.expected() != m.sent()) {
      h.append(tr("deliveries expected (one per room occupant)", count(m.expected())));
    }
    h.append(tr("received on time (timed)", count(m.received())));
    h.append(tr("late (delayed or other run, not timed)", count(m.late())));
    h.append(tr("lost or in flight at end", count(m.lost())));
    h.append(
        tr("delivered ratio", m.deliveredRatio() == null ? "–" : m.deliveredRatio().toString()));
    h.append(tr("delivered per second", num(s.messagesPerS())));
    h.append("</tbody></table></div><div><h2>Errors</h2><table><tbody>");
    s.errors().forEach((kind, n) -> h.append(tr(esc(kind), count(n))));
    h.append(tr("<b>total</b>", "<b>" + count(s.errorsTotal()) + "</b>"));
    h.append("</tbody></table></div>");
    runnerTable(h, s.runner(), series);
    h.append("</div><h2>Timings (ms)</h2><table><thead><tr>");
    for (String col : List.of("", "count", "mean", "p50", "p90", "p99", "p99.9", "max")) {
      h.append("<th>").append(col).append("</th>");
    }
    h.append("</tr></thead><tbody>");
    timingRow(h, "time to delivery", s.ttd());
    timingRow(h, "connect", s.connect());
    timingRow(h, "login", s.login());
    timingRow(h, "scheduling lag", s.lag());
    s.timers()
        .forEach(
            (name, t) ->
                timingRow(
                    h,
                    "<span title=\""
                        + esc(s.metricDescriptions().getOrDefault(name, ""))
                        + "\">"
                        + esc(name)
                        + "</span>",
                    t));
    h.append("</tbody></table>");
    if (!s.counters().isEmpty()) {
      h.append("<h2>Counters</h2><table><thead><tr><th></th><th>total</th><th>per second</th>");
      h.append("<th>meaning</th></tr></thead><tbody>");
      s.counters()
          .forEach(
              (name, n) ->
                  h.append("<tr><td>")
                      .append(esc(name))
                      .append("</td><td>")
                      .append(count(n))
                      .append("</td><td>")
                      .append(s.durationS() > 0 ? num(Summary.round3(n / s.durationS())) : "–")
                      .append("</td><td>")
                      .append(esc(s.metricDescriptions().getOrDefault(name, "")))
                      .append("</td></tr>"));
      h.append("</tbody></table>");
    }
    wiresTable(h, s);
    nodesTable(h, s.nodes());
    assertionsTable(h, s.assertions());
    actionsTable(h, s.actions());
    return h.toString();
  }

  /** A run over several wires: each wire's users, their connect, login, TTD and own timers. */
  private static void wiresTable(StringBuilder h, Summary s) {
    if (s.byTransport().isEmpty()) {
      return;
    }
    h.append("<h2>By transport</h2><table><thead><tr><th>wire</th><th>users peak</th>");
    for (String col : List.of("connect p50", "connect p99", "login p50", "login p99", "TTD p50")) {
      h.append("<th>").append(col).append(" (ms)</th>");
    }
    h.append("<th>TTD p99 (ms)</th>");
    s.timers()
        .keySet()
        .forEach(name -> h.append("<th>").append(esc(name)).append(" p99 (ms)</th>"));
    h.append("</tr></thead><tbody>");
    s.byTransport()
        .forEach(
            (wire, w) -> {
              h.append("<tr><td>").append(esc(wire)).append("</td><td>").append(w.usersPeak());
              for (Double v :
                  new Double[] {
                    w.connect().p50(),
                    w.connect().p99(),
                    w.login().p50(),
                    w.login().p99(),
                    w.ttd().p50(),
                    w.ttd().p99()
                  }) {
                h.append("</td><td>").append(num(v));
              }
              s.timers()
                  .keySet()
                  .forEach(
                      name -> {
                        Timing t = w.timers().get(name);
                        h.append("</td><td>").append(num(t == null ? null : t.p99()));
                      });
              h.append("</td></tr>");
            });
    h.append("</tbody></table>");
  }

  /**
   * A run over worker nodes: each node's users and state, and what it cost, so that a lost or
   * saturated node (lag p99 near the TTD p99) shows.
   */
  private static void nodesTable(StringBuilder h, List<Summary.Node> nodes) {
    if (nodes.isEmpty()) {
      return;
    }
    h.append("<h2>Worker nodes</h2><table><thead><tr><th>node</th><th>user ids</th>");
    for (String col :
        List.of(
            "state",
            "users lost",
            "CPU (s)",
            "RSS peak (MiB)",
            "lag p99 (ms)",
            "clock offset (ms)",
            "± (ms)")) {
      h.append("<th>").append(col).append("</th>");
    }
    h.append("</tr></thead><tbody>");
    for (Summary.Node n : nodes) {
      h.append("<tr><td>")
          .append(esc(n.node()))
          .append("</td><td>")
          .append(esc(n.ids()))
          .append("</td><td")
          .append(n.failure() == null ? ">" : " title=\"" + esc(n.failure()) + "\">")
          .append(esc(n.state()))
          .append("</td><td>")
          .append(n.usersLost());
      for (Double v :
          new Double[] {
            n.cpuS(), n.rssPeakMib(), n.lagP99Ms(), n.clockOffsetMs(), n.clockUncertaintyMs()
          }) {
        h.append("</td><td>").append(num(v));
      }
      h.append("</td></tr>");
    }
    h.append("</tbody></table>");
  }

  /** The run's {@code --assert}s: each expression, the value measured and whether it held. */
  private static void assertionsTable(StringBuilder h, List<Summary.AssertionOutcome> checks) {
    if (checks.isEmpty()) {
      return;
    }
    h.append("<h2>Assertions</h2><table><thead><tr><th></th><th>measured</th><th></th></tr>");
    h.append("</thead><tbody>");
    for (Summary.AssertionOutcome a : checks) {
      h.append("<tr><td><code>")
          .append(esc(a.expression()))
          .append("</code></td><td>")
          .append(a.measured() == null ? "not measured" : num(a.measured()))
          .append("</td><td>")
          .append(a.passed() ? "PASS" : "<b>FAIL</b>")
          .append("</td></tr>");
    }
    h.append("</tbody></table>");
  }

  /** The books of planned actions: planned, done, and not done with the reasons. */
  private static void actionsTable(StringBuilder h, Map<String, Summary.ActionCount> actions) {
    if (actions.isEmpty()) {
      return;
    }
    h.append("<h2>Actions</h2><table><thead><tr>");
    for (String col : List.of("", "planned", "done", "not done", "why not")) {
      h.append("<th>").append(col).append("</th>");
    }
    h.append("</tr></thead><tbody>");
    actions.forEach(
        (kind, c) -> {
          h.append("<tr><td>")
              .append(esc(kind))
              .append("</td><td>")
              .append(count(c.planned()))
              .append("</td><td>")
              .append(count(c.done()))
              .append("</td><td>")
              .append(count(c.notDoneTotal()))
              .append("</td><td>")
              .append(esc(c.reasons()))
              .append("</td></tr>");
        });
    h.append("</tbody></table>");
  }

  /** The runner's own cost; nothing for a summary written before it was measured. */
  private static void runnerTable(StringBuilder h, Summary.Runner r, List<SeriesPoint> series) {
    if (r == null) {
      return;
    }
    Double busiest =
        series.stream()
            .map(SeriesPoint::cpuCores)
            .filter(v -> v != null)
            .max(Double::compare)
            .orElse(null);
    h.append("<div><h2>Runner (load generator)</h2><table><tbody>");
    h.append(tr("CPU time", unit(r.cpuS(), " s")));
    h.append(tr("CPU per 1,000 delivered", unit(r.cpuSPer1000Delivered(), " s")));
    h.append(
        tr("CPU per 1,000 delivered, all users on", unit(r.steadyCpuSPer1000Delivered(), " s")));
    h.append(tr("RSS peak", unit(r.rssPeakMib(), " MiB")));
    h.append(tr("RSS peak per user", unit(r.rssPerUserKib(), " KiB")));
    h.append(tr("OS threads peak", count(r.threadsPeak())));
    h.append(tr("sends held by back-pressure", count(r.sendHolds())));
    h.append(tr("CPU in the busiest interval", unit(busiest, " cores")));
    h.append(tr("cores available", count(r.cores())));
    h.append("</tbody></table></div>");
  }

  /**
   * A warning when the runner's CPU reached {@link #SATURATED} of its cores in some interval: then
   * the runner, not the server, may have limited the load and lengthened the latencies.
   */
  private static void saturation(StringBuilder h, Summary.Runner r, List<SeriesPoint> series) {
    if (r == null || r.cores() <= 0 || series.isEmpty()) {
      return;
    }
    long busy =
        series.stream()
            .filter(p -> p.cpuCores() != null && p.cpuCores() >= SATURATED * r.cores())
            .count();
    if (busy > 0) {
      h.append("<div class=\"warn\">The runner used at least ")
          .append(num(100 * SATURATED))
          .append(" % of its ")
          .append(r.cores())
          .append(" cores in ")
          .append(busy)
          .append(" of ")
          .append(series.size())
          .append(" intervals: there the load generator, not the server, may have been the")
          .append(" bottleneck (see Runner health and the scheduling lag). Give the runner more")
          .append(" cores or spread the users over more runner nodes.</div>");
    }
  }

  private static String unit(Double value, String unit) {
    return value == null ? "–" : num(value) + unit;
  }

  private static String distributionTable(Histogram ttd) {
    StringBuilder h = new StringBuilder("<table><thead><tr><th>percentile</th><th>TTD (ms)</th>");
    h.append("</tr></thead><tbody>");
    for (double p : DISTRIBUTION) {
      String value = "–";
      if (ttd.getTotalCount() > 0) {
        long nanos =
            p == 0 ? ttd.getMinValue() : p == 100 ? ttd.getMaxValue() : ttd.getValueAtPercentile(p);
        value = num(Summary.ms(nanos));
      }
      h.append(tr(p == 0 ? "min" : p == 100 ? "max" : "p" + num(p), value));
    }
    return h.append("</tbody></table>").toString();
  }

  /**
   * The charts' data as script-safe JSON: the series by column, and the TTD percentile spectrum.
   */
  static String data(List<SeriesPoint> series, Histogram ttd, Summary.Runner runner) {
    Map<String, Object> columns = new LinkedHashMap<>();
    column(columns, series, "t", SeriesPoint::t);
    column(columns, series, "users", SeriesPoint::users);
    column(columns, series, "usersTarget", SeriesPoint::usersTarget);
    column(columns, series, "sentPerS", SeriesPoint::sentPerS);
    column(columns, series, "deliveredPerS", SeriesPoint::deliveredPerS);
    column(columns, series, "ttdCount", SeriesPoint::ttdCount);
    column(columns, series, "ttdP50", SeriesPoint::ttdP50);
    column(columns, series, "ttdP90", SeriesPoint::ttdP90);
    column(columns, series, "ttdP99", SeriesPoint::ttdP99);
    column(columns, series, "ttdMax", SeriesPoint::ttdMax);
    column(columns, series, "connectP50", SeriesPoint::connectP50);
    column(columns, series, "connectP99", SeriesPoint::connectP99);
    column(columns, series, "lagP99", SeriesPoint::lagP99);
    column(columns, series, "cpuCores", SeriesPoint::cpuCores);
    column(columns, series, "rssMib", SeriesPoint::rssMib);
    column(columns, series, "threads", SeriesPoint::threads);
    Map<String, List<Long>> errors = new LinkedHashMap<>();
    TreeSet<String> kinds = new TreeSet<>();
    series.forEach(p -> kinds.addAll(p.errors().keySet()));
    for (String kind : kinds) {
      errors.put(kind, series.stream().map(p -> p.errors().getOrDefault(kind, 0L)).toList());
    }
    columns.put("errors", errors);
    List<Map<String, Double>> spectrum = new ArrayList<>();
    if (ttd.getTotalCount() > 0) {
      for (HistogramIterationValue v : ttd.percentiles(5)) {
        spectrum.add(
            Map.of(
                "p", v.getPercentileLevelIteratedTo(), "ms", Summary.ms(v.getValueIteratedTo())));
      }
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("series", columns);
    data.put("distribution", spectrum);
    data.put("cores", runner == null ? null : runner.cores());
    try {
      String json = io.murmuration.results.SummaryJson.MAPPER.writeValueAsString(data);
      return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void column(
      Map<String, Object> columns,
      List<SeriesPoint> series,
      String name,
      Function<SeriesPoint, Object> value) {
    List<Object> values = new ArrayList<>(series.size());
    series.forEach(p -> values.add(value.apply(p)));
    columns.put(name, values);
  }

  private static void timingRow(StringBuilder h, String name, Timing t) {
    h.append("<tr><td>").append(name).append("</td><td>").append(count(t.count()));
    for (Double v : new Double[] {t.mean(), t.p50(), t.p90(), t.p99(), t.p999(), t.max()}) {
      h.append("</td><td>").append(num(v));
    }
    h.append("</td></tr>");
  }

  private static void row(StringBuilder h, String key, String value) {
    h.append(tr(esc(key), esc(value)));
  }

  private static String tr(String keyHtml, String valueHtml) {
    return "<tr><td>" + keyHtml + "</td><td>" + valueHtml + "</td></tr>";
  }

  private static void tile(StringBuilder h, String value, String label) {
    h.append("<div class=\"tile\"><b>").append(esc(value)).append("</b><span>");
    h.append(esc(label)).append("</span></div>");
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** A number with up to 3 decimals and no trailing zeros; "–" for none. */
  private static String num(Double value) {
    if (value == null) {
      return "–";
    }
    return new BigDecimal(String.format(Locale.ROOT, "%.3f", value))
        .stripTrailingZeros()
        .toPlainString();
  }

  private static String esc(String text) {
    return Html.escape(text);
  }

  private static String template() {
    try (InputStream in = ReportWriter.class.getResourceAsStream("report.html")) {
      if (in == null) {
        throw new IllegalStateException("report.html template missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
