package io.murmuration.dashboards;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The measurements of {@code docs/metrics.md} and the names (tags and fields) each may be queried
 * by, read from the document itself: tags from the table under "Tags", and per {@code ### `name`}
 * section (or {@code ### `a` and `b`} for several measurements) the first column of its table plus
 * the names its prose introduces with "tag", "tagged" or "field(s)". A table whose first column is
 * "measurement" gives each row's names (second column) to the measurement of that row only; prose
 * names go to every measurement of the section.
 */
public record MetricsSchema(Set<String> tags, Map<String, Set<String>> measurements) {
  private static final Pattern HEADING = Pattern.compile("^(#{2,3})\\s+(.*)$");
  private static final Pattern MEASUREMENTS =
      Pattern.compile("^(`\\w+`(?:\\s*(?:,|and)\\s*`\\w+`)*).*");
  private static final Pattern NAME = Pattern.compile("`(\\w+)`");
  private static final Pattern PARENTHESES = Pattern.compile("\\([^)]*\\)");
  // "Tag `kind`", "tagged `name`", "field `count`", "Fields `title` (string) and `text` (string,
  // …)"
  private static final Pattern PROSE =
      Pattern.compile(
          "(?i)\\b(?:tag(?:s|ged)?|fields?)\\s+(`\\w+`(?:\\s*\\([^)]*\\))?(?:\\s*(?:,|and)\\s*`\\w+`(?:\\s*\\([^)]*\\))?)*)");

  public static MetricsSchema read(Path metricsMd) {
    String text;
    try {
      text = Files.readString(metricsMd);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Set<String> tags = new HashSet<>();
    Map<String, Set<String>> measurements = new LinkedHashMap<>();
    // the measurements of the current section, by name; empty outside one
    Map<String, Set<String>> current = Map.of();
    boolean inTags = false;
    boolean headerRow = false;
    boolean byMeasurement = false;
    for (String line : text.split("\n")) {
      Matcher heading = HEADING.matcher(line);
      if (heading.matches()) {
        Matcher names = MEASUREMENTS.matcher(heading.group(2));
        inTags = heading.group(1).equals("##") && heading.group(2).startsWith("Tags");
        current = new LinkedHashMap<>();
        if (heading.group(1).equals("###") && names.matches()) {
          Set<String> declared = new LinkedHashSet<>();
          names(names.group(1), declared);
          for (String measurement : declared) {
            current.put(measurement, new HashSet<>());
          }
          measurements.putAll(current);
        }
        headerRow = true;
        continue;
      }
      List<Set<String>> into = inTags ? List.of(tags) : List.copyOf(current.values());
      if (into.isEmpty()) {
        continue;
      }
      if (line.startsWith("|")) {
        String[] cells = line.split("\\|");
        if (headerRow) {
          headerRow = false; // the table's header: is it one row per measurement?
          byMeasurement = cells[1].strip().equals("measurement");
          continue;
        }
        if (line.matches("\\|[-|\\s]+")) {
          continue; // the separator line under the header
        }
        if (byMeasurement) {
          Set<String> of = new LinkedHashSet<>();
          names(cells[1], of);
          for (String measurement : of) {
            Set<String> names = current.get(measurement);
            if (names == null) {
              throw new IllegalStateException(
                  "metrics.md: a row of " + measurement + " in a section of " + current.keySet());
            }
            names(PARENTHESES.matcher(cells[2]).replaceAll(""), names);
          }
        } else {
          String firstCell = PARENTHESES.matcher(cells[1]).replaceAll("");
          into.forEach(names -> names(firstCell, names));
        }
      } else {
        Matcher prose = PROSE.matcher(line);
        while (prose.find()) {
          String found = PARENTHESES.matcher(prose.group(1)).replaceAll("");
          into.forEach(names -> names(found, names));
        }
      }
    }
    Map<String, Set<String>> frozen = new LinkedHashMap<>();
    measurements.forEach((m, names) -> frozen.put(m, Set.copyOf(names)));
    return new MetricsSchema(Set.copyOf(tags), Map.copyOf(frozen));
  }

  /** The names a query of {@code measurement} may use: its own and the tags on every point. */
  Set<String> names(String measurement) {
    Set<String> names = new HashSet<>(tags);
    names.addAll(measurements.getOrDefault(measurement, Set.of()));
    return names;
  }

  private static void names(String text, Set<String> into) {
    Matcher name = NAME.matcher(text);
    while (name.find()) {
      into.add(name.group(1));
    }
  }
}
