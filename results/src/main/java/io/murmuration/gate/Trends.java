package io.murmuration.gate;

import com.fasterxml.jackson.databind.JsonNode;
import io.murmuration.gate.ChangePoints.ChangePoint;
import io.murmuration.results.InfluxHttp;
import io.murmuration.results.InfluxSettings;
import io.murmuration.results.RunMetric;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.influxdb.dto.Point;

/**
 * A branch's history in InfluxDB and where it changed: the {@code run} points of a branch, one
 * series per repo/branch/scenario and metric, oldest first, through {@link ChangePoints}; the
 * change points found, written back as {@code event} points of type {@code change_point}; and which
 * of them are already there. {@code murm analyze} prints and writes what {@link #analyze} finds;
 * the hook service, after each merged build, writes and comments on the change points {@link
 * #reported} does not know yet (docs/gate.md).
 *
 * <p>It talks to InfluxDB through {@link InfluxHttp}, one request per call; every refusal is an
 * {@link InfluxHttp.Problem}: one line saying what InfluxDB did, never the password. One instance
 * may be used by one thread at a time, for as long as its owner lives.
 */
public final class Trends {
  /** The metrics analysed unless the query names others: fields of the {@code run} measurement. */
  public static final List<String> DEFAULT_METRICS =
      List.of(
          RunMetric.TTD_P50.field(), RunMetric.TTD_P99.field(), RunMetric.MESSAGES_PER_S.field());

  /** How far back a query looks unless it says otherwise. */
  public static final String DEFAULT_SINCE = "90d";

  private final InfluxSettings settings;
  private final ChangePoints detector;
  private final InfluxHttp influx;

  public Trends(InfluxSettings settings, ChangePoints detector) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.detector = Objects.requireNonNull(detector, "detector");
    this.influx = new InfluxHttp(settings);
  }

  /**
   * Which history: the runs of {@code branch} in the last {@code since}, optionally of one {@code
   * repo} and one {@code scenario} (null: all), for {@code metrics} (empty: {@link
   * #DEFAULT_METRICS}).
   *
   * @throws IllegalArgumentException when a metric is not a plain field name or {@code since} not
   *     an InfluxQL duration; the message starts with the name of the option at fault ({@code
   *     metric}, {@code since})
   */
  public record Query(
      String branch, String repo, String scenario, List<String> metrics, String since) {
    public Query {
      Objects.requireNonNull(branch, "branch");
      metrics = metrics == null || metrics.isEmpty() ? DEFAULT_METRICS : List.copyOf(metrics);
      since = since == null ? DEFAULT_SINCE : since;
      for (String m : metrics) {
        if (!m.matches("[A-Za-z0-9_]+")) {
          throw new IllegalArgumentException(
              "metric " + m + ": expected a field of the run measurement, e.g. ttd_p99_ms");
        }
      }
      if (!since.matches("\\d+[smhdw]")) {
        throw new IllegalArgumentException(
            "since " + since + ": expected a duration such as 90d, 12w, 48h");
      }
    }

    /** The default metrics of one repository's branch over the default period. */
    public static Query of(String repo, String branch) {
      return new Query(branch, repo, null, List.of(), DEFAULT_SINCE);
    }
  }

  /**
   * What identifies a change point across analyses: the same series, metric and commit are the same
   * change point, whenever it is found again. An absent tag is the empty string, as InfluxQL sees
   * it.
   */
  public record Key(String repo, String branch, String scenario, String metric, String commit) {
    public Key {
      repo = Objects.requireNonNullElse(repo, "");
      branch = Objects.requireNonNullElse(branch, "");
      scenario = Objects.requireNonNullElse(scenario, "");
      metric = Objects.requireNonNullElse(metric, "");
      commit = Objects.requireNonNullElse(commit, "");
    }
  }

  /**
   * A change point found in the series {@code repo}/{@code branch}/{@code scenario} (each null when
   * the runs have no such tag) of {@code metric}.
   *
   * @param timeMs when the run where the change starts ended (its {@code run} point's timestamp)
   * @param commit that run's commit, or null
   * @param previousCommit the commit of the run before it, or null: the change lies in the commits
   *     after this one, up to {@code commit}
   */
  public record Found(
      String repo,
      String branch,
      String scenario,
      String metric,
      long timeMs,
      String commit,
      String previousCommit,
      ChangePoint changePoint) {

    /** The series' tags that are present, space-separated: {@code acme/chat main one-to-one}. */
    public String series() {
      StringJoiner s = new StringJoiner(" ");
      for (String t : new String[] {repo, branch, scenario}) {
        if (t != null) {
          s.add(t);
        }
      }
      return s.toString();
    }

    public Key key() {
      return new Key(repo, branch, scenario, metric, commit);
    }

    /**
     * The annotation, as line protocol: at the timestamp of the run where the change starts, tags
     * {@code type=change_point}, the series' tags, {@code metric} and the run's {@code commit};
     * fields {@code title} and {@code text}. The metric is a tag, so that two metrics changing at
     * the same run are two points; writing the same change point again writes the same timestamp
     * and tags, which InfluxDB keeps as one point.
     */
    public String eventLine() {
      Map<String, String> tags = new LinkedHashMap<>();
      tags.put("type", "change_point");
      putIfPresent(tags, "repo", repo);
      putIfPresent(tags, "branch", branch);
      putIfPresent(tags, "scenario", scenario);
      tags.put("metric", metric);
      putIfPresent(tags, "commit", commit);
      String range =
          Objects.requireNonNullElse(previousCommit, "?")
              + " .. "
              + Objects.requireNonNullElse(commit, "?");
      ChangePoint cp = changePoint;
      return Point.measurement("event")
          .time(timeMs, TimeUnit.MILLISECONDS)
          .tag(tags)
          .addField("title", metric + " " + percent(cp.relativeChange()))
          .addField(
              "text",
              String.format(
                  Locale.ROOT,
                  "%s %.3f → %.3f (%s, p = %s) between commits %s",
                  metric,
                  cp.meanBefore(),
                  cp.meanAfter(),
                  percent(cp.relativeChange()),
                  pValue(cp.pValue()),
                  range))
          .build()
          .lineProtocol(TimeUnit.MILLISECONDS);
    }

    private static void putIfPresent(Map<String, String> tags, String key, String value) {
      if (value != null) {
        tags.put(key, value);
      }
    }
  }

  /** What {@link #analyze} found: the change points, series by series, and how many series. */
  public record Analysis(int seriesCount, List<Found> changePoints) {}

  /**
   * The change points of every series and metric of {@code query}'s history. Runs of a pull request
   * (with a {@code pr} tag), runs of a comparison's arm (an {@code arm} tag: a bisection's) and
   * failed runs are not the branch's history and are left out; a run without a value for a metric
   * is left out of that metric's series.
   */
  public Analysis analyze(Query query) {
    List<String> fields = query.metrics();
    JsonNode series = influx.query(historyQuery(query));
    List<Found> found = new ArrayList<>();
    int seriesCount = 0;
    for (JsonNode s : series) {
      seriesCount++;
      JsonNode tags = s.path("tags");
      List<Run> all = runs(s, fields.size());
      for (int m = 0; m < fields.size(); m++) {
        int metric = m;
        List<Run> runs = all.stream().filter(r -> r.values()[metric] != null).toList();
        double[] values = runs.stream().mapToDouble(r -> r.values()[metric]).toArray();
        for (ChangePoint cp : detector.find(values)) {
          found.add(
              new Found(
                  tag(tags, "repo"),
                  tag(tags, "branch"),
                  tag(tags, "scenario"),
                  fields.get(m),
                  runs.get(cp.index()).timeMs(),
                  runs.get(cp.index()).commit(),
                  runs.get(cp.index() - 1).commit(),
                  cp));
        }
      }
    }
    return new Analysis(seriesCount, List.copyOf(found));
  }

  /**
   * The change points already written as {@code change_point} events for {@code query}'s branch
   * (and repo and scenario, when it names them), at any time: by {@code murm analyze --write} or by
   * the hook service.
   */
  public Set<Key> reported(Query query) {
    Set<Key> keys = new HashSet<>();
    for (JsonNode s : influx.query(reportedQuery(query))) {
      JsonNode tags = s.path("tags");
      keys.add(
          new Key(
              tags.path("repo").asText(""),
              tags.path("branch").asText(""),
              tags.path("scenario").asText(""),
              tags.path("metric").asText(""),
              tags.path("commit").asText("")));
    }
    return keys;
  }

  /** Writes {@code found} as {@code change_point} events ({@link Found#eventLine()}), in one go. */
  public void write(List<Found> found) {
    if (!found.isEmpty()) {
      influx.write(String.join("\n", found.stream().map(Found::eventLine).toList()));
    }
  }

  /** A relative change as the tables and comments show it: {@code +29.5 %}. */
  public static String percent(double relative) {
    return String.format(Locale.ROOT, "%+.1f %%", relative * 100);
  }

  /**
   * A p-value as the tables and comments show it: two significant digits without trailing zeros,
   * {@code 0.001}, {@code 0.035}, {@code 0.5}.
   */
  public static String pValue(double p) {
    return new BigDecimal(String.format(Locale.ROOT, "%.2g", p))
        .stripTrailingZeros()
        .toPlainString();
  }

  /** The finished runs of the branch, one series per repo/branch/scenario, oldest first. */
  static String historyQuery(Query q) {
    StringBuilder s = new StringBuilder("SELECT \"commit\"");
    q.metrics().forEach(f -> s.append(", \"").append(f).append('"'));
    s.append(" FROM \"run\" WHERE time > now() - ").append(q.since());
    s.append(seriesFilter(q));
    // a pull request's runs and the arms of a comparison (a gate, a bisection) are not the
    // branch's history; a failed run measured nothing
    s.append(" AND \"pr\" = '' AND \"arm\" = '' AND \"state\" = 'finished'");
    s.append(" GROUP BY \"repo\", \"branch\", \"scenario\" ORDER BY time ASC");
    return s.toString();
  }

  /** One series per change point already written: its tags are the {@link Key}. */
  static String reportedQuery(Query q) {
    return "SELECT \"title\" FROM \"event\" WHERE \"type\" = 'change_point'"
        + seriesFilter(q)
        + " GROUP BY \"repo\", \"branch\", \"scenario\", \"metric\", \"commit\"";
  }

  private static String seriesFilter(Query q) {
    StringBuilder s = new StringBuilder(" AND \"branch\" = ").append(literal(q.branch()));
    if (q.repo() != null) {
      s.append(" AND \"repo\" = ").append(literal(q.repo()));
    }
    if (q.scenario() != null) {
      s.append(" AND \"scenario\" = ").append(literal(q.scenario()));
    }
    return s.toString();
  }

  private static String literal(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static String tag(JsonNode tags, String name) {
    String v = tags.path(name).asText("");
    return v.isEmpty() ? null : v;
  }

  /** One run of a series: when it ended, its commit (or null) and the metrics' values. */
  private record Run(long timeMs, String commit, Double[] values) {}

  private static List<Run> runs(JsonNode series, int fieldCount) {
    List<Run> runs = new ArrayList<>();
    for (JsonNode row : series.path("values")) {
      Double[] values = new Double[fieldCount];
      for (int i = 0; i < fieldCount; i++) {
        JsonNode v = row.path(i + 2);
        values[i] = v.isNumber() ? v.asDouble() : null;
      }
      JsonNode commit = row.path(1);
      runs.add(new Run(row.path(0).asLong(), commit.isTextual() ? commit.asText() : null, values));
    }
    return runs;
  }
}
