package io.murmuration.metrics;

import io.murmuration.metrics.Metrics.Snapshot;
import io.murmuration.metrics.Metrics.Timer;
import io.murmuration.results.Summary;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * A synthetic three-minute run (ramp-up, plateau with a latency spike and an error burst,
 * ramp-down) built without waiting for wall-clock intervals, for report tests and for looking at a
 * report: run {@link #main} with a path to write a sample {@code report.html}. The runner's own use
 * is scripted too: CPU grows with the users and saturates the {@link #CORES} cores during the
 * spike, RSS grows by {@link #KIB_PER_USER} per user over a base of {@link #BASE_RSS_KIB}.
 */
public final class SampleRun {

  static final Instant START = Instant.parse("2025-06-01T10:00:00Z");
  static final int SECONDS = 180;
  static final int TARGET = 2000;
  static final int CORES = 2;
  static final long BASE_RSS_KIB = 150 * 1024;
  static final long KIB_PER_USER = 300;

  final List<SeriesPoint> series = new ArrayList<>();
  final Histogram ttd = new Histogram(Metrics.HIGHEST_NANOS, 3);
  public final Summary summary;

  private static SampleRun shared;

  /** One instance for tests that only read it. */
  public static synchronized SampleRun shared() {
    if (shared == null) {
      shared = new SampleRun();
    }
    return shared;
  }

  static RunInfo runInfo(String runId) {
    return runInfo(runId, START);
  }

  static RunInfo runInfo(String runId, Instant start) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("users", String.valueOf(TARGET));
    params.put("arrival_rate", "50/s");
    params.put("message_interval", "2s");
    params.put("body", "<script>alert('x')</script> & friends");
    return new RunInfo(
        runId,
        "one_to_one",
        params,
        "127.0.0.1:5222, 127.0.0.1:5223",
        "smack-tcp",
        start,
        Duration.ZERO);
  }

  SampleRun() {
    Random random = new Random(42);
    Histogram[] totals = new Histogram[Timer.values().length];
    for (Timer t : Timer.values()) {
      totals[t.ordinal()] = new Histogram(Metrics.HIGHEST_NANOS, 3);
    }
    Snapshot previous = null;
    long sent = 0;
    long pongs = 0;
    Histogram pingTotal = new Histogram(Metrics.HIGHEST_NANOS, 3);
    long received = 0;
    long late = 0;
    Map<String, Long> errors = new TreeMap<>();
    int users = 0;
    long[] clock = {0, 0, 0}; // seconds, CPU nanos, users
    RunnerHealth health =
        new RunnerHealth(
            () ->
                new ProcessProbe.Sample(
                    clock[0] * 1_000_000_000L,
                    clock[1],
                    BASE_RSS_KIB + KIB_PER_USER * clock[2],
                    (int) (40 + clock[2] / 50)),
            CORES);
    for (int s = 1; s <= SECONDS; s++) {
      users =
          s <= 40
              ? Math.min(TARGET, s * 50)
              : s > 160 ? Math.max(0, TARGET - (s - 160) * 100) : TARGET;
      Histogram[] interval = new Histogram[Timer.values().length];
      for (Timer t : Timer.values()) {
        interval[t.ordinal()] = new Histogram(3);
        interval[t.ordinal()].setStartTimeStamp(START.toEpochMilli() + (s - 1) * 1000L);
        interval[t.ordinal()].setEndTimeStamp(START.toEpochMilli() + s * 1000L);
      }
      boolean spike = s >= 90 && s < 100;
      int messages = users / 2;
      for (int i = 0; i < messages; i++) {
        sent++;
        if (random.nextInt(2000) == 0) {
          continue;
        }
        if (random.nextInt(500) == 0) {
          late++;
          continue;
        }
        double median = spike ? 12e6 : 0.8e6;
        long nanos = (long) (median * Math.exp(random.nextGaussian() * 0.6));
        interval[Timer.TTD.ordinal()].recordValue(nanos);
        received++;
      }
      if (s <= 40) {
        for (int i = 0; i < 50; i++) {
          interval[Timer.CONNECT.ordinal()].recordValue(
              (long) (0.4e6 * Math.exp(random.nextGaussian() * 0.5)));
          interval[Timer.LOGIN.ordinal()].recordValue(
              (long) (6e6 * Math.exp(random.nextGaussian() * 0.4)));
        }
      }
      Histogram ping = new Histogram(Metrics.HIGHEST_NANOS, 3);
      for (int i = 0; i < 20; i++) {
        ping.recordValue((long) (0.3e6 * Math.exp(random.nextGaussian() * 0.5)));
      }
      pingTotal.add(ping);
      pongs += 20;
      for (int i = 0; i < 100; i++) {
        interval[Timer.LAG.ordinal()].recordValue(
            (long) (0.2e6 * Math.exp(random.nextGaussian() * (spike ? 1.5 : 0.7))));
      }
      if (spike) {
        errors.merge("timeout", (long) random.nextInt(8), Long::sum);
      }
      if (s == 30 || s == 31) {
        errors.merge("connect_refused", 3L, Long::sum);
      }
      Snapshot now =
          new Snapshot(
              interval,
              sent,
              sent,
              received,
              late,
              new TreeMap<>(errors),
              users,
              TARGET,
              TARGET,
              java.util.Map.of(
                  "login",
                  new Actions.Count(TARGET, TARGET, java.util.Map.of()),
                  "message",
                  new Actions.Count(sent, sent, java.util.Map.of())),
              new ScenarioMetrics.Snapshot(
                  java.util.Map.of("ping_rtt", ping), java.util.Map.of("pongs", pongs)),
              0);
      clock[0] = s;
      clock[1] +=
          (long) (1e9 * (spike ? 1.9 : 0.15 + 0.6 * users / TARGET + random.nextDouble() / 20));
      clock[2] = users;
      series.add(SeriesPoint.of(START.toEpochMilli(), previous, now, health.tick(previous, now)));
      for (Timer t : Timer.values()) {
        totals[t.ordinal()].add(interval[t.ordinal()]);
      }
      previous = now;
    }
    ttd.add(totals[Timer.TTD.ordinal()]);
    summary =
        MetricsReporter.summarise(
            runInfo("2025-06-01T10-00-00-a1b2"),
            START.plus(Duration.ofSeconds(SECONDS)),
            Summary.FINISHED,
            null,
            previous,
            t -> totals[t.ordinal()],
            java.util.Map.of("ping_rtt", Summary.Timing.of(pingTotal)),
            java.util.Map.of(
                "ping_rtt", "round trip of a XEP-0199 ping", "pongs", "pings answered"),
            // as if its users were on several wires: the WebSocket ones measured all of it
            java.util.Map.of(
                "ws",
                new Summary.WireResult(
                    previous.usersPeak(),
                    Summary.Timing.of(totals[Timer.CONNECT.ordinal()]),
                    Summary.Timing.of(totals[Timer.LOGIN.ordinal()]),
                    Summary.Timing.of(totals[Timer.TTD.ordinal()]),
                    java.util.Map.of("ping_rtt", Summary.Timing.of(pingTotal)))),
            health.summary(
                previous.usersPeak(), previous.received() + previous.late(), previous.sendHolds()),
            // as if it ran on two worker nodes, one of which was lost
            java.util.List.of(
                new Summary.Node(
                    "127.0.0.2:25521",
                    "1-150",
                    150,
                    "finished",
                    null,
                    0,
                    4.2,
                    310.5,
                    1.2,
                    0.003,
                    0.2),
                new Summary.Node(
                    "127.0.0.3:25521",
                    "151-300",
                    150,
                    "lost",
                    "left the cluster mid-run",
                    140,
                    2.1,
                    290.0,
                    1.4,
                    null,
                    null)),
            // as if the runner and ejabberd were pinned to separate CPUs
            new Summary.Placement(
                "0-1",
                "1",
                java.util.List.of(
                    new Summary.ServerPlacement("127.0.0.1:5222", "beam.smp", 4242, "0")),
                false));
  }

  public static void main(String[] args) throws IOException {
    SampleRun run = new SampleRun();
    ReportWriter.write(Path.of(args[0]), run.summary, run.series, run.ttd);
  }
}
