package io.murmuration.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.murmuration.testing.DashboardQueries;
import io.murmuration.testing.DashboardQueries.Context;
import io.murmuration.testing.DashboardQueries.Query;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The provisioning files and dashboards as files: they parse, refer to the provisioned data source,
 * use only variables that exist and only measurements and fields that {@code docs/metrics.md}
 * defines. {@link DashboardQueriesTest} runs their queries against a real InfluxDB.
 */
class DashboardFilesTest {
  static final String DATASOURCE_UID = "murmuration-influxdb";
  static final Map<String, String> UIDS =
      Map.of("run.json", "murm-run", "trends.json", "murm-trends", "compare.json", "murm-compare");

  private static final Path DASHBOARDS = DashboardQueries.dashboardsFolder();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern QUOTED = Pattern.compile("(?i)(\\bAS\\s+)?\"([^\"]+)\"");
  private static final Pattern FROM = Pattern.compile("(?i)\\bFROM\\s+\"([^\"]+)\"");

  @Test
  void theDataSourceIsOneInfluxQlSourceWithAFixedUidAndSettingsFromTheEnvironment()
      throws IOException {
    JsonNode file = yaml("provisioning/datasources/murmuration.yaml");
    assertEquals(1, file.path("apiVersion").asInt());
    JsonNode sources = file.path("datasources");
    assertEquals(1, sources.size(), "one data source");
    JsonNode source = sources.get(0);
    assertEquals("Murmuration InfluxDB", source.path("name").asText());
    assertEquals(DATASOURCE_UID, source.path("uid").asText());
    assertEquals("influxdb", source.path("type").asText());
    assertEquals("InfluxQL", source.path("jsonData").path("version").asText("InfluxQL"));
    assertEnvironment("MURM_INFLUX_URL", source.path("url"));
    assertEnvironment("MURM_INFLUX_DB", source.path("jsonData").path("dbName"));
    assertEnvironment("MURM_INFLUX_USER", source.path("user"));
    assertEnvironment("MURM_INFLUX_PASSWORD", source.path("secureJsonData").path("password"));
    assertTrue(source.path("password").isMissingNode(), "a password only in secureJsonData");
  }

  @Test
  void theDashboardProviderReadsJsonFilesFromAFolder() throws IOException {
    JsonNode file = yaml("provisioning/dashboards/murmuration.yaml");
    assertEquals(1, file.path("apiVersion").asInt());
    JsonNode providers = file.path("providers");
    assertEquals(1, providers.size(), "one provider");
    JsonNode provider = providers.get(0);
    assertEquals("file", provider.path("type").asText());
    assertTrue(
        provider.path("options").path("path").asText().startsWith("/"),
        "an absolute folder on the Grafana server: " + provider);
    assertFalse(provider.path("folder").asText().isBlank(), "a Grafana folder for the dashboards");
  }

  @Test
  void everyDashboardParsesAndHasItsFixedUniqueUid() throws IOException {
    Map<String, String> found = new TreeMap<>();
    for (Path file : dashboardFiles()) {
      JsonNode dashboard = DashboardQueries.read(file);
      found.put(file.getFileName().toString(), dashboard.path("uid").asText());
      assertTrue(dashboard.path("id").isNull(), file + ": id null, so that Grafana assigns one");
      int schema = dashboard.path("schemaVersion").asInt();
      assertTrue(schema >= 36 && schema <= 41, file + ": schemaVersion " + schema);
      assertFalse(dashboard.path("title").asText().isBlank(), file + ": a title");
    }
    assertEquals(new TreeMap<>(UIDS), found);
    assertEquals(found.size(), new HashSet<>(found.values()).size(), "unique uids");
  }

  @Test
  void theRunDashboardHasTheAddressTheRunnerLinksTo() {
    // the runner prints <grafana>/d/murm-run/murmuration-run?var-run=…; Grafana's slug is the
    // title's
    JsonNode run = DashboardQueries.read(DASHBOARDS.resolve("murmuration/run.json"));
    assertEquals("murm-run", run.path("uid").asText());
    assertEquals("murmuration-run", slug(run.path("title").asText()));
    JsonNode variable = DashboardQueries.variables(run).get("run");
    assertEquals("query", variable.path("type").asText());
    assertTrue(DashboardQueries.variableQuery(variable).contains("WITH KEY = \"run_id\""));
  }

  @Test
  void everyDataSourceReferenceIsTheProvisionedInfluxDb() throws IOException {
    for (Path file : dashboardFiles()) {
      JsonNode dashboard = DashboardQueries.read(file);
      List<String> references = new ArrayList<>();
      collectDataSources(dashboard, "", references);
      for (String reference : references) {
        assertTrue(
            reference.endsWith("={\"type\":\"influxdb\",\"uid\":\"" + DATASOURCE_UID + "\"}"),
            file + ": " + reference);
      }
      for (JsonNode panel : DashboardQueries.panels(dashboard)) {
        String where = file + " panel " + panel.path("title");
        assertTrue(panel.has("datasource"), where + ": a data source");
        assertFalse(panel.path("targets").isEmpty(), where + ": queries");
        for (JsonNode target : panel.path("targets")) {
          assertTrue(target.has("datasource"), where + ": a data source on every query");
          assertTrue(target.path("rawQuery").asBoolean(), where + ": raw InfluxQL");
          assertFalse(target.path("query").asText().isBlank(), where + ": a query");
        }
      }
      for (JsonNode variable : dashboard.path("templating").path("list")) {
        assertTrue(variable.has("datasource"), file + " variable " + variable.path("name"));
      }
      for (JsonNode annotation : dashboard.path("annotations").path("list")) {
        assertTrue(annotation.has("datasource"), file + " annotation " + annotation.path("name"));
      }
    }
  }

  @Test
  void panelIdsAreUniqueWithinADashboard() throws IOException {
    for (Path file : dashboardFiles()) {
      Set<Integer> ids = new HashSet<>();
      for (JsonNode panel : DashboardQueries.read(file).path("panels")) {
        assertTrue(ids.add(panel.path("id").asInt()), file + ": panel id " + panel.path("id"));
        for (JsonNode inner : panel.path("panels")) {
          assertTrue(ids.add(inner.path("id").asInt()), file + ": panel id " + inner.path("id"));
        }
      }
    }
  }

  @Test
  void queriesUseOnlyDefinedVariablesAndGrafanaBuiltIns() throws IOException {
    for (Path file : dashboardFiles()) {
      JsonNode dashboard = DashboardQueries.read(file);
      Set<String> defined = DashboardQueries.variables(dashboard).keySet();
      for (Query query : DashboardQueries.of(dashboard, sampleContext(dashboard))) {
        for (String name : DashboardQueries.references(query.raw())) {
          assertTrue(
              defined.contains(name) || DashboardQueries.BUILT_INS.contains(name),
              query.dashboard() + " " + query.source() + " uses $" + name);
        }
      }
    }
  }

  @Test
  void aVariableQueryUsesOnlyVariablesDefinedBeforeIt() throws IOException {
    // Grafana resolves variables in order: a chain (repo → branch → …) must point backwards
    for (Path file : dashboardFiles()) {
      Set<String> before = new HashSet<>();
      for (JsonNode variable : DashboardQueries.read(file).path("templating").path("list")) {
        for (String name : DashboardQueries.references(DashboardQueries.variableQuery(variable))) {
          assertTrue(
              before.contains(name) || DashboardQueries.BUILT_INS.contains(name),
              file + ": variable " + variable.path("name") + " uses $" + name + " defined later");
        }
        before.add(variable.path("name").asText());
      }
    }
  }

  @Test
  void multiValuedVariablesAreUsedOnlyInsideRegexes() throws IOException {
    // expanding refuses "All" or several values outside /…/, where they would match nothing
    for (Path file : dashboardFiles()) {
      JsonNode dashboard = DashboardQueries.read(file);
      assertFalse(DashboardQueries.of(dashboard, sampleContext(dashboard)).isEmpty());
    }
  }

  @Test
  void everyAnnotationQueryIsLimitedToTheTimeRange() throws IOException {
    for (Path file : dashboardFiles()) {
      JsonNode dashboard = DashboardQueries.read(file);
      assertFalse(dashboard.path("annotations").path("list").isEmpty(), file + ": annotations");
      for (JsonNode annotation : dashboard.path("annotations").path("list")) {
        assertTrue(
            DashboardQueries.annotationQuery(annotation).contains("$timeFilter"),
            file + " annotation " + annotation.path("name"));
      }
    }
  }

  @Test
  void queriesNameOnlyMeasurementsAndFieldsOfTheMetricsSchema() throws IOException {
    MetricsSchema schema = schema();
    for (Path file : dashboardFiles()) {
      JsonNode dashboard = DashboardQueries.read(file);
      for (Query query : DashboardQueries.of(dashboard, sampleContext(dashboard))) {
        List<String> unknown = unknownNames(query.raw(), schema);
        assertTrue(unknown.isEmpty(), query.dashboard() + " " + query.source() + ": " + unknown);
      }
    }
  }

  @Test
  void theSchemaCheckRefusesAFieldTheMetricsDocumentDoesNotDefine() {
    MetricsSchema schema = schema();
    assertEquals(
        List.of("ttd_p95_ms"),
        unknownNames("SELECT max(\"ttd_p95_ms\") AS \"p95\" FROM \"interval\"", schema));
    assertEquals(List.of("count"), unknownNames("SELECT \"count\" FROM \"run\"", schema));
    assertEquals(
        List.of("measurement intervals"), unknownNames("SELECT \"x\" FROM \"intervals\"", schema));
    // a field of the other measurement of a shared table
    assertEquals(List.of("per_s"), unknownNames("SELECT \"per_s\" FROM \"timer\"", schema));
    assertEquals(
        List.of("total"),
        unknownNames("SELECT \"total\" FROM \"run_timer\" WHERE \"name\" =~ /x/", schema));
    assertEquals(
        List.of(),
        unknownNames(
            "SELECT \"title\", \"text\" FROM \"event\" WHERE \"type\" = 'commit' AND \"repo\" =~ /x/",
            schema));
  }

  @Test
  void theSchemaReadFromTheMetricsDocumentHasItsNineMeasurements() {
    MetricsSchema schema = schema();
    assertEquals(
        Set.of(
            "interval",
            "errors",
            "run",
            "timer",
            "counter",
            "run_timer",
            "run_counter",
            "node",
            "event"),
        schema.measurements().keySet());
    assertEquals(
        Set.of("users", "sent", "delivered", "ttd_p99_ms", "lag_p99_ms", "cpu_cores", "rss_mib"),
        schema.measurements().get("node"));
    assertTrue(
        schema.tags().containsAll(Set.of("run_id", "scenario", "repo", "branch", "pr", "arm")));
    assertTrue(schema.measurements().get("interval").containsAll(Set.of("ttd_p99_ms", "users")));
    assertTrue(schema.measurements().get("errors").containsAll(Set.of("kind", "count")));
    assertTrue(schema.measurements().get("run").containsAll(Set.of("state", "msg_per_s", "lost")));
    assertTrue(schema.measurements().get("event").containsAll(Set.of("type", "title", "text")));
    assertFalse(schema.measurements().get("run").contains("finished"), "values are not names");
    // the scenario's metrics: one table for two measurements, each row naming its own fields
    assertEquals(
        Set.of("name", "count", "p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms"),
        schema.measurements().get("timer"));
    assertEquals(Set.of("name", "count", "per_s"), schema.measurements().get("counter"));
    assertEquals(
        Set.of("name", "count", "mean_ms", "p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms"),
        schema.measurements().get("run_timer"));
    assertEquals(Set.of("name", "total"), schema.measurements().get("run_counter"));
  }

  @Test
  void aRepeatedPanelRepeatsOverAMultiValuedVariableThatItsTitleAndQueriesUse() throws IOException {
    int repeated = 0;
    for (Path file : dashboardFiles()) {
      JsonNode dashboard = DashboardQueries.read(file);
      Map<String, JsonNode> variables = DashboardQueries.variables(dashboard);
      for (JsonNode panel : DashboardQueries.panels(dashboard)) {
        String repeat = panel.path("repeat").asText("");
        if (repeat.isEmpty()) {
          continue;
        }
        repeated++;
        String where = file + " panel " + panel.path("title");
        JsonNode variable = variables.get(repeat);
        assertTrue(variable != null, where + ": repeats over $" + repeat + ", not a variable");
        assertTrue(
            variable.path("multi").asBoolean() || variable.path("includeAll").asBoolean(),
            where + ": $" + repeat + " has one value only, nothing to repeat over");
        assertTrue(
            DashboardQueries.references(panel.path("title").asText()).contains(repeat),
            where + ": the title names the copy's $" + repeat);
        for (JsonNode target : panel.path("targets")) {
          assertTrue(
              DashboardQueries.references(target.path("query").asText()).contains(repeat),
              where + " " + target.path("refId") + ": the query uses $" + repeat);
        }
        assertTrue(
            Set.of("h", "v").contains(panel.path("repeatDirection").asText()),
            where + ": repeatDirection h or v");
      }
    }
    assertTrue(repeated > 0, "the scenario's timers are shown by repeated panels");
  }

  /**
   * Double-quoted names in {@code query} that the schema does not define for its measurement,
   * aliases ({@code AS "…"}) left aside; {@code "measurement NAME"} for an unknown measurement.
   */
  static List<String> unknownNames(String query, MetricsSchema schema) {
    Matcher from = FROM.matcher(query);
    if (!from.find()) {
      return List.of("no FROM \"measurement\"");
    }
    String measurement = from.group(1);
    if (!schema.measurements().containsKey(measurement)) {
      return List.of("measurement " + measurement);
    }
    Set<String> allowed = schema.names(measurement);
    List<String> unknown = new ArrayList<>();
    Matcher quoted = QUOTED.matcher(query);
    while (quoted.find()) {
      String name = quoted.group(2);
      if (quoted.group(1) == null && !name.equals(measurement) && !allowed.contains(name)) {
        unknown.add(name);
      }
    }
    return unknown;
  }

  static MetricsSchema schema() {
    return MetricsSchema.read(DASHBOARDS.resolveSibling("docs/metrics.md"));
  }

  static List<Path> dashboardFiles() throws IOException {
    try (Stream<Path> files = Files.list(DASHBOARDS.resolve("murmuration"))) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
  }

  /**
   * A value for every variable: "All" where allowed, two made-up values if multi, else one; and two
   * made-up options of each, for panels repeated over an "All".
   */
  static Context sampleContext(JsonNode dashboard) {
    Map<String, List<String>> values = new HashMap<>();
    Map<String, List<String>> options = new HashMap<>();
    DashboardQueries.variables(dashboard)
        .forEach(
            (name, variable) -> {
              values.put(
                  name,
                  variable.path("includeAll").asBoolean()
                      ? List.of(DashboardQueries.ALL)
                      : variable.path("multi").asBoolean() ? List.of("x", "y") : List.of("x"));
              options.put(name, List.of("x", "y"));
            });
    return new Context(0, 1, "5s", values, options);
  }

  private static JsonNode yaml(String path) throws IOException {
    return YAML.readTree(DASHBOARDS.resolve(path).toFile());
  }

  private static void assertEnvironment(String variable, JsonNode value) {
    assertTrue(
        value.asText().equals("$" + variable) || value.asText().equals("${" + variable + "}"),
        "expected $" + variable + " or ${" + variable + "}, found " + value);
  }

  private static void collectDataSources(JsonNode node, String path, List<String> into) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              field -> {
                if (field.getKey().equals("datasource")) {
                  into.add(path + "/datasource=" + field.getValue());
                } else {
                  collectDataSources(field.getValue(), path + "/" + field.getKey(), into);
                }
              });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collectDataSources(node.get(i), path + "/" + i, into);
      }
    }
  }

  /** Grafana's URL slug of a dashboard title (lower case, runs of other characters → "-"). */
  private static String slug(String title) {
    return title.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
  }
}
