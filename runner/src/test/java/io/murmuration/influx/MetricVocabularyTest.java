package io.murmuration.influx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.dashboards.MetricsSchema;
import io.murmuration.gate.Metric;
import io.murmuration.metrics.SampleRun;
import io.murmuration.results.Assertion;
import io.murmuration.results.RunMetric;
import io.murmuration.results.Summary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * One metric, one name: the vocabulary ({@link RunMetric}) is what {@code --assert} reads, what
 * {@code murm compare} compares, what the InfluxDB {@code run} point holds, and what
 * docs/metrics.md documents — which the dashboards may query and nothing else ({@code
 * DashboardFilesTest}).
 */
class MetricVocabularyTest {
  private static final Summary SAMPLE = SampleRun.shared().summary;

  @Test
  void everyMetricIsAnAssertionPathReadingTheSameValue() {
    for (RunMetric m : RunMetric.values()) {
      Assertion a = Assertion.parse(m.path() + " >= 0");
      assertEquals(m.path(), a.metric());
      Number value = m.of(SAMPLE);
      assertNotNull(value, m.path());
      assertEquals(value.doubleValue(), a.measured(SAMPLE).getAsDouble(), m.path());
    }
    assertEquals(
        RunMetric.values().stream().map(RunMetric::path).toList(),
        Summary.metricPaths().subList(0, RunMetric.values().size()));
  }

  @Test
  void whatMurmCompareComparesIsNamedByTheVocabulary() {
    for (Metric m : Metric.values()) {
      RunMetric named = RunMetric.find(m.key);
      assertNotNull(named, m.key);
      assertEquals(named.unit(), m.unit);
      assertEquals(named.of(SAMPLE).doubleValue(), m.of(SAMPLE).getAsDouble(), m.key);
    }
  }

  @Test
  void theRunPointHoldsExactlyTheVocabularysFieldsWithTheirValues() {
    String line =
        new LinePoints("r1", "one-to-one", RunTags.parse(List.of("repo=acme/chat"), "h"))
            .run(SAMPLE);
    Map<String, String> fields = fields(line);
    Set<String> expected = new TreeSet<>(Set.of("state"));
    for (RunMetric m : RunMetric.values()) {
      if (m.field() != null && m.of(SAMPLE) != null) {
        expected.add(m.field());
        String written = fields.get(m.field()).replaceAll("i$", "");
        assertEquals(m.of(SAMPLE).doubleValue(), Double.parseDouble(written), m.field());
      }
    }
    assertEquals(expected, new TreeSet<>(fields.keySet()));
  }

  @Test
  void docsMetricsMdListsExactlyTheRunPointsFields() {
    MetricsSchema schema = MetricsSchema.read(Path.of("..", "docs", "metrics.md"));
    Set<String> documented = new TreeSet<>(schema.measurements().get("run"));
    Set<String> vocabulary =
        RunMetric.values().stream()
            .map(RunMetric::field)
            .filter(f -> f != null)
            .collect(Collectors.toCollection(TreeSet::new));
    vocabulary.addAll(Set.of("state", "failure"));
    assertEquals(vocabulary, documented);
  }

  @Test
  void aChangePointNamesItsMetricByTheVocabularysLabel() {
    assertEquals("TTD p99", RunMetric.byField("ttd_p99_ms").label());
    assertEquals(RunMetric.MESSAGES_PER_S, RunMetric.byField("msg_per_s"));
    assertTrue(RunMetric.values().stream().allMatch(m -> !m.label().isBlank()));
  }

  /** The fields of one line of line protocol, by name (values as written). */
  private static Map<String, String> fields(String line) {
    List<String> parts = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length()) {
        cur.append(c).append(line.charAt(++i));
      } else if (c == '"') {
        quoted = !quoted;
        cur.append(c);
      } else if (c == ' ' && !quoted) {
        parts.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    parts.add(cur.toString());
    assertEquals(3, parts.size(), line); // measurement+tags, fields, timestamp
    Map<String, String> fields = new java.util.LinkedHashMap<>();
    for (String f : parts.get(1).split(",(?=[a-z_0-9]+=)")) {
      int eq = f.indexOf('=');
      fields.put(f.substring(0, eq), f.substring(eq + 1));
    }
    return fields;
  }
}
