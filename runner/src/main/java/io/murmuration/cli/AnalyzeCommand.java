package io.murmuration.cli;

import io.murmuration.gate.ChangePoints;
import io.murmuration.gate.ChangePoints.ChangePoint;
import io.murmuration.gate.Trends;
import io.murmuration.gate.Trends.Found;
import io.murmuration.results.ExitCode;
import io.murmuration.results.InfluxHttp;
import io.murmuration.results.InfluxSettings;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code murm analyze}: change points of the default branch's history in InfluxDB — one {@code run}
 * point per run, per repo/branch/scenario series and metric — printed as a table and, with {@code
 * --write}, written back as {@code event} points of type {@code change_point}, which the Trends
 * dashboard shows as annotations (docs/gate.md).
 *
 * <p>The options and the table are this command's; querying, detecting and writing are {@link
 * Trends}', which the hook service uses after each merged build too.
 */
@Command(
    name = "analyze",
    description =
        "Find change points in each metric's history of a branch in InfluxDB (E-Divisive means"
            + " with a permutation test); --write stores them as change_point events.")
final class AnalyzeCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

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
      defaultValue = "" + ChangePoints.DEFAULT_ALPHA,
      description =
          "significance level of the permutation test, above 1/(--permutations + 1)"
              + " (default: ${DEFAULT-VALUE})")
  double alpha;

  @Option(
      names = "--min-segment",
      defaultValue = "" + ChangePoints.DEFAULT_MIN_SEGMENT,
      paramLabel = "RUNS",
      description = "fewest runs on each side of a change point (default: ${DEFAULT-VALUE})")
  int minSegment;

  @Option(
      names = "--permutations",
      defaultValue = "" + ChangePoints.DEFAULT_PERMUTATIONS,
      paramLabel = "N",
      description =
          "shuffles of the runs per test; the smallest p-value is 1/(N+1)"
              + " (default: ${DEFAULT-VALUE})")
  int permutations;

  @Option(
      names = "--seed",
      defaultValue = "" + ChangePoints.DEFAULT_SEED,
      description =
          "seed of the shuffles: the same runs and seed, the same answer"
              + " (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--write", description = "write the change points as change_point events")
  boolean write;

  PrintStream out = System.out;
  Map<String, String> env = System.getenv();

  @Override
  public Integer call() {
    InfluxSettings settings = settings();
    Trends.Query query;
    try {
      query = new Trends.Query(branch, repo, scenario, metrics, since);
    } catch (IllegalArgumentException e) {
      throw new SetupException("--" + e.getMessage()); // the message starts with the option's name
    }
    ChangePoints detector;
    try {
      detector = new ChangePoints(alpha, minSegment, permutations, seed);
    } catch (IllegalArgumentException e) {
      throw new SetupException("--" + e.getMessage()); // the message starts with the option's name
    }
    try {
      Trends trends = new Trends(settings, detector);
      Trends.Analysis analysis = trends.analyze(query);
      List<Found> found = analysis.changePoints();
      if (!found.isEmpty()) {
        out.print(table(found));
      }
      out.printf(
          Locale.ROOT,
          "%d change point%s in %d series of branch %s since %s; E-Divisive means, permutation"
              + " test (%d shuffles, seed %d), alpha %s, minimum segment %d runs%n",
          found.size(),
          found.size() == 1 ? "" : "s",
          analysis.seriesCount(),
          branch,
          since,
          permutations,
          seed,
          alpha,
          minSegment);
      if (write && !found.isEmpty()) {
        trends.write(found);
        out.printf("%d change_point event%s written%n", found.size(), found.size() == 1 ? "" : "s");
      }
    } catch (InfluxHttp.Problem e) {
      throw new SetupException(e.getMessage() + fix(e.kind()), e);
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

  /** The fix for an InfluxDB problem, in this command's options. */
  private static String fix(InfluxHttp.Problem.Kind kind) {
    return switch (kind) {
      case UNREACHABLE -> ": check --influx, or start one with murm influx start";
      case CREDENTIALS_REFUSED ->
          ": set MURM_INFLUX_USER and MURM_INFLUX_PASSWORD or --influx-credentials";
      case NO_DATABASE -> ": choose the one the runs are written to with --influx-db";
      case NOT_INFLUXDB -> ": check --influx";
      case REFUSED, INTERRUPTED -> "";
    };
  }

  private static String table(List<Found> found) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "series", "metric", "at commit", "time (UTC)", "before → after", "change", "p"
        });
    for (Found f : found) {
      ChangePoint cp = f.changePoint();
      rows.add(
          new String[] {
            f.series(),
            f.metric(),
            f.commit() == null ? "–" : f.commit(),
            TIME.format(Instant.ofEpochMilli(f.timeMs())),
            String.format(Locale.ROOT, "%.3f → %.3f", cp.meanBefore(), cp.meanAfter()),
            Trends.percent(cp.relativeChange()),
            Trends.pValue(cp.pValue())
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
}
