package io.murmuration.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every InfluxQL query of a Grafana dashboard — panel targets, template variables, annotations —
 * with Grafana's macros and template variables replaced the way Grafana's InfluxDB data source
 * replaces them, so that a test can run them against a real InfluxDB.
 *
 * <ul>
 *   <li>{@code $timeFilter} → {@code time >= FROMms and time <= TOms}; {@code $__interval}, {@code
 *       $__interval_ms}, {@code $__from}, {@code $__to}, {@code $__range*} → the given values;
 *   <li>a template variable inside a regex literal ({@code =~ /^$repo$/}) → its values
 *       regex-escaped, several as {@code (a|b)}, "All" as the variable's {@code allValue};
 *   <li>a template variable anywhere else ({@code "run_id" = '$run'}) → its value as it is; a
 *       multi-valued or "All" value there is an error, as it would match nothing in Grafana;
 *   <li>a panel repeated over a variable ({@code "repeat": "timer"}) → one copy per value of the
 *       variable, "All" standing for every option of it, each copy with that one value (its title
 *       too), as Grafana repeats panels.
 * </ul>
 *
 * <p>A variable that is neither defined by the dashboard nor a Grafana built-in is an error.
 */
public final class DashboardQueries {
  /** The value Grafana stores for "All" ({@code $__all}). */
  public static final String ALL = "$__all";

  /** Grafana's global variables that a query may use. */
  public static final Set<String> BUILT_INS =
      Set.of(
          "timeFilter",
          "__timeFilter",
          "__interval",
          "__interval_ms",
          "__from",
          "__to",
          "__range",
          "__range_s",
          "__range_ms");

  // $name, ${name}, ${name:format}, [[name]]
  private static final Pattern VARIABLE =
      Pattern.compile(
          "\\$\\{([A-Za-z_]\\w*)(?::\\w+)?}|\\$([A-Za-z_]\\w*)|\\[\\[([A-Za-z_]\\w*)(?::\\w+)?]]");
  private static final ObjectMapper JSON = new ObjectMapper();

  public enum Kind {
    PANEL,
    VARIABLE,
    ANNOTATION
  }

  /**
   * One query of a dashboard.
   *
   * @param source where it is, e.g. {@code panel "Users" A}, {@code variable repo}
   * @param raw the query as written in the dashboard
   * @param expanded the query as Grafana would send it
   * @param variables the values of the variables it was expanded with: in a repeated panel's copy,
   *     the repeat variable has the copy's one value
   */
  public record Query(
      String dashboard,
      Kind kind,
      String source,
      String raw,
      String expanded,
      Map<String, List<String>> variables) {
    @Override
    public String toString() {
      return dashboard + " " + source + ": " + expanded;
    }
  }

  /**
   * What Grafana would substitute.
   *
   * @param interval {@code $__interval}, e.g. {@code 5s} (s, m or h)
   * @param variables values of template variables; {@link #ALL} for "All"
   * @param options the options a variable offers (its query's answer), for a panel repeated over it
   *     while it is "All"
   */
  public record Context(
      long fromMs,
      long toMs,
      String interval,
      Map<String, List<String>> variables,
      Map<String, List<String>> options) {
    public Context {
      variables = Map.copyOf(variables);
      options = Map.copyOf(options);
    }

    /** A context without options: no panel may repeat over an "All" variable. */
    public Context(long fromMs, long toMs, String interval, Map<String, List<String>> variables) {
      this(fromMs, toMs, interval, variables, Map.of());
    }

    /** This context with {@code name} set to the one value {@code value}. */
    Context with(String name, String value) {
      Map<String, List<String>> changed = new HashMap<>(variables);
      changed.put(name, List.of(value));
      return new Context(fromMs, toMs, interval, changed, options);
    }

    long intervalMs() {
      Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(interval);
      if (!m.matches()) {
        throw new IllegalArgumentException("not an interval: " + interval);
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> n;
        case "s" -> n * 1000;
        case "m" -> n * 60_000;
        default -> n * 3_600_000;
      };
    }
  }

  private DashboardQueries() {}

  /** Reads a dashboard JSON file. */
  public static JsonNode read(Path file) {
    try {
      return JSON.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read dashboard " + file, e);
    }
  }

  /**
   * {@code dashboards/} of this repository, found from the working directory upwards (a module's
   * tests run in the module's folder).
   */
  public static Path dashboardsFolder() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("dashboards/murmuration"))) {
        return dir.resolve("dashboards");
      }
    }
    throw new IllegalStateException(
        "no dashboards/murmuration above " + Path.of("").toAbsolutePath());
  }

  /** Every query of the dashboard, in order: variables, annotations, panels. */
  public static List<Query> of(JsonNode dashboard, Context context) {
    String uid = dashboard.path("uid").asText();
    Map<String, JsonNode> definitions = variables(dashboard);
    List<Query> queries = new ArrayList<>();
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("type").asText().equals("query")) {
        String raw = variableQuery(variable);
        queries.add(
            new Query(
                uid,
                Kind.VARIABLE,
                "variable " + variable.path("name").asText(),
                raw,
                expand(raw, definitions, context),
                context.variables()));
      }
    }
    for (JsonNode annotation : dashboard.path("annotations").path("list")) {
      String raw = annotationQuery(annotation);
      queries.add(
          new Query(
              uid,
              Kind.ANNOTATION,
              "annotation \"" + annotation.path("name").asText() + "\"",
              raw,
              expand(raw, definitions, context),
              context.variables()));
    }
    for (JsonNode panel : panels(dashboard)) {
      for (Context copy : copies(panel, definitions, context)) {
        String title = panel.path("title").asText();
        if (copy != context) {
          title = expand(title, definitions, copy);
        }
        for (JsonNode target : panel.path("targets")) {
          String raw = target.path("query").asText();
          queries.add(
              new Query(
                  uid,
                  Kind.PANEL,
                  "panel \"" + title + "\" " + target.path("refId").asText(),
                  raw,
                  expand(raw, definitions, copy),
                  copy.variables()));
        }
      }
    }
    return queries;
  }

  /**
   * The contexts of a panel's copies: {@code context} itself for a panel that does not repeat; for
   * one repeated over a variable, one per value chosen (per option when "All" is), that variable
   * set to the one value — none when there is nothing to repeat over, as in Grafana.
   */
  static List<Context> copies(JsonNode panel, Map<String, JsonNode> definitions, Context context) {
    String repeat = panel.path("repeat").asText("");
    if (repeat.isEmpty()) {
      return List.of(context);
    }
    if (!definitions.containsKey(repeat)) {
      throw new IllegalArgumentException(
          "panel " + panel.path("title") + " repeats over $" + repeat + ", not a variable");
    }
    List<String> values = context.variables().get(repeat);
    if (values == null || values.isEmpty()) {
      throw new IllegalArgumentException("no value given for $" + repeat);
    }
    if (values.equals(List.of(ALL))) {
      values = context.options().get(repeat);
      if (values == null) {
        throw new IllegalArgumentException("no options given for $" + repeat + " (All) to repeat");
      }
    }
    return values.stream().map(v -> context.with(repeat, v)).toList();
  }

  /** The dashboard's panels, those inside rows included; rows themselves are left out. */
  public static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> panels = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      if (panel.path("type").asText().equals("row")) {
        if (!panel.path("repeat").asText("").isEmpty()) {
          throw new IllegalArgumentException("a repeated row is not supported: " + panel);
        }
        panel.path("panels").forEach(panels::add);
      } else {
        panels.add(panel);
      }
    }
    return panels;
  }

  /** A variable's query: a string in older dashboards, {@code {"query": …}} in newer ones. */
  public static String variableQuery(JsonNode variable) {
    JsonNode query = variable.path("query");
    return query.isTextual() ? query.asText() : query.path("query").asText();
  }

  /** An annotation's query: in {@code target} (Grafana 10+) or, in older dashboards, at the top. */
  public static String annotationQuery(JsonNode annotation) {
    JsonNode target = annotation.path("target");
    return target.hasNonNull("query")
        ? target.path("query").asText()
        : annotation.path("query").asText();
  }

  /** Names of the variables a query uses, built-ins included, in order of appearance. */
  public static Set<String> references(String query) {
    Set<String> names = new LinkedHashSet<>();
    Matcher m = VARIABLE.matcher(query);
    while (m.find()) {
      names.add(name(m));
    }
    return names;
  }

  /** Replaces macros and variables in {@code query} as Grafana would. */
  public static String expand(String query, Map<String, JsonNode> definitions, Context context) {
    StringBuilder out = new StringBuilder();
    Matcher m = VARIABLE.matcher(query);
    int done = 0;
    while (m.find()) {
      out.append(query, done, m.start());
      out.append(value(name(m), inRegex(query, m.start()), definitions, context));
      done = m.end();
    }
    return out.append(query.substring(done)).toString();
  }

  /** The dashboard's template variables by name. */
  public static Map<String, JsonNode> variables(JsonNode dashboard) {
    Map<String, JsonNode> byName = new HashMap<>();
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      byName.put(variable.path("name").asText(), variable);
    }
    return byName;
  }

  private static String name(Matcher m) {
    for (int g = 1; g <= 3; g++) {
      if (m.group(g) != null) {
        return m.group(g);
      }
    }
    throw new AssertionError(m.group());
  }

  private static String value(
      String name, boolean inRegex, Map<String, JsonNode> definitions, Context context) {
    String timeFilter = "time >= " + context.fromMs() + "ms and time <= " + context.toMs() + "ms";
    long range = context.toMs() - context.fromMs();
    switch (name) {
      case "timeFilter", "__timeFilter":
        return timeFilter;
      case "__interval":
        return context.interval();
      case "__interval_ms":
        return Long.toString(context.intervalMs());
      case "__from":
        return Long.toString(context.fromMs());
      case "__to":
        return Long.toString(context.toMs());
      case "__range":
        return range / 1000 + "s";
      case "__range_s":
        return Long.toString(range / 1000);
      case "__range_ms":
        return Long.toString(range);
      default:
        break;
    }
    JsonNode definition = definitions.get(name);
    if (definition == null) {
      throw new IllegalArgumentException(
          "$" + name + " is neither a variable of the dashboard nor a Grafana built-in");
    }
    List<String> values = context.variables().get(name);
    if (values == null || values.isEmpty()) {
      throw new IllegalArgumentException("no value given for $" + name);
    }
    boolean all = values.equals(List.of(ALL));
    if (!inRegex) {
      if (all || values.size() > 1) {
        throw new IllegalArgumentException(
            "$"
                + name
                + " has "
                + values
                + " but is used outside a regex, where that matches nothing");
      }
      return values.getFirst();
    }
    if (all) {
      if (!definition.hasNonNull("allValue")) {
        throw new IllegalArgumentException("$" + name + " is All but the variable has no allValue");
      }
      return definition.path("allValue").asText();
    }
    List<String> escaped = values.stream().map(DashboardQueries::regexEscape).toList();
    return escaped.size() == 1 ? escaped.getFirst() : "(" + String.join("|", escaped) + ")";
  }

  /** Escapes what Grafana escapes in a value put into an InfluxQL regex (the slash included). */
  static String regexEscape(String value) {
    StringBuilder out = new StringBuilder();
    for (char c : value.toCharArray()) {
      if ("\\^$*+?.()|[]{}/".indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  /**
   * Whether {@code at} lies inside an InfluxQL regex literal ({@code =~ /…/} or {@code !~ /…/}).
   */
  static boolean inRegex(String query, int at) {
    boolean regex = false;
    boolean string = false;
    for (int i = 0; i < at; i++) {
      char c = query.charAt(i);
      if (regex) {
        if (c == '\\') {
          i++;
        } else if (c == '/') {
          regex = false;
        }
      } else if (string) {
        if (c == '\\') {
          i++;
        } else if (c == '\'') {
          string = false;
        }
      } else if (c == '\'') {
        string = true;
      } else if (c == '/' && query.substring(0, i).stripTrailing().matches("(?s).*[=!]~")) {
        regex = true;
      }
    }
    return regex;
  }
}
