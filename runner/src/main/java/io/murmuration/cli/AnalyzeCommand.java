package io.murmuration.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.murmuration.gate.ChangePoints;
import io.murmuration.gate.ChangePoints.ChangePoint;
import io.murmuration.influx.InfluxSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.influxdb.dto.Point;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code murm analyze}: change points of the default branch's history in InfluxDB — one {@code run}
 * point per run, per repo/branch/scenario series and metric — printed as a table and, with {@code
 * --write}, written back as {@code event} points of type {@code change_point}, which the Trends
 * dashboard shows as annotations (docs/gate.md).
 *
 * <p>It talks to InfluxDB's v1 HTTP API directly ({@code GET /query}, {@code POST /write}): two
 * requests, and the answer's JSON is read as it comes.
 */
@Command(
    name = "analyze",
    description =
        "Find change points in each metric's history of a branch in InfluxDB (E-Divisive means"
            + " with a t-test); --write stores them as change_point events.")
final class AnalyzeCommand implements Callable<Integer> {
  static final List<String> DEFAULT_METRICS = List.of("ttd_p50_ms", "ttd_p99_ms", "msg_per_s");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
  private static final List<String> SERIES_TAGS = List.of("repo", "branch", "scenario");

  @Mixin InfluxConnectionOptions connection = new InfluxConnectionOptions();

  @Option(names = "--repo", paramLabel = "OWNER/NAME", description = "only this repository")
  String repo;

  @Option(
      names = "--branch",
      defaultValue = "main",
      description = "the branch whose history is analysed (default: ${DEFAULT-VALUE})")
  String branch;

  @Option(names = "--scenario", description = "only this scenario")
  String scenario;

  @Option(
      names = "--metric",
      split = ",",
      paramLabel = "FIELD",
      description =
          "a field of the run measurement (repeatable; default: ttd_p50_ms, ttd_p99_ms,"
              + " msg_per_s)")
  List<String> metrics = new ArrayList<>();

  @Option(
      names = "--since",
      defaultValue = "90d",
      paramLabel = "DURATION",
      description = "how far back, e.g. 90d, 12w, 48h (default: ${DEFAULT-VALUE})")
  String since;

  @Option(
      names = "--alpha",
      defaultValue = "0.001",
      description = "significance level of the t-test (default: ${DEFAULT-VALUE})")
  double alpha;

  @Option(
      names = "--min-segment",
      defaultValue = "3",
      paramLabel = "RUNS",
      description = "fewest runs on each side of a change point (default: ${DEFAULT-VALUE})")
  int minSegment;

  @Option(names = "--write", description = "write the change points as change_point events")
  boolean write;

  PrintStream out = System.out;
  Map<String, String> env = System.getenv();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One run of a series: when it ended, its commit (or null) and the metrics' values. */
  private record Run(long timeMs, String commit, Double[] values) {}

  /** A change point found at {@code runs.get(cp.index())} of a series. */
  private record Found(Map<String, String> tags, String metric, List<Run> runs, ChangePoint cp) {
    Run run() {
      return runs.get(cp.index());
    }

    String previousCommit() {
      return runs.get(cp.index() - 1).commit();
    }
  }

  @Override
  public Integer call() {
    InfluxSettings settings = settings();
    List<String> fields = metrics.isEmpty() ? DEFAULT_METRICS : metrics;
    for (String f : fields) {
      if (!f.matches("[A-Za-z0-9_]+")) {
        throw new SetupException(
            "--metric " + f + ": expected a field of the run measurement, e.g. ttd_p99_ms");
      }
    }
    if (!since.matches("\\d+[smhdw]")) {
      throw new SetupException("--since " + since + ": expected a duration such as 90d, 12w, 48h");
    }
    ChangePoints detector;
    try {
      detector = new ChangePoints(alpha, minSegment);
    } catch (IllegalArgumentException e) {
      throw new SetupException(
          "--alpha " + alpha + ", --min-segment " + minSegment + ": " + e.getMessage());
    }
    JsonNode series = query(settings, influxQl(fields));
    List<Found> found = new ArrayList<>();
    int seriesCount = 0;
    for (JsonNode s : series) {
      seriesCount++;
      Map<String, String> tags = new LinkedHashMap<>();
      for (String t : SERIES_TAGS) {
        String v = s.path("tags").path(t).asText("");
        if (!v.isEmpty()) {
          tags.put(t, v);
        }
      }
      List<Run> all = runs(s, fields.size());
      for (int m = 0; m < fields.size(); m++) {
        int metric = m;
        List<Run> runs = all.stream().filter(r -> r.values()[metric] != null).toList();
        double[] values = runs.stream().mapToDouble(r -> r.values()[metric]).toArray();
        for (ChangePoint cp : detector.find(values)) {
          found.add(new Found(tags, fields.get(m), runs, cp));
        }
      }
    }
    if (!found.isEmpty()) {
      out.print(table(found));
    }
    out.printf(
        Locale.ROOT,
        "%d change point%s in %d series of branch %s since %s; E-Divisive means, Welch t-test,"
            + " alpha %s, minimum segment %d runs%n",
        found.size(),
        found.size() == 1 ? "" : "s",
        seriesCount,
        branch,
        since,
        alpha,
        minSegment);
    if (write && !found.isEmpty()) {
      write(settings, found.stream().map(AnalyzeCommand::event).toList());
      out.printf("%d change_point event%s written%n", found.size(), found.size() == 1 ? "" : "s");
    }
    return ExitCode.OK.code;
  }

  private InfluxSettings settings() {
    InfluxSettings settings;
    try {
      settings = connection.settings(env);
    } catch (IllegalArgumentException e) {
      throw new SetupException(e.getMessage(), e);
    }
    if (settings == null) {
      throw new SetupException("say which InfluxDB holds the runs: --influx http://host:8086");
    }
    return settings;
  }

  /** The finished runs of the branch, one series per repo/branch/scenario, oldest first. */
  String influxQl(List<String> fields) {
    StringBuilder q = new StringBuilder("SELECT \"commit\"");
    fields.forEach(f -> q.append(", \"").append(f).append('"'));
    q.append(" FROM \"run\" WHERE time > now() - ").append(since);
    q.append(" AND \"branch\" = ").append(literal(branch));
    if (repo != null) {
      q.append(" AND \"repo\" = ").append(literal(repo));
    }
    if (scenario != null) {
      q.append(" AND \"scenario\" = ").append(literal(scenario));
    }
    // a pull request's runs are not the branch's history; a failed run measured nothing
    q.append(" AND \"pr\" = '' AND \"state\" = 'finished'");
    q.append(" GROUP BY \"repo\", \"branch\", \"scenario\" ORDER BY time ASC");
    return q.toString();
  }

  private static String literal(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

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

  private static String table(List<Found> found) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "series", "metric", "at commit", "time (UTC)", "before → after", "change", "p"
        });
    for (Found f : found) {
      ChangePoint cp = f.cp();
      rows.add(
          new String[] {
            String.join(" ", f.tags().values()),
            f.metric(),
            f.run().commit() == null ? "–" : f.run().commit(),
            TIME.format(Instant.ofEpochMilli(f.run().timeMs())),
            String.format(Locale.ROOT, "%.3f → %.3f", cp.meanBefore(), cp.meanAfter()),
            percent(cp.relativeChange()),
            cp.pValue() < 1e-6 ? "<1e-6" : String.format(Locale.ROOT, "%.2g", cp.pValue())
          });
    }
    int[] width = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        text.append(String.format("%-" + width[i] + "s", r[i]))
            .append(i + 1 < r.length ? "  " : "");
      }
      text.append(System.lineSeparator());
    }
    return text.toString();
  }

  private static String percent(double relative) {
    return String.format(Locale.ROOT, "%+.1f %%", relative * 100);
  }

  /**
   * The annotation of a change point, at the timestamp of the run where the change starts. The
   * metric is a tag, so that two metrics changing at the same run are two points; a second {@code
   * analyze} that finds the same change writes the same timestamp and tags, which InfluxDB keeps as
   * one point.
   */
  private static String event(Found f) {
    Point.Builder p =
        Point.measurement("event")
            .time(f.run().timeMs(), TimeUnit.MILLISECONDS)
            .tag("type", "change_point")
            .tag(f.tags())
            .tag("metric", f.metric());
    if (f.run().commit() != null) {
      p.tag("commit", f.run().commit());
    }
    ChangePoint cp = f.cp();
    String range =
        (f.previousCommit() == null ? "?" : f.previousCommit())
            + " .. "
            + (f.run().commit() == null ? "?" : f.run().commit());
    return p.addField("title", f.metric() + " " + percent(cp.relativeChange()))
        .addField(
            "text",
            String.format(
                Locale.ROOT,
                "%s %.3f → %.3f (%s, p = %.2g) between commits %s",
                f.metric(),
                cp.meanBefore(),
                cp.meanAfter(),
                percent(cp.relativeChange()),
                cp.pValue(),
                range))
        .build()
        .lineProtocol(TimeUnit.MILLISECONDS);
  }

  /** The {@code series} of InfluxDB's answer to {@code influxQl} (empty when nothing matched). */
  private JsonNode query(InfluxSettings settings, String influxQl) {
    URI uri =
        settings
            .url()
            .resolve(
                "/query?epoch=ms&db="
                    + URLEncoder.encode(settings.database(), StandardCharsets.UTF_8)
                    + "&q="
                    + URLEncoder.encode(influxQl, StandardCharsets.UTF_8));
    HttpResponse<String> response = send(settings, HttpRequest.newBuilder(uri).GET());
    try {
      JsonNode answer = JSON.readTree(response.body());
      JsonNode result = answer.path("results").path(0);
      String error = answer.has("error") ? answer.path("error").asText() : null;
      if (error == null && result.has("error")) {
        error = result.path("error").asText();
      }
      if (error != null) {
        throw new SetupException(problem(settings, response.statusCode(), error));
      }
      return result.path("series");
    } catch (IOException e) {
      throw new SetupException(
          "InfluxDB at " + settings.url() + " answered something that is not JSON: check --influx",
          e);
    }
  }

  private void write(InfluxSettings settings, List<String> lines) {
    URI uri =
        settings
            .url()
            .resolve(
                "/write?precision=ms&db="
                    + URLEncoder.encode(settings.database(), StandardCharsets.UTF_8));
    HttpResponse<String> response =
        send(
            settings,
            HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines))));
    if (response.statusCode() / 100 != 2) {
      throw new SetupException(problem(settings, response.statusCode(), response.body()));
    }
  }

  private HttpResponse<String> send(InfluxSettings settings, HttpRequest.Builder request) {
    request.timeout(Duration.ofSeconds(30));
    if (settings.user() != null) {
      String basic = settings.user() + ":" + settings.password();
      request.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 401 || response.statusCode() == 403) {
        throw new SetupException(problem(settings, response.statusCode(), response.body()));
      }
      return response;
    } catch (IOException e) {
      throw new SetupException(
          "InfluxDB at "
              + settings.url()
              + " does not answer ("
              + e
              + "): check --influx, or start one with murm influx start",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SetupException("interrupted while talking to InfluxDB", e);
    }
  }

  /** What InfluxDB's refusal means, in one line that names the fix. */
  private static String problem(InfluxSettings settings, int status, String error) {
    String where = "InfluxDB at " + settings.url();
    if (status == 401 || status == 403) {
      return where
          + " refused the credentials: set MURM_INFLUX_USER and MURM_INFLUX_PASSWORD or"
          + " --influx-credentials";
    }
    if (error.contains("database not found")) {
      return where
          + " has no database '"
          + settings.database()
          + "': choose the one the runs are written to with --influx-db";
    }
    return where + " refused the request: " + error.strip().replaceAll("\\s+", " ");
  }
}
