package io.murmuration.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be checked of terraform/ without a terraform binary: that Terraform's parser takes every
 * file, that every variable and output is documented, that secrets have no defaults, and that every
 * reference ({@code var.}, {@code local.}, a module's inputs and outputs) names something declared
 * — the parts of {@code terraform validate} that need no provider.
 */
class TerraformTest {
  private static final Pattern VAR = Pattern.compile("\\bvar\\.([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern LOCAL = Pattern.compile("\\blocal\\.([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern MODULE_OUTPUT =
      Pattern.compile("\\bmodule\\.([A-Za-z_][A-Za-z0-9_]*)\\.([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern SECRET =
      Pattern.compile("(password|secret|token|private_key|certs)$");
  private static final Set<String> MODULE_META =
      Set.of("source", "version", "count", "for_each", "depends_on", "providers");

  private static Map<Path, Terraform.Configuration> configurations;

  @BeforeAll
  static void parse() {
    configurations = Terraform.all();
  }

  @Test
  void everyModuleAndTheExampleAreThere() {
    Set<String> folders = new TreeSet<>();
    configurations.keySet().forEach(f -> folders.add(Terraform.ROOT.relativize(f).toString()));
    assertEquals(
        Set.of(
            "examples/aws",
            "modules/coordinator",
            "modules/grafana",
            "modules/host",
            "modules/influxdb",
            "modules/runner-workers",
            "modules/webhook"),
        folders);
  }

  @Test
  void aFileTerraformWouldRefuseIsReportedWithItsFileAndLine(@TempDir Path dir) throws IOException {
    Path good = dir.resolve("good.tf");
    Files.writeString(good, "variable \"a\" {\n  type = string\n  description = \"a\"\n}\n");
    Path bad = dir.resolve("bad.tf");
    Files.writeString(
        bad, "variable \"a\" {\n  type = string\n}\n\nresource \"x\" \"y\" {\n  a =\n}\n");

    AssertionError refused =
        assertThrows(AssertionError.class, () -> Terraform.parse(List.of(good, bad)));

    assertTrue(refused.getMessage().contains(bad + ":6,"), refused.getMessage());
    assertFalse(refused.getMessage().contains(good.toString()), refused.getMessage());
  }

  @Test
  void everyVariableHasADescriptionAndAType() {
    List<String> missing = new ArrayList<>();
    configurations.forEach(
        (folder, config) ->
            config
                .blocks("variable")
                .forEach(
                    (name, body) -> {
                      if (body.path("description").asText().isBlank()) {
                        missing.add(where(folder, "variable", name) + ": no description");
                      }
                      if (!body.has("type")) {
                        missing.add(where(folder, "variable", name) + ": no type");
                      }
                    }));
    assertEquals(List.of(), missing);
  }

  @Test
  void everyOutputHasADescription() {
    List<String> missing = new ArrayList<>();
    configurations.forEach(
        (folder, config) ->
            config
                .blocks("output")
                .forEach(
                    (name, body) -> {
                      if (body.path("description").asText().isBlank()) {
                        missing.add(where(folder, "output", name));
                      }
                    }));
    assertEquals(List.of(), missing);
  }

  @Test
  void secretsAreSensitiveInputsWithoutDefaults() {
    List<String> wrong = new ArrayList<>();
    int secrets = 0;
    for (var entry : configurations.entrySet()) {
      for (var variable : entry.getValue().blocks("variable").entrySet()) {
        JsonNode body = variable.getValue();
        boolean secret = SECRET.matcher(variable.getKey()).find();
        if (body.path("sensitive").asBoolean() && body.has("default")) {
          wrong.add(where(entry.getKey(), "variable", variable.getKey()) + ": a secret's default");
        }
        if (secret) {
          secrets++;
          if (!body.path("sensitive").asBoolean()) {
            wrong.add(where(entry.getKey(), "variable", variable.getKey()) + ": not sensitive");
          }
          if (body.has("default")) {
            wrong.add(where(entry.getKey(), "variable", variable.getKey()) + ": has a default");
          }
        }
      }
    }
    assertEquals(List.of(), wrong);
    assertTrue(secrets >= 20, "the secrets were found: " + secrets);
  }

  @Test
  void everyVariableAndLocalThatIsUsedIsDeclared() {
    List<String> undeclared = new ArrayList<>();
    configurations.forEach(
        (folder, config) -> {
          Set<String> variables = config.blocks("variable").keySet();
          Set<String> locals = config.locals().keySet();
          for (String text : config.strings()) {
            if (!text.contains("${")) {
              continue; // plain text (a description) names no variable
            }
            for (String used : Terraform.matches(VAR, text)) {
              if (!variables.contains(used)) {
                undeclared.add(Terraform.ROOT.relativize(folder) + ": var." + used);
              }
            }
            for (String used : Terraform.matches(LOCAL, text)) {
              if (!locals.contains(used)) {
                undeclared.add(Terraform.ROOT.relativize(folder) + ": local." + used);
              }
            }
          }
        });
    assertEquals(List.of(), undeclared);
  }

  @Test
  void everyModuleCallGivesItsRequiredInputsAndOnlyDeclaredOnesAndReadsDeclaredOutputs() {
    List<String> wrong = new ArrayList<>();
    int calls = 0;
    for (var entry : configurations.entrySet()) {
      Path folder = entry.getKey();
      Terraform.Configuration config = entry.getValue();
      Map<String, JsonNode> modules = config.blocks("module");
      for (var call : modules.entrySet()) {
        calls++;
        Path source = folder.resolve(call.getValue().path("source").asText()).normalize();
        Terraform.Configuration target = configurations.get(source);
        if (target == null) {
          wrong.add(where(folder, "module", call.getKey()) + ": no module at " + source);
          continue;
        }
        Map<String, JsonNode> inputs = target.blocks("variable");
        Set<String> given = new TreeSet<>();
        call.getValue().fieldNames().forEachRemaining(given::add);
        given.removeAll(MODULE_META);
        for (String input : given) {
          if (!inputs.containsKey(input)) {
            wrong.add(where(folder, "module", call.getKey()) + ": unknown input " + input);
          }
        }
        inputs.forEach(
            (input, body) -> {
              if (!body.has("default") && !given.contains(input)) {
                wrong.add(where(folder, "module", call.getKey()) + ": required input " + input);
              }
            });
      }
      for (String text : config.strings()) {
        Matcher m = MODULE_OUTPUT.matcher(text);
        while (m.find()) {
          JsonNode call = modules.get(m.group(1));
          if (call == null) {
            wrong.add(
                Terraform.ROOT.relativize(folder) + ": module." + m.group(1) + " is not called");
            continue;
          }
          Path source = folder.resolve(call.path("source").asText()).normalize();
          Terraform.Configuration target = configurations.get(source);
          if (target != null && !target.blocks("output").containsKey(m.group(2))) {
            wrong.add(
                Terraform.ROOT.relativize(folder) + ": module." + m.group(1) + "." + m.group(2));
          }
        }
      }
    }
    assertEquals(List.of(), wrong);
    assertTrue(calls >= 10, "module calls found: " + calls);
  }

  @Test
  void everyModulePinsItsProviders() {
    List<String> unpinned = new ArrayList<>();
    configurations.forEach(
        (folder, config) -> {
          boolean declared = false;
          for (JsonNode file : config.files()) {
            for (JsonNode terraform : file.path("terraform")) {
              for (JsonNode providers : terraform.path("required_providers")) {
                declared = true;
                providers
                    .fields()
                    .forEachRemaining(
                        p -> {
                          if (!p.getValue()
                              .path("version")
                              .asText()
                              .matches("\\d+\\.\\d+\\.\\d+")) {
                            unpinned.add(Terraform.ROOT.relativize(folder) + ": " + p.getKey());
                          }
                        });
              }
            }
          }
          if (!declared) {
            unpinned.add(Terraform.ROOT.relativize(folder) + ": no required_providers");
          }
        });
    assertEquals(List.of(), unpinned);
  }

  private static String where(Path folder, String kind, String name) {
    return Terraform.ROOT.relativize(folder) + ": " + kind + " " + name;
  }
}
