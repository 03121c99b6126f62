package io.murmuration.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.murmuration.cluster.CoordinatorNode;
import io.murmuration.engine.RunControl;
import io.murmuration.testing.OpenApiDocument;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The control API's OpenAPI document against the implementation's routes and JSON shapes. */
class OpenApiDocumentTest {
  private final ObjectMapper json =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  @Test
  void documentsExactlyTheRoutesTheServerAnswers() throws Exception {
    assertEquals(new TreeSet<>(ControlApi.ROUTES), OpenApiDocument.load().routes());
  }

  @Test
  void everyReferenceResolves() throws Exception {
    OpenApiDocument doc = OpenApiDocument.load();
    List<String> refs = doc.root().findValuesAsText("$ref");
    assertTrue(refs.size() > 10, refs.toString());
    for (String ref : refs) {
      assertTrue(!doc.root().at(ref.substring(1)).isMissingNode(), "unresolved " + ref);
    }
  }

  /** The records the server writes, serialised as it does, conform to their schemas. */
  @Test
  void theServersAnswersConformToTheirSchemas() throws Exception {
    OpenApiDocument doc = OpenApiDocument.load();
    Control.RunStatus run =
        new Control.RunStatus("r1", "one-to-one", "failed", "why", 3, 10, 100L, 99L);
    assertConforms(doc, new Control.Status("running", run, 2), "Status");
    assertConforms(doc, new Control.Status("idle", null, 0), "Status");
    assertConforms(
        doc,
        new CoordinatorNode.MemberInfo("127.0.0.2:25521", List.of("worker"), "up", true),
        "Member");
    assertConforms(
        doc,
        new Control.ScenarioInfo(
            "ping", "d", List.of(new Control.ParamInfo("interval", "duration", "1s", "d", true))),
        "Scenario");
    assertConforms(doc, RunControl.Answer.refused("no"), "Answer");
    assertConforms(doc, Map.of("error", "x"), "Error");
    // and a schema catches what is not documented
    JsonNode extra = json.valueToTree(Map.of("accepted", true, "message", "m", "extra", 1));
    assertEquals(List.of("Answer has undocumented property extra"), doc.problems(extra, "Answer"));
  }

  @Test
  void requestBodiesNameTheRecordsTheServerReads() throws Exception {
    OpenApiDocument doc = OpenApiDocument.load();
    assertEquals(
        new TreeSet<>(List.of("scenario", "settings", "params")),
        fields(doc.schema("StartRequest")));
    assertEquals(new TreeSet<>(List.of("users", "rate")), fields(doc.schema("Users")));
    assertEquals(new TreeSet<>(List.of("params", "throttles")), fields(doc.schema("Settings")));
    assertEquals(components(Control.StartRequest.class), fields(doc.schema("StartRequest")));
    assertEquals(components(ControlApi.Users.class), fields(doc.schema("Users")));
    assertEquals(components(ControlApi.Settings.class), fields(doc.schema("Settings")));
  }

  private void assertConforms(OpenApiDocument doc, Object value, String schema) {
    assertEquals(List.of(), doc.problems(json.valueToTree(value), schema), schema);
  }

  private static TreeSet<String> fields(JsonNode schema) {
    TreeSet<String> names = new TreeSet<>();
    schema.path("properties").fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static TreeSet<String> components(Class<? extends Record> type) {
    TreeSet<String> names = new TreeSet<>();
    for (var c : type.getRecordComponents()) {
      names.add(PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(c.getName()));
    }
    return names;
  }
}
