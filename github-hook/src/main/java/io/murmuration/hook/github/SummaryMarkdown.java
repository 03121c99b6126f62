package io.murmuration.hook.github;

import io.murmuration.results.GrafanaLink;
import io.murmuration.results.RunMetric;
import io.murmuration.results.Summary;
import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The markdown a check run's summary and the sticky comment show for one run: a table of the key
 * metrics from its {@code summary.json}, the assertions and whether they hold, and links to the
 * Grafana Run dashboard and the run's {@code report.html}. Numbers are printed as {@code
 * summary.json} has them (milliseconds, 3 decimals), so the comment and the file agree to the
 * digit.
 *
 * @param grafana Grafana's base URL, or null: no dashboard link
 * @param runsBaseUrl where run folders are served ({@code <runsBaseUrl>/<run-id>/report.html}), or
 *     null: no report link
 */
public record SummaryMarkdown(URI grafana, URI runsBaseUrl) {

  /** Renders {@code s}, with its assertion outcomes when it has any. */
  public String render(Summary s) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "**%s** — %s in %s s, %s users%s%n%n",
            s.scenario(),
            s.state(),
            number(s.durationS()),
            count(s.users().peak()),
            s.failure() == null ? "" : ": " + s.failure()));
    b.append("| metric | value |\n|---|---:|\n");
    for (RunMetric t :
        List.of(RunMetric.TTD_P50, RunMetric.TTD_P90, RunMetric.TTD_P99, RunMetric.TTD_P99_9)) {
      row(b, t.label(), ms(t.of(s)));
    }
    Summary.Messages m = s.messages();
    row(b, RunMetric.MESSAGES_SENT.label(), count(m.sent()));
    String ratio =
        m.deliveredRatio() == null
            ? ""
            : " (" + number(BigDecimal.valueOf(m.deliveredRatio()).movePointRight(2)) + " %)";
    row(b, RunMetric.MESSAGES_DELIVERED.label(), count(m.received() + m.late()) + ratio);
    row(b, RunMetric.MESSAGES_LOST.label(), count(m.lost()));
    row(b, RunMetric.MESSAGES_PER_S.heading(), number(s.messagesPerS()));
    row(b, RunMetric.CONNECT_P99.label(), ms(RunMetric.CONNECT_P99.of(s)));
    row(b, RunMetric.LOGIN_P99.label(), ms(RunMetric.LOGIN_P99.of(s)));
    row(b, RunMetric.ERRORS_TOTAL.label(), errors(s));
    Summary.Runner r = s.runner();
    if (r != null) {
      row(
          b,
          RunMetric.byPath("runner.cpu_s").label(),
          r.cpuS() == null ? "n/a" : number(r.cpuS()) + " s on " + r.cores() + " cores");
      row(
          b,
          RunMetric.byPath("runner.rss_peak_mib").label(),
          r.rssPeakMib() == null ? "n/a" : number(r.rssPeakMib()) + " MiB");
    }
    if (!s.assertions().isEmpty()) {
      b.append("\n");
      for (Summary.AssertionOutcome a : s.assertions()) {
        b.append(a.passed() ? "- ✅ `" : "- ❌ `")
            .append(a.expression())
            .append("` — measured ")
            .append(a.measured() == null ? "nothing" : number(a.measured()))
            .append("\n");
      }
    }
    List<String> links = new ArrayList<>();
    if (grafana != null) {
      links.add(
          "[Grafana: Run dashboard]("
              + GrafanaLink.run(grafana, s.runId(), s.startedAt(), s.endedAt())
              + ")");
    }
    if (runsBaseUrl != null) {
      links.add(
          "[run report]("
              + runsBaseUrl.toString().replaceAll("/+$", "")
              + "/"
              + s.runId()
              + "/report.html)");
    }
    b.append("\n").append(links.isEmpty() ? "" : String.join(" · ", links) + " · ");
    b.append("run `").append(s.runId()).append("`\n");
    return b.toString();
  }

  private static void row(StringBuilder b, String name, String value) {
    b.append("| ").append(name).append(" | ").append(value).append(" |\n");
  }

  private static String ms(Number value) {
    return value == null ? "n/a" : number(value.doubleValue()) + " ms";
  }

  private static String errors(Summary s) {
    if (s.errorsTotal() == 0) {
      return "0";
    }
    return count(s.errorsTotal())
        + " ("
        + s.errors().entrySet().stream()
            .map(e -> e.getKey() + " " + count(e.getValue()))
            .collect(Collectors.joining(", "))
        + ")";
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** As written in summary.json, without exponent or trailing zeros: 22.528, 0.8, 180.12, 84. */
  public static String number(Number value) {
    return number(
        value instanceof Double || value instanceof Float
            ? BigDecimal.valueOf(value.doubleValue())
            : BigDecimal.valueOf(value.longValue()));
  }

  private static String number(BigDecimal value) {
    String plain = value.stripTrailingZeros().toPlainString();
    return plain.equals("-0") ? "0" : plain;
  }
}
