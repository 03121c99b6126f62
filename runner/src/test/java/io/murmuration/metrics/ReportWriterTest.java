package io.murmuration.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.murmuration.results.Summary;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReportWriterTest {

  private static final Pattern DATA =
      Pattern.compile(
          "<script type=\"application/json\" id=\"data\">(.*?)</script>", Pattern.DOTALL);

  private final SampleRun run = SampleRun.shared();
  private final String html = ReportWriter.render(run.summary, run.series, run.ttd);

  @Test
  void referencesNoExternalResource() {
    assertFalse(html.contains("http://"));
    assertFalse(html.contains("https://"));
    assertFalse(html.contains("<link"));
    assertFalse(html.contains("<img"));
    assertFalse(Pattern.compile("<script[^>]* src=").matcher(html).find());
    assertFalse(html.contains("@import"));
    assertFalse(html.contains("url("));
  }

  @Test
  void showsTheAssertionsOutcomesAndTheBooksOfPlannedActions() {
    Summary concluded =
        run.summary.concluded(
            List.of(
                io.murmuration.results.Assertion.parse("messages.lost == 0"),
                io.murmuration.results.Assertion.parse("ttd.p99 < 1us")));
    String page = ReportWriter.render(concluded, run.series, run.ttd);
    assertTrue(
        page.contains(
            "<tr><td><code>ttd.p99 &lt; 1us</code></td><td>"
                + run.summary.ttd().p99()
                + "</td><td><b>FAIL</b></td></tr>"),
        page);
    assertTrue(page.contains("<h2>Actions</h2>"), page);
    assertTrue(
        page.contains(
            "<tr><td>message</td><td>"
                + String.format(java.util.Locale.ROOT, "%,d", run.summary.messages().sent())),
        page);
    assertFalse(html.contains("<h2>Assertions</h2>"), "a run without --assert has no table");
  }

  @Test
  void fillsEveryTemplateSlot() {
    assertFalse(html.contains("{{"), "unfilled slot");
  }

  @Test
  void escapesParametersThatLookLikeMarkup() {
    assertFalse(html.contains("<script>alert"));
    assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; friends"));
  }

  @Test
  void embedsTheTimeSeriesAndTheTtdSpectrum() throws IOException {
    JsonNode data = data(html);
    JsonNode series = data.get("series");
    assertEquals(SampleRun.SECONDS, series.get("t").size());
    assertEquals(run.series.get(99).t(), series.get("t").get(99).asDouble());
    assertEquals(run.series.get(99).ttdP99(), series.get("ttdP99").get(99).asDouble());
    assertEquals(run.series.get(10).users(), series.get("users").get(10).asInt());
    assertEquals(
        run.series.stream().mapToLong(p -> p.errors().getOrDefault("timeout", 0L)).sum(),
        sum(series.get("errors").get("timeout")));
    JsonNode spectrum = data.get("distribution");
    assertTrue(spectrum.size() > 20);
    assertEquals(100.0, spectrum.get(spectrum.size() - 1).get("p").asDouble());
    assertEquals(run.summary.ttd().max(), spectrum.get(spectrum.size() - 1).get("ms").asDouble());
  }

  @Test
  void embedsTheRunnerSeriesAndShowsTheRunnerTable() throws IOException {
    JsonNode data = data(html);
    JsonNode series = data.get("series");
    SeriesPoint plateau = run.series.get(120);
    assertEquals(plateau.cpuCores(), series.get("cpuCores").get(120).asDouble());
    assertEquals(plateau.rssMib(), series.get("rssMib").get(120).asDouble());
    assertEquals(plateau.threads(), series.get("threads").get(120).asInt());
    assertEquals(SampleRun.CORES, data.get("cores").asInt());
    assertTrue(html.contains("<div id=\"runner-charts\""));
    Summary.Runner r = run.summary.runner();
    assertTrue(html.contains("<tr><td>RSS peak per user</td><td>" + r.rssPerUserKib() + " KiB"));
    assertTrue(html.contains("<tr><td>OS threads peak</td><td>" + r.threadsPeak() + "</td>"));
    assertTrue(html.contains("<tr><td>CPU in the busiest interval</td><td>1.9 cores</td>"));
  }

  @Test
  void warnsWhenTheRunnerSaturatedItsCoresAndOnlyThen() {
    // The sample run uses 1.9 of its 2 cores during its ten-second spike.
    assertTrue(html.contains("of its 2 cores in 10 of 180 intervals"), "warning");
    List<SeriesPoint> calm = run.series.stream().filter(p -> p.cpuCores() < 1.5).toList();
    assertFalse(ReportWriter.render(run.summary, calm, run.ttd).contains("class=\"warn\""));
  }

  @Test
  void showsTheScenariosTimersAmongTheTimingsAndItsCountersWithTheirMeaning() {
    Summary.Timing ping = run.summary.timers().get("ping_rtt");
    assertTrue(
        html.contains(
            "<tr><td><span title=\"round trip of a XEP-0199 ping\">ping_rtt</span></td><td>"
                + String.format(java.util.Locale.ROOT, "%,d", ping.count())),
        html);
    assertTrue(html.contains("<h2>Counters</h2>"), html);
    assertTrue(
        html.contains(
            "<tr><td>pongs</td><td>"
                + String.format(java.util.Locale.ROOT, "%,d", run.summary.counters().get("pongs"))),
        html);
    assertTrue(html.contains("<td>pings answered</td>"), html);
  }

  @Test
  void namesEachWorkerNodeWithItsStateAndCost() {
    assertTrue(html.contains("<h2>Worker nodes</h2>"), html);
    assertTrue(
        html.contains(
            "<tr><td>127.0.0.2:25521</td><td>1-150</td><td>finished</td><td>0</td><td>4.2</td>"),
        html);
    assertTrue(
        html.contains(
            "<tr><td>127.0.0.3:25521</td><td>151-300</td>"
                + "<td title=\"left the cluster mid-run\">lost</td><td>140</td>"),
        html);
  }

  @Test
  void showsTheWholeRunPercentileTable() {
    for (String p : List.of("min", "p50", "p75", "p90", "p95", "p99", "p99.9", "p99.99", "max")) {
      assertTrue(html.contains("<tr><td>" + p + "</td>"), p);
    }
    assertTrue(html.contains("<td>" + run.summary.ttd().p99() + "</td>"));
  }

  @Test
  void anErrorKindCannotCloseTheDataScript() throws IOException {
    SeriesPoint hostile =
        new SeriesPoint(
            1,
            1,
            0,
            0,
            0,
            0,
            0,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            0,
            Map.of("</script><script>alert(1)", 2L));
    String page = ReportWriter.render(run.summary, List.of(hostile), run.ttd);
    assertEquals(2, page.split("</script>", -1).length - 1, "only the two real script ends");
    assertEquals(
        2, data(page).get("series").get("errors").get("</script><script>alert(1)").get(0).asInt());
  }

  @Test
  void aRunWithoutSamplesStillRenders() {
    String page = ReportWriter.render(run.summary, List.of(), new org.HdrHistogram.Histogram(3));
    assertTrue(page.contains("\"distribution\":[]"));
    assertTrue(page.contains("\"t\":[]"));
  }

  private static JsonNode data(String page) throws IOException {
    Matcher m = DATA.matcher(page);
    assertTrue(m.find(), "data script");
    return new ObjectMapper().readTree(m.group(1));
  }

  private static long sum(JsonNode array) {
    long total = 0;
    for (JsonNode n : array) {
      total += n.asLong();
    }
    return total;
  }
}
