package io.murmuration.gate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link Gate#compare} found: one {@link Comparison} per metric and the overall verdict, as
 * the terminal table ({@link #table()}) and as {@code compare.json} ({@link #json()}). Both carry
 * the same numbers, so a CI job can gate on either.
 *
 * @param baseErrorRate median error rate of the base runs (judged by a bound, not compared)
 */
public record Report(
    int baseRuns,
    int headRuns,
    List<Comparison> comparisons,
    double baseErrorRate,
    double headErrorRate,
    Verdict verdict,
    String reason,
    Settings settings) {

  /** A row of the table after its first column, which is as wide as the longest metric name. */
  private static final String ROW = " %14s %14s %8s %15s %8s  %s%n";

  /** The table, the footer with the bootstrap's seed, and the overall verdict with its reason. */
  public String table() {
    StringBuilder out = new StringBuilder();
    int width = 14;
    for (Comparison c : comparisons) {
      width = Math.max(width, c.metric().key.length());
    }
    String row = "%-" + width + "s" + ROW;
    String interval = Comparison.percent(settings.confidence()) + "% interval";
    out.append(
        String.format(
            row,
            "metric",
            "base (median)",
            "head (median)",
            "change",
            interval,
            "p-value",
            "verdict"));
    for (Comparison c : comparisons) {
      out.append(
          String.format(
              Locale.ROOT,
              row,
              c.metric().key,
              value(c.baseMedian(), c.metric()),
              value(c.headMedian(), c.metric()),
              change(c.estimate()),
              String.format(Locale.ROOT, "%.3f–%.3f", c.interval().low(), c.interval().high()),
              Comparison.pText(c.pValue()),
              c.verdict().label()));
    }
    out.append(
        String.format(
            Locale.ROOT,
            row,
            "error_rate",
            String.format(Locale.ROOT, "%.5f", baseErrorRate),
            String.format(Locale.ROOT, "%.5f", headErrorRate),
            "",
            "",
            "",
            "all runs ≤ " + settings.maxErrorRate()));
    out.append('\n');
    for (Comparison c : comparisons) {
      out.append(
          String.format(
              Locale.ROOT,
              "%s (tolerance %s %%): %s%n",
              c.metric().key,
              Comparison.percent(c.tolerance()),
              c.reason()));
    }
    out.append(method()).append('\n');
    out.append("verdict: ").append(verdict.label()).append(" — ").append(reason).append('\n');
    return out.toString();
  }

  /**
   * The same table as GitHub markdown, for the check run: a row per metric, the error-rate row, and
   * the reasons and the footer below it. Every cell comes from the same numbers as {@link
   * #table()}.
   */
  public String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("| metric | base (median) | head (median) | change | ")
        .append(Comparison.percent(settings.confidence()))
        .append("% interval | p-value | verdict |\n");
    md.append("|---|--:|--:|--:|--:|--:|---|\n");
    for (Comparison c : comparisons) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %.3f–%.3f | %s | %s |%n",
              c.metric().key,
              value(c.baseMedian(), c.metric()),
              value(c.headMedian(), c.metric()),
              change(c.estimate()),
              c.interval().low(),
              c.interval().high(),
              Comparison.pText(c.pValue()),
              c.verdict() == Verdict.SUCCESS
                  ? c.verdict().label()
                  : "**" + c.verdict().label() + "**"));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "| error rate | %.5f | %.5f | | | | all runs ≤ %s |%n%n",
            baseErrorRate,
            headErrorRate,
            settings.maxErrorRate()));
    for (Comparison c : comparisons) {
      md.append(
          String.format(
              Locale.ROOT,
              "- %s (tolerance %s %%): %s%n",
              c.metric().key,
              Comparison.percent(c.tolerance()),
              c.reason()));
    }
    md.append('\n').append(method()).append('\n');
    return md.toString();
  }

  /** True when every metric was judged as pairs of runs of the same round. */
  public boolean paired() {
    return !comparisons.isEmpty() && comparisons.stream().allMatch(Comparison::paired);
  }

  /** The footer: how many runs, whether paired, and how the interval and p-value were found. */
  String method() {
    if (paired()) {
      return String.format(
          Locale.ROOT,
          "base %d runs, head %d runs, paired by round; change and interval: the median of the"
              + " per-round ratios head/base, paired percentile bootstrap, %d resamples, seed %d;"
              + " p-value: sign test of the rounds where head is worse, two-sided, alpha %s",
          baseRuns,
          headRuns,
          settings.resamples(),
          settings.seed(),
          settings.alpha());
    }
    String why =
        !settings.paired()
            ? "not paired (--unpaired)"
            : baseRuns != headRuns
                ? "not paired (the arms have different numbers of runs)"
                : "not paired (a run has a value of 0)";
    return String.format(
        Locale.ROOT,
        "base %d runs, head %d runs, %s; change: median(head)/median(base); interval: percentile"
            + " bootstrap, %d resamples, seed %d; p-value: Mann–Whitney U, two-sided, alpha %s",
        baseRuns,
        headRuns,
        why,
        settings.resamples(),
        settings.seed(),
        settings.alpha());
  }

  /** {@code compare.json}: the same numbers as the table, unrounded; NaN and ∞ as null. */
  public Map<String, Object> json() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("verdict", verdict.label());
    root.put("reason", reason);
    root.put("base_runs", baseRuns);
    root.put("head_runs", headRuns);
    root.put("paired", paired());
    List<Object> metrics = new ArrayList<>();
    for (Comparison c : comparisons) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("metric", c.metric().key);
      m.put("unit", c.metric().unit);
      m.put("lower_is_better", c.metric().lowerIsBetter);
      m.put("tolerance", c.tolerance());
      m.put("base", c.base());
      m.put("head", c.head());
      m.put("paired", c.paired());
      m.put("base_median", number(c.baseMedian()));
      m.put("head_median", number(c.headMedian()));
      m.put("ratio", number(c.estimate()));
      m.put("interval_low", number(c.interval().low()));
      m.put("interval_high", number(c.interval().high()));
      m.put("p_value", number(c.pValue()));
      m.put("verdict", c.verdict().label());
      m.put("reason", c.reason());
      metrics.add(m);
    }
    root.put("metrics", metrics);
    root.put("error_rate", Map.of("base_median", baseErrorRate, "head_median", headErrorRate));
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("alpha", settings.alpha());
    s.put("confidence", settings.confidence());
    s.put("resamples", settings.resamples());
    s.put("seed", settings.seed());
    s.put("max_lag_ms", settings.maxLagMs());
    s.put("max_error_rate", settings.maxErrorRate());
    s.put("paired", settings.paired());
    root.put("settings", s);
    return root;
  }

  private static Double number(double d) {
    return Double.isFinite(d) ? d : null;
  }

  private static String value(double v, Metric m) {
    return String.format(Locale.ROOT, "%.3f %s", v, m.unit);
  }

  private static String change(double ratio) {
    return Double.isFinite(ratio) ? String.format(Locale.ROOT, "%+.1f%%", (ratio - 1) * 100) : "-";
  }
}
