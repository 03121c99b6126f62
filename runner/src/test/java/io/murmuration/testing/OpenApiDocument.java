package io.murmuration.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The control API's OpenAPI document, read for tests: its routes, and a check of a JSON value
 * against one of its schemas (required properties present, no property it does not document, types
 * of scalars), enough to catch the implementation and the document drifting apart.
 */
public final class OpenApiDocument {
  private final JsonNode doc;

  private OpenApiDocument(JsonNode doc) {
    this.doc = doc;
  }

  public static OpenApiDocument load() throws IOException {
    try (InputStream in =
        OpenApiDocument.class.getResourceAsStream("/io/murmuration/control/openapi.yaml")) {
      return new OpenApiDocument(new ObjectMapper(new YAMLFactory()).readTree(in));
    }
  }

  public JsonNode root() {
    return doc;
  }

  /** Every documented route as {@code METHOD /path}. */
  public Set<String> routes() {
    Set<String> routes = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      path.getValue()
          .fieldNames()
          .forEachRemaining(
              m -> routes.add(m.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey()));
    }
    return routes;
  }

  /** The schema named {@code name} under {@code components/schemas}. */
  public JsonNode schema(String name) {
    JsonNode s = doc.at("/components/schemas/" + name);
    if (s.isMissingNode()) {
      throw new AssertionError("no schema " + name + " in openapi.yaml");
    }
    return s;
  }

  /** What is wrong with {@code value} against schema {@code name}; empty when it conforms. */
  public List<String> problems(JsonNode value, String name) {
    List<String> problems = new ArrayList<>();
    check(value, schema(name), name, problems);
    return problems;
  }

  private void check(JsonNode value, JsonNode schema, String where, List<String> problems) {
    if (schema.has("$ref")) {
      String ref = schema.get("$ref").asText();
      check(value, schema(ref.substring(ref.lastIndexOf('/') + 1)), where, problems);
      return;
    }
    if (value == null || value.isNull()) {
      if (!schema.path("nullable").asBoolean(false)) {
        problems.add(where + " is null but not nullable");
      }
      return;
    }
    if (schema.has("allOf")) {
      for (JsonNode part : schema.get("allOf")) {
        check(value, part, where, problems);
      }
      return;
    }
    String type = schema.path("type").asText("");
    switch (type) {
      case "object" -> {
        if (!value.isObject()) {
          problems.add(where + " is not an object");
          return;
        }
        JsonNode properties = schema.path("properties");
        for (JsonNode required : schema.path("required")) {
          if (!value.has(required.asText())) {
            problems.add(where + " lacks required " + required.asText());
          }
        }
        value
            .fields()
            .forEachRemaining(
                f -> {
                  if (properties.has(f.getKey())) {
                    check(
                        f.getValue(),
                        properties.get(f.getKey()),
                        where + "." + f.getKey(),
                        problems);
                  } else if (schema.has("additionalProperties")
                      && schema.get("additionalProperties").isObject()) {
                    check(
                        f.getValue(),
                        schema.get("additionalProperties"),
                        where + "." + f.getKey(),
                        problems);
                  } else if (!properties.isMissingNode()) {
                    problems.add(where + " has undocumented property " + f.getKey());
                  }
                });
      }
      case "array" -> {
        if (!value.isArray()) {
          problems.add(where + " is not an array");
          return;
        }
        int i = 0;
        for (JsonNode item : value) {
          check(item, schema.path("items"), where + "[" + i++ + "]", problems);
        }
      }
      case "string" -> {
        if (!value.isTextual()) {
          problems.add(where + " is not a string: " + value);
        } else if (schema.has("enum")) {
          boolean listed = false;
          for (JsonNode e : schema.get("enum")) {
            listed |= e.asText().equals(value.asText());
          }
          if (!listed) {
            problems.add(where + " = " + value + " is not one of " + schema.get("enum"));
          }
        }
      }
      case "integer" -> {
        if (!value.isIntegralNumber()) {
          problems.add(where + " is not an integer: " + value);
        }
      }
      case "number" -> {
        if (!value.isNumber()) {
          problems.add(where + " is not a number: " + value);
        }
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          problems.add(where + " is not a boolean: " + value);
        }
      }
      default -> {
        // untyped: anything goes
      }
    }
  }
}
