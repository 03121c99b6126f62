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
 * <p>What is in InfluxDB comes from real runs of the one-to-one and http-to-xmpp scenarios against
 * ejabberd, written by the runner ({@link RealRuns}), which describes them as a {@link Population}:
 * the runs, their tags, time spans, error kinds, event types and the scenario's timers and counters
 * with their figures over the run. Every check works from that description.
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
  private static final Pattern FROM = Pattern.compile("(?i)\\bFROM\\s+\"(\\w+)\"");
  private static final Pattern ITEM =
      Pattern.compile("(?is)^(?:(\\w+)\\()?\\s*\"(\\w+)\"\\s*\\)?(?:\\s+AS\\s+\"([^\"]+)\")?$");

  /** The tag each template variable stands for. */
  private static final Map<String, String> VARIABLE_TAGS =
      Map.of(
          "repo", "repo",
          "branch", "branch",
          "scenario", "scenario",
          "run", "run_id",
          "pr", "pr",
          "timer", "name",
          "counter", "name");

  /**
   * Variables that choose points of a run rather than runs: the measurements whose points they
   * choose, by their tag. Other measurements have no such points.
   */
  private static final Map<String, Set<String>> POINT_VARIABLES =
      Map.of("timer", Set.of("timer", "run_timer"), "counter", Set.of("counter", "run_counter"));

  /** Tags of single points rather than of a run. */
  private static final Set<String> POINT_TAGS = Set.of("type", "kind", "name", "node");

  /** The scenario's own metrics: every run wrote points of each timer and counter it declared. */
  private static final Set<String> SCENARIO_MEASUREMENTS =
      Set.of("timer", "counter", "run_timer", "run_counter");

  /** Measurements with one point per run (or per run and name), at its end. */
  private static final Set<String> RUN_MEASUREMENTS = Set.of("run", "run_timer", "run_counter");

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
    for (Map.Entry<String, Context> c : contexts().entrySet()) {
      String file = c.getKey().substring(0, c.getKey().indexOf(' '));
      JsonNode dashboard =
          DashboardQueries.read(DashboardQueries.dashboardsFolder().resolve("murmuration/" + file));
      List<DynamicTest> tests = new ArrayList<>();
      for (Query query : DashboardQueries.of(dashboard, c.getValue())) {
        tests.add(DynamicTest.dynamicTest(query.source(), () -> check(query)));
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

  @Test
  void aRepeatedPanelHasACopyPerChosenValueOrPerOptionForAllEachWithItsOneValue() {
    JsonNode dashboard = dashboard("run.json");
    Map<String, List<String>> values =
        Map.of(
            "repo", List.of(DashboardQueries.ALL),
            "branch", List.of(DashboardQueries.ALL),
            "scenario", List.of(DashboardQueries.ALL),
            "run", List.of("r-1"),
            "timer", List.of(DashboardQueries.ALL),
            "counter", List.of(DashboardQueries.ALL));
    Map<String, List<String>> options = Map.of("timer", List.of("ping_rtt", "a.b"));
    List<Query> copies = timerPanel(dashboard, new Context(0, 1, "5s", values, options));
    assertEquals(
        List.of("panel \"ping_rtt\" A", "panel \"a.b\" A"),
        copies.stream().map(Query::source).toList());
    assertTrue(copies.get(0).expanded().contains("\"name\" =~ /^ping_rtt$/"), copies.toString());
    assertTrue(copies.get(1).expanded().contains("\"name\" =~ /^a\\.b$/"), copies.toString());
    assertEquals(List.of("a.b"), copies.get(1).variables().get("timer"));
    assertEquals(List.of("r-1"), copies.get(1).variables().get("run"));

    Map<String, List<String>> chosen = new LinkedHashMap<>(values);
    chosen.put("timer", List.of("a.b"));
    assertEquals(
        List.of("panel \"a.b\" A"),
        timerPanel(dashboard, new Context(0, 1, "5s", chosen, options)).stream()
            .map(Query::source)
            .toList());
    chosen.put("timer", List.of());
    assertThrows(
        IllegalArgumentException.class,
        () -> timerPanel(dashboard, new Context(0, 1, "5s", chosen, options)));
    assertThrows(
        IllegalArgumentException.class,
        () -> timerPanel(dashboard, new Context(0, 1, "5s", values, Map.of())));
    assertTrue(
        timerPanel(dashboard, new Context(0, 1, "5s", values, Map.of("timer", List.of())))
            .isEmpty(),
        "no timer, no panel");
  }

  /** The queries of the copies of run.json's panel repeated per timer. */
  private static List<Query> timerPanel(JsonNode dashboard, Context context) {
    return DashboardQueries.of(dashboard, context).stream()
        .filter(q -> q.kind() == Kind.PANEL && q.raw().contains("FROM \"timer\""))
        .toList();
  }

  @Test
  void theRunsWroteTheScenarioMetricsThatThePanelsShow() {
    // else the panels of the scenario's metrics would be checked against nothing
    for (Run run : data.runs()) {
      boolean http = run.tag("scenario").equals("http-to-xmpp");
      String timer = http ? "http_response" : "bucket_wait";
      assertTrue(run.timers().containsKey(timer), run.toString());
      assertTrue(run.timers().get(timer).get("count") > 0, run.toString());
      for (String counter : http ? List.of("http_requests", "http_2xx") : List.of("bucket_short")) {
        assertTrue(run.counters().containsKey(counter), run.toString());
      }
      if (http) {
        assertEquals(run.counters().get("http_requests"), run.counters().get("http_2xx"));
        assertEquals(120, run.counters().get("http_2xx"), "20/s for 6 s: " + run);
      }
    }
    assertTrue(
        data.runs().stream().anyMatch(r -> r.counters().getOrDefault("bucket_short", 0L) > 0),
        "a counter that counted something: " + data.runs());
    assertTrue(
        data.runs().stream().anyMatch(r -> r.tag("scenario").equals("http-to-xmpp")),
        "the HTTP load's metrics in a run: " + data.runs());
  }

  /** Runs {@code query} and checks the answer against {@link #data}. */
  private static void check(Query query) throws IOException {
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
    Matcher from = FROM.matcher(query.expanded());
    assertTrue(from.find(), "FROM a measurement: " + query);
    if (query.kind() != Kind.VARIABLE) {
      honoursVariables(query, runs, from.group(1), filters);
    }
    Matcher show = SHOW_TAG_VALUES.matcher(query.expanded());
    if (show.find()) {
      checkTagValues(query, series, show.group(1), show.group(2), runs, filters);
      return;
    }
    Matcher select = SELECT.matcher(query.expanded());
    assertTrue(select.find(), "a SELECT or SHOW TAG VALUES: " + query);
    String measurement = select.group(2);
    boolean expected =
        runs.stream().anyMatch(r -> !expectedPoints(r, measurement, filters).isEmpty());
    if (query.kind() == Kind.PANEL && SCENARIO_MEASUREMENTS.contains(measurement)) {
      assertTrue(expected, "every run wrote its scenario's metrics, a panel shows some: " + query);
    }
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
        if (POINT_TAGS.contains(tag)) {
          written.addAll(expectedPoints(run, measurement, filters));
        } else if (!expectedPoints(run, measurement, filters).isEmpty()) {
          written.add(run.tag(tag));
        }
      }
      assertEquals(written, values, "series by " + tag + ": " + query);
    }
    boolean perPoint = !query.expanded().contains("GROUP BY time");
    if ((RUN_MEASUREMENTS.contains(measurement) || measurement.equals("event")) && perPoint) {
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
        plausible(items.get(c - 1).field(), values, runs, measurement, filters, query);
      }
      if (measurement.startsWith("run_")
          && perPoint
          && items.stream().allMatch(i -> i.function() == null)) {
        asSummarised(s, items, runs, measurement, filters, query);
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
   * variable query depends on the variables before it only); and of a run, only the points of the
   * chosen names, in the measurements that a point variable ({@link #POINT_VARIABLES}) chooses
   * from.
   */
  private static void honoursVariables(
      Query query, List<Run> runs, String measurement, Map<String, Predicate<String>> filters) {
    assertFalse(runs.isEmpty(), "selects no run at all: " + query);
    query
        .variables()
        .forEach(
            (variable, values) -> {
              String tag = VARIABLE_TAGS.get(variable);
              assertTrue(tag != null, "a tag for $" + variable + " in this test");
              if (values.equals(List.of(DashboardQueries.ALL))) {
                return;
              }
              Set<String> chooses = POINT_VARIABLES.get(variable);
              if (chooses != null) {
                if (chooses.contains(measurement)) {
                  honoursPointVariable(query, runs, measurement, filters, variable, values);
                }
                return;
              }
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
            });
  }

  /**
   * The query lets through the points of the names chosen in {@code variable} and no other: not one
   * a run wrote, not one made up.
   */
  private static void honoursPointVariable(
      Query query,
      List<Run> runs,
      String measurement,
      Map<String, Predicate<String>> filters,
      String variable,
      List<String> values) {
    String tag = VARIABLE_TAGS.get(variable);
    Predicate<String> filter = filters.get(tag);
    assertTrue(filter != null, "chooses by \"" + tag + "\" as $" + variable + " is: " + query);
    for (String value : values) {
      assertTrue(filter.test(value), "lets " + value + " of $" + variable + " through: " + query);
    }
    Set<String> others = new TreeSet<>(Set.of(variable + "_not_chosen", values.getFirst() + "x"));
    for (Run run : runs) {
      others.addAll(expectedPoints(run, measurement, Map.of()));
    }
    others.removeAll(values);
    for (String other : others) {
      assertFalse(
          filter.test(other),
          "lets " + other + " through though $" + variable + " is " + values + ": " + query);
    }
  }

  /**
   * A variable query answers with the tag's values of exactly the runs its filters select (of a
   * point tag: the values of the points those runs wrote).
   */
  private static void checkTagValues(
      Query query,
      List<JsonNode> series,
      String measurement,
      String key,
      List<Run> runs,
      Map<String, Predicate<String>> filters) {
    assertEquals(Kind.VARIABLE, query.kind(), query.toString());
    Set<String> expected = new LinkedHashSet<>();
    for (Run run : runs) {
      if (POINT_TAGS.contains(key)) {
        expected.addAll(expectedPoints(run, measurement, filters));
      } else if (run.tags().containsKey(key)
          && (run.ended() || !RUN_MEASUREMENTS.contains(measurement))) {
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
      case "timer" -> only(run.timers().keySet(), filters.get("name"));
      case "counter" -> only(run.counters().keySet(), filters.get("name"));
      case "run_timer" -> run.ended() ? only(run.timers().keySet(), filters.get("name")) : Set.of();
      case "run_counter" ->
          run.ended() ? only(run.counters().keySet(), filters.get("name")) : Set.of();
      case "node" -> only(run.nodes(), filters.get("node"));
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
  private static void plausible(
      String field,
      List<JsonNode> values,
      List<Run> runs,
      String measurement,
      Map<String, Predicate<String>> filters,
      Query query) {
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
      default -> {
        if (SCENARIO_MEASUREMENTS.contains(measurement)) {
          scenarioNumbers(measurement, field, values, runs, filters, what);
        } else {
          numbers(field, values, what);
        }
      }
    }
  }

  /**
   * Values of the scenario's own metrics, within what the selected runs' summaries say of the
   * chosen names: counts up to their total, times up to their highest {@code max_ms}, a rate above
   * zero exactly when a counter counted something.
   */
  private static void scenarioNumbers(
      String measurement,
      String field,
      List<JsonNode> values,
      List<Run> runs,
      Map<String, Predicate<String>> filters,
      String what) {
    for (JsonNode v : values) {
      assertTrue(v.isNumber(), what);
    }
    double min = values.stream().mapToDouble(JsonNode::asDouble).min().orElseThrow();
    double max = values.stream().mapToDouble(JsonNode::asDouble).max().orElseThrow();
    boolean whole = values.stream().allMatch(v -> v.asDouble() % 1 == 0);
    Predicate<String> chosen = filters.getOrDefault("name", name -> true);
    double samples = 0;
    double highest = 0;
    double counted = 0;
    for (Run run : runs) {
      for (Map.Entry<String, Map<String, Double>> t : run.timers().entrySet()) {
        if (chosen.test(t.getKey())) {
          samples += t.getValue().getOrDefault("count", 0.0);
          highest = Math.max(highest, t.getValue().getOrDefault("max_ms", 0.0));
        }
      }
      for (Map.Entry<String, Long> c : run.counters().entrySet()) {
        if (chosen.test(c.getKey())) {
          counted += c.getValue();
        }
      }
    }
    boolean timer = measurement.endsWith("timer");
    if (timer && field.equals("count")) {
      assertTrue(whole && min >= 0 && max <= samples, "samples in [0, " + samples + "]: " + what);
    } else if (timer && field.matches("(mean|p\\d+|max)_ms")) {
      assertTrue(
          min >= 0 && max <= highest + 0.001, "times in [0, max " + highest + " ms]: " + what);
    } else if (!timer && Set.of("count", "total").contains(field)) {
      assertTrue(whole && min >= 0 && max <= counted, "counts in [0, " + counted + "]: " + what);
    } else if (!timer && field.equals("per_s")) {
      assertTrue(min >= 0, what);
      assertEquals(counted > 0, max > 0, "a rate above 0 when " + counted + " counted: " + what);
    } else {
      fail(
          "no plausibility rule for " + measurement + " field " + field + " in this test: " + what);
    }
  }

  /**
   * The rows of a {@code run_timer} or {@code run_counter} query, one per point: each is the point
   * of a selected run (at its end) and a chosen name, with the figures of its summary.json.
   */
  private static void asSummarised(
      JsonNode series,
      List<Item> items,
      List<Run> runs,
      String measurement,
      Map<String, Predicate<String>> filters,
      Query query) {
    for (JsonNode row : series.path("values")) {
      long t = row.get(0).asLong();
      List<Run> ending = runs.stream().filter(r -> r.endMs() == t).toList();
      assertEquals(1, ending.size(), "a row at the end of one run, not " + t + ": " + query);
      Run run = ending.getFirst();
      String name = series.path("tags").path("name").asText("");
      if (name.isEmpty()) {
        Set<String> names = expectedPoints(run, measurement, filters);
        assertEquals(1, names.size(), "one name, or GROUP BY \"name\": " + query);
        name = names.iterator().next();
      }
      for (int c = 0; c < items.size(); c++) {
        String field = items.get(c).field();
        Double written;
        if (measurement.equals("run_timer") && field.matches("count|(mean|p\\d+|max)_ms")) {
          written = run.timers().get(name).get(field);
        } else if (measurement.equals("run_counter") && field.equals("total")) {
          written = run.counters().get(name).doubleValue();
        } else {
          continue; // a tag: see plausible
        }
        String what = field + " of " + name + " in run " + run.id() + ": " + query;
        if (written == null) {
          assertTrue(row.get(c + 1).isNull(), "absent as in summary.json, " + what);
        } else {
          assertEquals(written, row.get(c + 1).asDouble(), 1e-9, "as in summary.json, " + what);
        }
      }
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
    } else if (field.equals("runner_cpu_cores") || field.equals("cpu_cores")) {
      assertTrue(min >= 0 && max <= Runtime.getRuntime().availableProcessors() * 64, what);
    } else if (Set.of("runner_rss_mib", "runner_threads", "rss_mib").contains(field)) {
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
            "lag_max_ms",
            "p50_ms",
            "p90_ms",
            "p99_ms",
            "p999_ms",
            "max_ms");
    for (int a = 0; a < items.size(); a++) {
      for (int b = 0; b < items.size(); b++) {
        String fa = items.get(a).field();
        String fb = items.get(b).field();
        int ia = order.indexOf(fa);
        int ib = order.indexOf(fb);
        boolean sameTimer = timerOf(fa).equals(timerOf(fb));
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

  /** The timer of a percentile field: {@code ttd} of {@code ttd_p99_ms}, "" of {@code p99_ms}. */
  private static String timerOf(String field) {
    return field.replaceAll("(^|_)(p\\d+|max)_ms$", "");
  }

  /**
   * One item of a SELECT list: {@code "f"}, {@code "f" AS "a"}, {@code fn("f") AS "a"}; function
   * null without one.
   */
  private record Item(String function, String field, String column) {}

  private static List<Item> items(String selectList) {
    List<Item> items = new ArrayList<>();
    for (String item : selectList.split(",")) {
      Matcher m = ITEM.matcher(item.strip());
      assertTrue(m.matches(), "a SELECT item this test understands: " + item);
      String column =
          m.group(3) != null ? m.group(3) : m.group(1) != null ? m.group(1) : m.group(2);
      items.add(new Item(m.group(1), m.group(2), column));
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

  /**
   * Test cases: a dashboard file and a value for each of its variables; {@code timer} and {@code
   * counter} are "All" unless a case chooses, and stand for the names the selected runs wrote.
   */
  private static Map<String, Context> contexts() {
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
      contexts.put(
          "run.json run " + run.id() + " of its first timer and counter",
          Map.of(
              "repo", List.of(all),
              "branch", List.of(all),
              "scenario", List.of(all),
              "run", List.of(run.id()),
              "timer", List.of(firstTimer(run)),
              "counter", List.of(firstCounter(run))));
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
        contexts.put(
            "compare.json pr " + run.tag("pr") + " of its first timer and counter",
            Map.of(
                "repo", List.of(all),
                "pr", List.of(run.tag("pr")),
                "timer", List.of(firstTimer(run)),
                "counter", List.of(firstCounter(run))));
      }
    }
    contexts.put(
        "trends.json of all",
        Map.of("repo", List.of(all), "branch", List.of(all), "scenario", List.of(all)));
    Run first = data.runs().getFirst();
    contexts.put(
        "trends.json of all, of the first timer and counter",
        Map.of(
            "repo", List.of(all),
            "branch", List.of(all),
            "scenario", List.of(all),
            "timer", List.of(firstTimer(first)),
            "counter", List.of(firstCounter(first))));
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
    Map<String, Context> cases = new LinkedHashMap<>();
    contexts.forEach(
        (name, chosen) -> {
          Map<String, List<String>> values = new LinkedHashMap<>(chosen);
          values.putIfAbsent("timer", List.of(all));
          values.putIfAbsent("counter", List.of(all));
          cases.put(
              name, new Context(data.fromMs(), data.toMs(), INTERVAL, values, options(values)));
        });
    return cases;
  }

  private static String firstTimer(Run run) {
    return new TreeSet<>(run.timers().keySet()).first();
  }

  private static String firstCounter(Run run) {
    return new TreeSet<>(run.counters().keySet()).first();
  }

  /**
   * What the variables {@code timer} and {@code counter} offer (the answer their queries are
   * checked to give): the names written by the runs that the other variables select.
   */
  private static Map<String, List<String>> options(Map<String, List<String>> values) {
    List<Run> selected =
        data.runs().stream()
            .filter(
                run ->
                    values.entrySet().stream()
                        .filter(v -> !POINT_VARIABLES.containsKey(v.getKey()))
                        .filter(v -> !v.getValue().equals(List.of(DashboardQueries.ALL)))
                        .allMatch(
                            v -> v.getValue().contains(run.tag(VARIABLE_TAGS.get(v.getKey())))))
            .toList();
    Set<String> timers = new TreeSet<>();
    Set<String> counters = new TreeSet<>();
    selected.forEach(
        run -> {
          timers.addAll(run.timers().keySet());
          counters.addAll(run.counters().keySet());
        });
    return Map.of("timer", List.copyOf(timers), "counter", List.copyOf(counters));
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
