package io.murmuration.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.murmuration.gate.Gate;
import io.murmuration.gate.Metric;
import io.murmuration.gate.Report;
import io.murmuration.gate.Settings;
import io.murmuration.results.ExitCode;
import io.murmuration.results.Summary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code murm compare --base DIR… --head DIR…}: the gate's statistics over two sets of run folders,
 * so that a user can gate locally or in any CI (see docs/gate.md).
 */
@Command(
    name = "compare",
    description =
        "Compare two sets of run folders (base and head): per metric the head/base ratio with a"
            + " bootstrap interval, a sign test (paired) or rank test (unpaired) and a verdict."
            + " Runs are paired by start time (the i-th base run with the i-th head run) when both"
            + " arms have as many.")
final class CompareCommand implements Callable<Integer> {

  @Option(
      names = "--base",
      arity = "1..*",
      required = true,
      paramLabel = "DIR",
      description = "base run folders, or folders of run folders")
  List<Path> base;

  @Option(
      names = "--head",
      arity = "1..*",
      required = true,
      paramLabel = "DIR",
      description = "head run folders, or folders of run folders")
  List<Path> head;

  @Option(
      names = "--tolerance",
      paramLabel = "METRIC=PCT",
      description =
          "tolerance of a metric, e.g. ttd.p99=10%% (repeatable; defaults: ttd.p50=5%%,"
              + " ttd.p99=10%%, messages_per_s=5%%)")
  List<String> tolerances = new ArrayList<>();

  @Option(
      names = "--alpha",
      defaultValue = "0.05",
      description =
          "significance level of the sign test (paired) or the Mann-Whitney test"
              + " (default: ${DEFAULT-VALUE})")
  double alpha;

  @Option(
      names = "--resamples",
      defaultValue = "10000",
      description = "bootstrap resamples (default: ${DEFAULT-VALUE})")
  int resamples;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "seed of the bootstrap (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--max-lag",
      defaultValue = "10",
      paramLabel = "MS",
      description =
          "refuse to judge when a run's runner lag p99 is above this, in ms (default:"
              + " ${DEFAULT-VALUE})")
  double maxLag;

  @Option(
      names = "--max-error-rate",
      defaultValue = "0.001",
      description =
          "refuse to judge when a run has more errors per message sent (default:"
              + " ${DEFAULT-VALUE})")
  double maxErrorRate;

  @Option(
      names = "--unpaired",
      description =
          "judge the arms as independent samples (Mann-Whitney), even with as many runs in each")
  boolean unpaired;

  @Option(names = "--json", paramLabel = "FILE", description = "also write the numbers here")
  Path json;

  PrintStream out = System.out;

  @Override
  public Integer call() {
    Settings settings = settings();
    Gate.Arm baseArm = new Gate.Arm("base", runs("--base", base));
    Gate.Arm headArm = new Gate.Arm("head", runs("--head", head));
    Report report = Gate.compare(baseArm, headArm, settings);
    out.print(report.table());
    if (json != null) {
      try {
        new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .writeValue(json.toFile(), report.json());
      } catch (IOException e) {
        throw new SetupException("cannot write " + json + ": " + e.getMessage(), e);
      }
    }
    return switch (report.verdict()) {
      case SUCCESS -> ExitCode.OK.code;
      case FAILURE -> ExitCode.ASSERTION_FAILED.code;
      case NEUTRAL -> ExitCode.INCONCLUSIVE.code;
    };
  }

  private Settings settings() {
    if (!(alpha > 0 && alpha < 1)) {
      throw new SetupException("--alpha " + alpha + ": expected a number between 0 and 1");
    }
    if (resamples < 100) {
      throw new SetupException("--resamples " + resamples + ": expected at least 100");
    }
    Map<Metric, Double> tol = new LinkedHashMap<>();
    for (String t : tolerances) {
      String[] kv = t.split("=", 2);
      Metric m = Metric.byKey(kv[0].trim());
      if (kv.length != 2 || m == null) {
        throw new SetupException(
            "--tolerance " + t + ": expected METRIC=PERCENT with METRIC one of " + Metric.known());
      }
      try {
        tol.put(m, Settings.parseTolerance(kv[1]));
      } catch (IllegalArgumentException e) {
        throw new SetupException("--tolerance " + t + ": " + e.getMessage());
      }
    }
    return new Settings(tol, alpha, 0.95, resamples, seed, maxLag, maxErrorRate, !unpaired);
  }

  /**
   * Every run in {@code dirs} (a run folder, or each run folder directly inside a folder) in the
   * order they started, so that the i-th runs of the two arms are the same round's.
   */
  private static List<Summary> runs(String option, List<Path> dirs) {
    List<Summary> runs = new ArrayList<>();
    for (Path dir : dirs) {
      List<Path> files;
      if (Files.isRegularFile(dir.resolve("summary.json"))) {
        files = List.of(dir.resolve("summary.json"));
      } else if (Files.isDirectory(dir)) {
        try (Stream<Path> children = Files.list(dir)) {
          files =
              children
                  .map(c -> c.resolve("summary.json"))
                  .filter(Files::isRegularFile)
                  .sorted()
                  .toList();
        } catch (IOException e) {
          throw new SetupException("cannot read " + dir + ": " + e.getMessage(), e);
        }
      } else {
        throw new SetupException(option + " " + dir + ": no such folder");
      }
      if (files.isEmpty()) {
        throw new SetupException(
            option + " " + dir + ": not a run folder (no summary.json in it or its sub-folders)");
      }
      for (Path f : files) {
        try {
          runs.add(Summary.read(f));
        } catch (IOException e) {
          throw new SetupException("cannot read " + f + ": " + e.getMessage(), e);
        }
      }
    }
    runs.sort(
        Comparator.comparing(
            Summary::startedAt, Comparator.nullsLast(Comparator.<Instant>naturalOrder())));
    return runs;
  }
}
