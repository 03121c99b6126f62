package io.murmuration.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The repository's {@code terraform/} folder as Terraform's own HCL parser reads it ({@code
 * hcl2json.js}: {@code @cdktf/hcl2json}), one configuration per folder: a module or the example
 * composition. No terraform binary runs here; this is what the checks read instead.
 */
final class Terraform {
  /** The repository's terraform/ folder, seen from the deploy module. */
  static final Path ROOT = Path.of("..", "terraform").toAbsolutePath().normalize();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static Map<Path, Configuration> all;

  private Terraform() {}

  /** Every configuration of terraform/, by folder: parsed once per test JVM. */
  static synchronized Map<Path, Configuration> all() {
    if (all == null) {
      all = configurations(parse(files(ROOT)));
    }
    return all;
  }

  /** The configuration in {@code folder} of terraform/, e.g. {@code modules/grafana}. */
  static Configuration at(String folder) {
    Configuration configuration = all().get(ROOT.resolve(folder));
    if (configuration == null) {
      throw new AssertionError("no .tf file in " + ROOT.resolve(folder));
    }
    return configuration;
  }

  /** Every .tf file under {@code root}, sorted. */
  static List<Path> files(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> p.toString().endsWith(".tf")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses {@code files} in one run of the parser.
   *
   * @return each file's JSON, by file
   * @throws AssertionError naming FILE:LINE,COLUMN and the parser's message when a file does not
   *     parse
   */
  static Map<Path, JsonNode> parse(List<Path> files) {
    Processes.Result result = Node.node("hcl2json.js", files.stream().map(Path::toString).toList());
    if (result.exit() != 0) {
      throw new AssertionError("HCL that Terraform would refuse:\n" + result.stderr().strip());
    }
    try {
      JsonNode all = JSON.readTree(result.stdout());
      Map<Path, JsonNode> parsed = new TreeMap<>();
      all.fields().forEachRemaining(e -> parsed.put(Path.of(e.getKey()), e.getValue()));
      return parsed;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first group of every match of {@code pattern} in {@code text}, in order. */
  static List<String> matches(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  /** The parsed files grouped into configurations: one per folder, its files' blocks merged. */
  static Map<Path, Configuration> configurations(Map<Path, JsonNode> parsed) {
    Map<Path, List<JsonNode>> byFolder = new TreeMap<>();
    parsed.forEach(
        (file, json) ->
            byFolder.computeIfAbsent(file.getParent(), f -> new ArrayList<>()).add(json));
    Map<Path, Configuration> configurations = new TreeMap<>();
    byFolder.forEach(
        (folder, jsons) -> configurations.put(folder, new Configuration(folder, jsons)));
    return configurations;
  }

  /** One folder's blocks. */
  record Configuration(Path folder, List<JsonNode> files) {
    /**
     * The labelled blocks of one kind ({@code variable}, {@code output}, {@code module}): label to
     * body. hcl2json gives each body as a one-element array.
     */
    Map<String, JsonNode> blocks(String kind) {
      Map<String, JsonNode> blocks = new TreeMap<>();
      for (JsonNode file : files) {
        file.path(kind).fields().forEachRemaining(e -> blocks.put(e.getKey(), e.getValue().get(0)));
      }
      return blocks;
    }

    /** The names of the {@code locals} of every file. */
    Map<String, JsonNode> locals() {
      Map<String, JsonNode> locals = new TreeMap<>();
      for (JsonNode file : files) {
        for (JsonNode block : file.path("locals")) {
          block.fields().forEachRemaining(e -> locals.put(e.getKey(), e.getValue()));
        }
      }
      return locals;
    }

    /** Every string in the folder's files: where expressions ({@code ${…}}) are. */
    List<String> strings() {
      List<String> strings = new ArrayList<>();
      files.forEach(f -> collect(f, strings));
      return strings;
    }

    private static void collect(JsonNode node, List<String> into) {
      if (node.isTextual()) {
        into.add(node.asText());
      }
      node.forEach(child -> collect(child, into));
    }
  }
}
