package io.murmuration.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.murmuration.dashboards.Population.Run;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.sut.LocalInflux;
import io.murmuration.testing.DashboardQueries;
import io.murmuration.testing.DashboardQueries.Context;
import io.murmuration.testing.DashboardQueries.Kind;
import io.murmuration.testing.DashboardQueries.Query;
import io.murmuration.testing.LocalServersExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every query of every dashboard — panels, variables, annotations — against a real InfluxDB
 * holding runs written as {@code docs/metrics.md} describes, and checks each answer against what
 * was written: which series, which columns, plausible values, only the chosen runs.
 *
 * <p>What is in InfluxDB comes from real runs of the one-to-one scenario against ejabberd, written
 * by the runner ({@link RealRuns}), which describes them as a {@link Population}: the runs, their
 * tags, time spans, error kinds and event types. Every check works from that description.
 */
@ExtendWith(LocalServersExtension.class)
class DashboardQueriesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INTERVAL = "5s";
  private static final long INTERVAL_MS = 5_000;
  private static final Pattern EQUALS =
      Pattern.compile("\"(\\w+)\"\\s*=\\s*'((?:\\\\.|[^'\\\\])*)'");
  private static final Pattern MATCHES =
      Pattern.compile("\"(\\w+)\"\\s*=~\\s*/((?:\\\\.|[^/\\\\])*)/");
  private static final Pattern SELECT =
      Pattern.compile("(?is)^\\s*SELECT\\s+(.*?)\\s+FROM\\s+\"(\\w+)\"");
  private static final Pattern SHOW_TAG_VALUES =
      Pattern.compile("(?is)^\\s*SHOW TAG VALUES FROM \"(\\w+)\" WITH KEY = \"(\\w+)\"");
  private static final Pattern GROUP_BY =
      Pattern.compile("(?is)\\bGROUP BY\\s+(.*?)(?:\\s+fill\\(|\\s+ORDER|\\s+LIMIT|$)");
  private static final Pattern ITEM =
      Pattern.compile("(?is)^(?:(\\w+)\\()?\\s*\"(\\w+)\"\\s*\\)?(?:\\s+AS\\s+\"([^\"]+)\")?$");

  /** The tag each template variable stands for. */
  private static final Map<String, String> VARIABLE_TAGS =
      Map.of(
          "repo", "repo", "branch", "branch", "scenario", "scenario", "run", "run_id", "pr", "pr");

  /** Tags of single points rather than of a run. */
  private static final Set<String> POINT_TAGS = Set.of("type", "kind");

  private static LocalInflux influx;
  private static Population data;

  @BeforeAll
  static void startInfluxDbWithRuns(LocalEjabberd ejabberd, @TempDir Path runs) throws Exception {
    influx = LocalInflux.start(LocalInflux.Options.defaults());
    data = RealRuns.write(influx, ejabberd, runs);
  }

  @AfterAll
  static void stopInfluxDb() {
    if (influx != null) {
      influx.close();
    }
  }

  @TestFactory
  Stream<DynamicNode> everyQueryOfEveryDashboardAnswersWithTheSeriesOfTheRunsItSelects() {
    List<DynamicNode> containers = new ArrayList<>();
    for (Map.Entry<String, Map<String, List<String>>> c : contexts().entrySet()) {
      String file = c.getKey().substring(0, c.getKey().indexOf(' '));
      JsonNode dashboard =
          DashboardQueries.read(DashboardQueries.dashboardsFolder().resolve("murmuration/" + file));
      Context context = new Context(data.fromMs(), data.toMs(), INTERVAL, c.getValue());
      List<DynamicTest> tests = new ArrayList<>();
      for (Query query : DashboardQueries.of(dashboard, context)) {
        tests.add(DynamicTest.dynamicTest(query.source(), () -> check(query, context)));
      }
      assertTrue(tests.size() >= 5, c.getKey() + ": queries");
      containers.add(DynamicContainer.dynamicContainer(c.getKey(), tests));
    }
    return containers.stream();
  }

  @Test
  void everyDashboardQueryIsCheckedWithAtLeastOneSetOfVariables() {
    Set<String> covered = new LinkedHashSet<>();
    contexts().keySet().forEach(k -> covered.add(k.substring(0, k.indexOf(' '))));
    assertEquals(DashboardFilesTest.UIDS.keySet(), covered);
  }

  @Test
  void allBecomesTheAllValueAndValuesAreRegexEscapedInsideARegexOnly() {
    JsonNode dashboard = dashboard("run.json");
    Map<String, JsonNode> variables = DashboardQueries.variables(dashboard);
    Context context =
        new Context(
            1_000,
            61_000,
            "10s",
            Map.of(
                "repo", List.of("acme/chat", "a.b"),
                "branch", List.of(DashboardQueries.ALL),
                "run", List.of("r-1")));
    assertEquals(
        "\"repo\" =~ /^(acme\\/chat|a\\.b)$/ AND \"branch\" =~ /^.*$/ AND \"run_id\" = 'r-1'",
        DashboardQueries.expand(
            "\"repo\" =~ /^$repo$/ AND \"branch\" =~ /^${branch}$/ AND \"run_id\" = '[[run]]'",
            variables,
            context));
    assertEquals(
        "time >= 1000ms and time <= 61000ms GROUP BY time(10s) 10000",
        DashboardQueries.expand(
            "$timeFilter GROUP BY time($__interval) $__interval_ms", variables, context));
  }

  @Test
  void aMultiValuedOrUnknownVariableOutsideARegexIsRefused() {
    Map<String, JsonNode> variables = DashboardQueries.variables(dashboard("run.json"));
    Context context =
        new Context(0, 1, "5s", Map.of("repo", List.of(DashboardQueries.ALL), "run", List.of("r")));
    assertThrows(
        IllegalArgumentException.class,
        () -> DashboardQueries.expand("\"repo\" = '$repo'", variables, context));
    assertThrows(
        IllegalArgumentException.class,
        () -> DashboardQueries.expand("\"x\" =~ /$nothing/", variables, context));
    assertThrows(
        IllegalArgumentException.class,
        () -> DashboardQueries.expand("\"x\" =~ /$branch/", variables, context));
  }

  /** Runs {@code query} and checks the answer against {@link #data}. */
  private static void check(Query query, Context context) throws IOException {
    JsonNode result = JSON.readTree(influx.query(query.expanded())).path("results").path(0);
    List<JsonNode> series = new ArrayList<>();
    result.path("series").forEach(series::add);
    Map<String, Predicate<String>> filters = filters(query.expanded());
    List<Run> runs =
        data.runs().stream()
            .filter(
                r ->
                    filters.entrySet().stream()
                        .filter(f -> !POINT_TAGS.contains(f.getKey()))
                        .allMatch(f -> f.getValue().test(r.tag(f.getKey()))))
            .toList();
    if (query.kind() != Kind.VARIABLE) {
      honoursVariables(query, context, runs);
    }
    Matcher show = SHOW_TAG_VALUES.matcher(query.expanded());
    if (show.find()) {
      checkTagValues(query, series, show.group(1), show.group(2), runs);
      return;
    }
    Matcher select = SELECT.matcher(query.expanded());
    assertTrue(select.find(), "a SELECT or SHOW TAG VALUES: " + query);
    String measurement = select.group(2);
    boolean expected =
        runs.stream().anyMatch(r -> !expectedPoints(r, measurement, filters).isEmpty());
    if (!expected) {
      assertTrue(series.isEmpty(), "no points expected from runs " + ids(runs) + ": " + query);
      return;
    }
    assertFalse(series.isEmpty(), "points of runs " + ids(runs) + " expected: " + query);
    List<Item> items = items(select.group(1));
    List<String> columns = new ArrayList<>(List.of("time"));
    items.forEach(i -> columns.add(i.column()));
    List<String> groupTags = groupByTags(query.expanded());
    for (String tag : groupTags) {
      Set<String> values = new LinkedHashSet<>();
      series.forEach(s -> values.add(s.path("tags").path(tag).asText()));
      Set<String> written = new LinkedHashSet<>();
      for (Run run : runs) {
        if (tag.equals("kind")) {
          written.addAll(expectedPoints(run, measurement, filters));
        } else if (!expectedPoints(run, measurement, filters).isEmpty()) {
          written.add(run.tag(tag));
        }
      }
      assertEquals(written, values, "series by " + tag + ": " + query);
    }
    if (Set.of("run", "event").contains(measurement)
        && !query.expanded().contains("GROUP BY time")) {
      long rows = series.stream().mapToLong(s -> s.path("values").size()).sum();
      long points =
          runs.stream().mapToLong(r -> expectedPoints(r, measurement, filters).size()).sum();
      assertEquals(points, rows, "one row per point written: " + query);
    }
    for (JsonNode s : series) {
      assertEquals(columns, columnsOf(s), query.toString());
      List<JsonNode> rows = new ArrayList<>();
      s.path("values").forEach(rows::add);
      assertFalse(rows.isEmpty(), query.toString());
      for (int c = 1; c < columns.size(); c++) {
        int column = c;
        List<JsonNode> values =
            rows.stream().map(r -> r.get(column)).filter(v -> !v.isNull()).toList();
        assertFalse(values.isEmpty(), "column " + columns.get(c) + " is all null: " + query);
        plausible(items.get(c - 1).field(), values, runs, query);
      }
      for (JsonNode row : rows) {
        long t = row.get(0).asLong();
        assertTrue(
            runs.stream().anyMatch(r -> t >= r.startMs() - INTERVAL_MS && t <= r.endMs()),
            "time " + t + " outside runs " + ids(runs) + ": " + query);
        ordered(items, row, query);
      }
    }
  }

  /**
   * A panel or annotation selects only runs with the chosen values of the dashboard's variables (a
   * variable query depends on the variables before it only).
   */
  private static void honoursVariables(Query query, Context context, List<Run> runs) {
    assertFalse(runs.isEmpty(), "selects no run at all: " + query);
    context
        .variables()
        .forEach(
            (variable, values) -> {
              String tag = VARIABLE_TAGS.get(variable);
              assertTrue(tag != null, "a tag for $" + variable + " in this test");
              if (!values.equals(List.of(DashboardQueries.ALL))) {
                for (Run run : runs) {
                  assertTrue(
                      values.contains(run.tag(tag)),
                      "selects run "
                          + run.id()
                          + " with "
                          + tag
                          + " "
                          + run.tag(tag)
                          + " though $"
                          + variable
                          + " is "
                          + values
                          + ": "
                          + query);
                }
              }
            });
  }

  /** A variable query answers with the tag's values of exactly the runs its filters select. */
  private static void checkTagValues(
      Query query, List<JsonNode> series, String measurement, String key, List<Run> runs) {
    assertEquals(Kind.VARIABLE, query.kind(), query.toString());
    Set<String> expected = new LinkedHashSet<>();
    for (Run run : runs) {
      if (run.tags().containsKey(key) && (run.ended() || !measurement.equals("run"))) {
        expected.add(run.tag(key));
      }
    }
    assertFalse(expected.isEmpty(), "the data should give this query values: " + query);
    Set<String> values = new LinkedHashSet<>();
    for (JsonNode s : series) {
      assertEquals(List.of("key", "value"), columnsOf(s), query.toString());
      s.path("values").forEach(v -> values.add(v.get(1).asText()));
    }
    assertEquals(new TreeSet<>(expected), new TreeSet<>(values), query.toString());
  }

  /** What a run wrote that the query's point-level filters let through (kinds, types, or all). */
  private static Set<String> expectedPoints(
      Run run, String measurement, Map<String, Predicate<String>> filters) {
    return switch (measurement) {
      case "interval" -> Set.of("interval");
      case "run" -> run.ended() ? Set.of("run") : Set.of();
      case "errors" -> only(run.errorKinds(), filters.get("kind"));
      case "event" -> only(run.eventTypes(), filters.get("type"));
      default -> throw new AssertionError("measurement " + measurement);
    };
  }

  private static Set<String> only(Set<String> values, Predicate<String> filter) {
    Set<String> kept = new LinkedHashSet<>(values);
    if (filter != null) {
      kept.removeIf(filter.negate());
    }
    return kept;
  }

  /**
   * Values plausible for a field of docs/metrics.md. A field without a rule fails: a dashboard that
   * shows a new field needs one here.
   */
  private static void plausible(String field, List<JsonNode> values, List<Run> runs, Query query) {
    String what = field + " " + values + ": " + query;
    Set<String> runTagValues = new LinkedHashSet<>();
    runs.forEach(r -> runTagValues.add(r.tag(field)));
    switch (field) {
      case "run_id", "commit", "repo", "branch", "scenario", "arm", "pr" ->
          values.forEach(v -> assertTrue(runTagValues.contains(v.asText()), what));
      case "state" ->
          values.forEach(v -> assertTrue(Set.of("finished", "failed").contains(v.asText()), what));
      case "title", "text" -> values.forEach(v -> assertFalse(v.asText().isBlank(), what));
      case "type" ->
          values.forEach(
              v ->
                  assertTrue(
                      runs.stream().anyMatch(r -> r.eventTypes().contains(v.asText())), what));
      default -> numbers(field, values, what);
    }
  }

  private static void numbers(String field, List<JsonNode> values, String what) {
    for (JsonNode v : values) {
      assertTrue(v.isNumber(), what);
    }
    double min = values.stream().mapToDouble(JsonNode::asDouble).min().orElseThrow();
    double max = values.stream().mapToDouble(JsonNode::asDouble).max().orElseThrow();
    if (field.startsWith("ttd_") && field.endsWith("_ms")) {
      assertTrue(min > 0 && max < 10_000, "TTD in (0, 10 s): " + what);
    } else if (field.matches("(connect|login)_p\\d+_ms")) {
      assertTrue(min > 0 && max < 60_000, "connect/login in (0, 60 s): " + what);
    } else if (field.startsWith("lag_")) {
      assertTrue(min >= 0 && max < 10_000, "lag in [0, 10 s): " + what);
    } else if (Set.of("users", "users_target", "users_peak", "sent").contains(field)
        || field.endsWith("_per_s")) {
      assertTrue(min >= 0 && max > 0, "some load: " + what);
    } else if (Set.of("lost", "errors", "late", "delivered").contains(field)) {
      assertTrue(min >= 0 && values.stream().allMatch(v -> v.asDouble() % 1 == 0), what);
    } else if (field.equals("count")) {
      assertTrue(min >= 1, "an errors point means at least one error: " + what);
    } else if (field.equals("runner_cpu_cores")) {
      assertTrue(min >= 0 && max <= Runtime.getRuntime().availableProcessors() * 64, what);
    } else if (field.equals("runner_rss_mib") || field.equals("runner_threads")) {
      assertTrue(min > 0, what);
    } else {
      fail("no plausibility rule for field " + field + " in this test: " + what);
    }
  }

  /** Within one row: p50 ≤ p90 ≤ p99 ≤ p99.9 ≤ max of one timer, when both are there. */
  private static void ordered(List<Item> items, JsonNode row, Query query) {
    List<String> order =
        List.of(
            "ttd_p50_ms",
            "ttd_p90_ms",
            "ttd_p99_ms",
            "ttd_p999_ms",
            "ttd_max_ms",
            "connect_p50_ms",
            "connect_p99_ms",
            "login_p50_ms",
            "login_p99_ms",
            "lag_p99_ms",
            "lag_max_ms");
    for (int a = 0; a < items.size(); a++) {
      for (int b = 0; b < items.size(); b++) {
        String fa = items.get(a).field();
        String fb = items.get(b).field();
        int ia = order.indexOf(fa);
        int ib = order.indexOf(fb);
        boolean sameTimer = fa.split("_")[0].equals(fb.split("_")[0]);
        JsonNode va = row.get(a + 1);
        JsonNode vb = row.get(b + 1);
        if (ia >= 0 && ib > ia && sameTimer && !va.isNull() && !vb.isNull()) {
          assertTrue(
              va.asDouble() <= vb.asDouble(),
              fa + " " + va + " > " + fb + " " + vb + " in " + row + ": " + query);
        }
      }
    }
  }

  /** One item of a SELECT list: {@code "f"}, {@code "f" AS "a"}, {@code fn("f") AS "a"}. */
  private record Item(String field, String column) {}

  private static List<Item> items(String selectList) {
    List<Item> items = new ArrayList<>();
    for (String item : selectList.split(",")) {
      Matcher m = ITEM.matcher(item.strip());
      assertTrue(m.matches(), "a SELECT item this test understands: " + item);
      String column =
          m.group(3) != null ? m.group(3) : m.group(1) != null ? m.group(1) : m.group(2);
      items.add(new Item(m.group(2), column));
    }
    return items;
  }

  private static List<String> groupByTags(String query) {
    Matcher m = GROUP_BY.matcher(query);
    List<String> tags = new ArrayList<>();
    if (m.find()) {
      Matcher quoted = Pattern.compile("\"(\\w+)\"").matcher(m.group(1));
      while (quoted.find()) {
        tags.add(quoted.group(1));
      }
    }
    return tags;
  }

  /** Tag conditions of the query: {@code "k" = 'v'} and {@code "k" =~ /re/}. */
  private static Map<String, Predicate<String>> filters(String query) {
    Map<String, Predicate<String>> filters = new LinkedHashMap<>();
    Matcher equals = EQUALS.matcher(query);
    while (equals.find()) {
      String value = equals.group(2).replace("\\'", "'");
      filters.merge(equals.group(1), value::equals, Predicate::and);
    }
    Matcher matches = MATCHES.matcher(query);
    while (matches.find()) {
      Pattern regex = Pattern.compile(matches.group(2).replace("\\/", "/"));
      filters.merge(matches.group(1), v -> regex.matcher(v).find(), Predicate::and);
    }
    return filters;
  }

  /** Test cases: a dashboard file and a value for each of its variables. */
  private static Map<String, Map<String, List<String>>> contexts() {
    String all = DashboardQueries.ALL;
    Map<String, Map<String, List<String>>> contexts = new LinkedHashMap<>();
    for (Run run : data.runs()) {
      contexts.put(
          "run.json run " + run.id(),
          Map.of(
              "repo", List.of(all),
              "branch", List.of(all),
              "scenario", List.of(all),
              "run", List.of(run.id())));
      if (run.tags().keySet().containsAll(Set.of("repo", "branch"))) {
        contexts.put(
            "run.json run " + run.id() + " of " + run.tag("repo") + " " + run.tag("branch"),
            Map.of(
                "repo", List.of(run.tag("repo")),
                "branch", List.of(run.tag("branch")),
                "scenario", List.of(run.tag("scenario")),
                "run", List.of(run.id())));
        contexts.put(
            "trends.json of " + run.tag("repo") + " " + run.tag("branch"),
            Map.of(
                "repo", List.of(run.tag("repo")),
                "branch", List.of(run.tag("branch")),
                "scenario", List.of(run.tag("scenario"))));
      }
      if (run.tags().containsKey("pr")) {
        contexts.put(
            "compare.json pr " + run.tag("pr"),
            Map.of("repo", List.of(all), "pr", List.of(run.tag("pr"))));
        contexts.put(
            "compare.json pr " + run.tag("pr") + " of " + run.tag("repo"),
            Map.of("repo", List.of(run.tag("repo")), "pr", List.of(run.tag("pr"))));
      }
    }
    contexts.put(
        "trends.json of all",
        Map.of("repo", List.of(all), "branch", List.of(all), "scenario", List.of(all)));
    contexts.put(
        "trends.json of every main and feature branch",
        Map.of(
            "repo", List.of(all),
            "branch",
                data.runs().stream()
                    .map(r -> r.tag("branch"))
                    .filter(b -> !b.isEmpty())
                    .distinct()
                    .toList(),
            "scenario", List.of(all)));
    return contexts;
  }

  private static List<String> columnsOf(JsonNode series) {
    List<String> columns = new ArrayList<>();
    series.path("columns").forEach(c -> columns.add(c.asText()));
    return columns;
  }

  private static List<String> ids(List<Run> runs) {
    return runs.stream().map(Run::id).toList();
  }

  private static JsonNode dashboard(String file) {
    return DashboardQueries.read(
        DashboardQueries.dashboardsFolder().resolve("murmuration/" + file));
  }
}
