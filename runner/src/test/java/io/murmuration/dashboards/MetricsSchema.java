package io.murmuration.dashboards;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The measurements of {@code docs/metrics.md} and the names (tags and fields) each may be queried
 * by, read from the document itself: tags from the table under "Tags", and per {@code ### `name`}
 * section the first column of its table plus the names its prose introduces with "tag" or
 * "field(s)".
 */
public record MetricsSchema(Set<String> tags, Map<String, Set<String>> measurements) {
  private static final Pattern HEADING = Pattern.compile("^(#{2,3})\\s+(.*)$");
  private static final Pattern MEASUREMENT = Pattern.compile("^`(\\w+)`.*");
  private static final Pattern NAME = Pattern.compile("`(\\w+)`");
  private static final Pattern PARENTHESES = Pattern.compile("\\([^)]*\\)");
  // "Tag `kind`", "field `count`", "Fields `title` (string) and `text` (string, …)"
  private static final Pattern PROSE =
      Pattern.compile(
          "(?i)\\b(?:tags?|fields?)\\s+(`\\w+`(?:\\s*\\([^)]*\\))?(?:\\s*(?:,|and)\\s*`\\w+`(?:\\s*\\([^)]*\\))?)*)");

  public static MetricsSchema read(Path metricsMd) {
    String text;
    try {
      text = Files.readString(metricsMd);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Set<String> tags = new HashSet<>();
    Map<String, Set<String>> measurements = new LinkedHashMap<>();
    Set<String> current = null;
    boolean inTags = false;
    boolean headerRow = false;
    for (String line : text.split("\n")) {
      Matcher heading = HEADING.matcher(line);
      if (heading.matches()) {
        Matcher measurement = MEASUREMENT.matcher(heading.group(2));
        inTags = heading.group(1).equals("##") && heading.group(2).startsWith("Tags");
        current = null;
        if (heading.group(1).equals("###") && measurement.matches()) {
          current = new HashSet<>();
          measurements.put(measurement.group(1), current);
        }
        headerRow = true;
        continue;
      }
      Set<String> into = inTags ? tags : current;
      if (into == null) {
        continue;
      }
      if (line.startsWith("|")) {
        if (headerRow || line.matches("\\|[-|\\s]+")) {
          headerRow = false; // the table's header, then its separator line
          continue;
        }
        String firstCell = PARENTHESES.matcher(line.split("\\|")[1]).replaceAll("");
        names(firstCell, into);
      } else {
        Matcher prose = PROSE.matcher(line);
        while (prose.find()) {
          names(PARENTHESES.matcher(prose.group(1)).replaceAll(""), into);
        }
      }
    }
    return new MetricsSchema(Set.copyOf(tags), Map.copyOf(measurements));
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
