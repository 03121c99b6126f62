package io.murmuration.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The dashboards of {@code dashboards/murmuration} against Grafana's published types: each JSON
 * file becomes a TypeScript file that assigns its text, verbatim, to a variable of the type {@code
 * src/test/node/dashboard.ts} declares — Grafana's {@code Dashboard} from {@code @grafana/schema},
 * with the InfluxQL queries and the panel plugins' options made explicit — and one {@code tsc} run
 * checks them all. An object literal gets TypeScript's excess-property and literal checks: a field
 * Grafana does not know, or a value of the wrong type or outside an enum, fails. Broken copies of a
 * real dashboard, checked in the same run, show that the check is that strict.
 */
class DashboardTypesTest {
  private static final Path DASHBOARDS =
      Path.of("..", "dashboards", "murmuration").toAbsolutePath().normalize();

  /** The dashboard the broken copies are made of. */
  private static final Path BROKEN_FROM = DASHBOARDS.resolve("run.json");

  /**
   * Put before a dashboard's text, on its first line, so that tsc's line numbers are the JSON
   * file's.
   */
  private static final String PREFIX =
      "import type { MurmurationDashboard } from '../dashboard';"
          + " const dashboard: MurmurationDashboard = ";

  /** A diagnostic as {@code tsc --pretty false} prints it: {@code FILE(LINE,COLUMN): error …}. */
  private static final Pattern DIAGNOSTIC = Pattern.compile("(.+)\\((\\d+),\\d+\\): (error .*)");

  /**
   * A copy of {@link #BROKEN_FROM} whose first {@code from} is {@code to}: tsc must say {@code
   * says}.
   */
  record Breakage(String what, String from, String to, String says) {
    Path copy() {
      return copies.resolve(what.replace(' ', '-') + ".json");
    }

    @Override
    public String toString() {
      return what;
    }
  }

  static final List<Breakage> BREAKAGES =
      List.of(
          new Breakage(
              "a misspelt panel field",
              "\"gridPos\": {",
              "\"gridPoz\": {",
              "'\"gridPoz\"' does not exist in type"),
          new Breakage(
              "a field of the wrong type",
              "\"collapsed\": false",
              "\"collapsed\": \"false\"",
              "Type 'string' is not assignable to type 'boolean'"),
          new Breakage(
              "a result format Grafana does not know",
              "\"resultFormat\": \"table\"",
              "\"resultFormat\": \"tabel\"",
              "Type '\"tabel\"' is not assignable to type '\"time_series\" | \"table\" | \"logs\"'"),
          new Breakage(
              "an InfluxQL field the allowance does not declare",
              "\"resultFormat\": \"time_series\"",
              "\"resultFormat\": \"time_series\", \"tz\": \"UTC\"",
              "'\"tz\"' does not exist in type"),
          new Breakage(
              "a legend display mode the time series panel does not know",
              "\"displayMode\": \"list\"",
              "\"displayMode\": \"lists\"",
              "Type '\"lists\"' is not assignable to type"));

  @TempDir static Path copies;

  private static List<Path> dashboards;
  private static List<Problem> problems;

  /** What tsc said about a line of a dashboard. */
  record Problem(Path file, int line, String message) {
    @Override
    public String toString() {
      return file + ":" + line + ": " + message;
    }
  }

  @BeforeAll
  static void typeCheckTheDashboardsAndTheBrokenCopies() throws IOException {
    try (Stream<Path> files = Files.list(DASHBOARDS)) {
      dashboards = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
    String original = Files.readString(BROKEN_FROM);
    List<Path> checked = new ArrayList<>(dashboards);
    for (Breakage breakage : BREAKAGES) {
      assertTrue(original.contains(breakage.from()), BROKEN_FROM + " has no " + breakage.from());
      Files.writeString(
          breakage.copy(), original.replaceFirst(Pattern.quote(breakage.from()), breakage.to()));
      checked.add(breakage.copy());
    }
    problems = typeCheck(checked);
  }

  @Test
  void everyDashboardHasGrafanasTypes() {
    assertFalse(dashboards.isEmpty(), "no dashboard in " + DASHBOARDS);
    List<Problem> found = problems.stream().filter(p -> !p.file().startsWith(copies)).toList();
    assertTrue(
        found.isEmpty(),
        () ->
            "the dashboards do not match Grafana's types (@grafana/schema, with the fields"
                + " deploy/src/test/node/dashboard.ts allows):\n"
                + String.join("\n", found.stream().map(Problem::toString).toList()));
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("BREAKAGES")
  void aBrokenDashboardFailsAtTheBrokenLine(Breakage breakage) throws IOException {
    List<String> lines = Files.readAllLines(BROKEN_FROM);
    int line =
        IntStream.range(0, lines.size())
                .filter(i -> lines.get(i).contains(breakage.from()))
                .findFirst()
                .orElseThrow()
            + 1;
    List<Problem> found = problems.stream().filter(p -> p.file().equals(breakage.copy())).toList();
    assertEquals(1, found.size(), () -> "one problem expected, tsc found " + found);
    assertTrue(
        found.getFirst().toString().startsWith(breakage.copy() + ":" + line + ": error TS"),
        () -> "at " + breakage.copy() + ":" + line + " expected, tsc said " + found);
    assertTrue(
        found.getFirst().message().contains(breakage.says()), () -> found.getFirst().toString());
  }

  /**
   * Runs tsc once over the dashboards, each written as {@code target/node/dashboards/N-NAME.ts},
   * and returns its diagnostics, with each generated file's name replaced by its dashboard's.
   */
  private static List<Problem> typeCheck(List<Path> dashboards) throws IOException {
    Path dir = Files.createDirectories(Node.HOME.resolve("dashboards"));
    Map<Path, Path> sources = new LinkedHashMap<>();
    for (Path dashboard : dashboards) {
      String name = dashboard.getFileName().toString().replaceFirst("\\.json$", ".ts");
      Path typescript = dir.resolve(sources.size() + "-" + name);
      Files.writeString(typescript, PREFIX + Files.readString(dashboard));
      sources.put(typescript, dashboard);
    }
    Path tsconfig = dir.resolve("tsconfig.json");
    new ObjectMapper()
        .writeValue(
            tsconfig.toFile(),
            Map.of(
                "extends",
                "../tsconfig.json",
                "files",
                sources.keySet().stream().map(f -> f.getFileName().toString()).toList()));
    Processes.Result tsc =
        Node.bin("tsc", List.of("--project", tsconfig.toString(), "--pretty", "false"));
    List<Problem> problems = new ArrayList<>();
    for (String line : tsc.stdout().lines().toList()) {
      Matcher diagnostic = DIAGNOSTIC.matcher(line);
      if (diagnostic.matches()) {
        Path file = Node.HOME.resolve(diagnostic.group(1)).normalize();
        problems.add(
            new Problem(
                sources.getOrDefault(file, file),
                Integer.parseInt(diagnostic.group(2)),
                diagnostic.group(3)));
      } else if (!problems.isEmpty()) {
        Problem last = problems.removeLast();
        problems.add(new Problem(last.file(), last.line(), last.message() + "\n" + line));
      }
    }
    if (tsc.exit() != 0 && problems.isEmpty()) {
      throw new AssertionError(
          "tsc failed (exit " + tsc.exit() + "): " + tsc.stdout() + tsc.stderr());
    }
    return problems;
  }
}
