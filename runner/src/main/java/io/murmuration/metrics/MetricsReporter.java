package io.murmuration.metrics;

import io.murmuration.metrics.Metrics.Snapshot;
import io.murmuration.metrics.Metrics.Timer;
import io.murmuration.results.Assertion;
import io.murmuration.results.Summary;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single reader of a run's {@link Metrics}: every interval it takes a snapshot on its own
 * daemon thread, adds the interval histograms to the run totals (TTD and lag once the warm-up is
 * over: the intervals that began after it), appends them to {@code metrics.hlog}, extends the time
 * series and updates the live view. {@link #finish} writes {@code summary.json} and {@code
 * report.html} into the run folder.
 *
 * <p>Recording threads never wait for it: they only touch the recorders and counters inside {@link
 * Metrics}; the reporter's work (encoding, file output, printing) happens on its thread. At each
 * tick it also reads the runner process's own CPU time, RSS and thread count ({@link
 * RunnerHealth}), for the series and the summary's {@code runner} block.
 *
 * <p>Closing a reporter whose {@link #finish} was never called finishes it as {@code failed} with
 * failure {@code "interrupted"}, so a run that ends by an exception inside try-with-resources still
 * leaves a complete run folder.
 */
public final class MetricsReporter implements AutoCloseable {

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
  public static final String SUMMARY_FILE = Summary.FILE;
  public static final String REPORT_FILE = "report.html";
  public static final String HISTOGRAM_LOG_FILE = HistogramLog.FILE_NAME;

  /**
   * Called after each interval, e.g. to write points to InfluxDB: on the reporter thread, and for
   * the last interval on the thread calling {@link #finish}. Keep it short; an exception is logged.
   */
  @FunctionalInterface
  public interface IntervalListener {
    /**
     * @param point the interval as drawn in the report
     * @param snapshot the interval histograms (tagged with the timer key) and counter totals; do
     *     not modify
     */
    void onInterval(SeriesPoint point, Snapshot snapshot);
  }

  private static final Logger LOG = LoggerFactory.getLogger(MetricsReporter.class);

  private final Metrics metrics;
  private final Path runDir;
  private final RunInfo run;
  private final HistogramLog histogramLog;
  private final LiveView live;
  private final List<IntervalListener> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService executor;

  /** Held while sampling, so that {@link Metrics#snapshot()} keeps a single reader. */
  private final Object sampling = new Object();

  private final RunTotals totals = new RunTotals();

  /** The same for the users of each wire, when the run keeps wires apart. */
  private final Map<String, RunTotals> wireTotals = new LinkedHashMap<>();

  private final List<SeriesPoint> series = new ArrayList<>();
  private final RunnerHealth health;
  private final Summary.Placement placement;
  private Snapshot previous;
  private int failedTicks;

  /** Start of the interval being sampled, and the first instant whose samples count. */
  private long intervalStartNanos = System.nanoTime();

  private final long countFromNanos;

  private Summary summary;

  /**
   * Opens the run folder and the histogram log and starts sampling.
   *
   * @param runDir the run folder, created if missing
   * @param interval the sampling interval, at least 10 ms
   * @param live where to print the live view, or {@code null} for none
   */
  public MetricsReporter(
      Metrics metrics, Path runDir, RunInfo run, Duration interval, PrintStream live)
      throws IOException {
    if (interval.toMillis() < 10) {
      throw new IllegalArgumentException("sampling interval below 10 ms: " + interval);
    }
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.runDir = Files.createDirectories(runDir);
    this.run = Objects.requireNonNull(run, "run");
    this.countFromNanos = intervalStartNanos + run.warmUp().toNanos();
    metrics.wires().keySet().forEach(wire -> wireTotals.put(wire, new RunTotals()));
    this.histogramLog = new HistogramLog(runDir.resolve(HistogramLog.FILE_NAME), run);
    this.live = live == null ? null : new LiveView(live, LiveView.isInteractive(live), interval);
    this.health = new RunnerHealth();
    this.placement = PlacementProbe.of(run.target());
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "murmuration-metrics");
              thread.setDaemon(true);
              return thread;
            });
    long nanos = interval.toNanos();
    executor.scheduleAtFixedRate(this::sample, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /** Samples every {@link #DEFAULT_INTERVAL}. */
  public MetricsReporter(Metrics metrics, Path runDir, RunInfo run, PrintStream live)
      throws IOException {
    this(metrics, runDir, run, DEFAULT_INTERVAL, live);
  }

  public void addListener(IntervalListener listener) {
    listeners.add(Objects.requireNonNull(listener));
  }

  public Path runDir() {
    return runDir;
  }

  /** The intervals sampled so far. */
  public List<SeriesPoint> series() {
    synchronized (sampling) {
      return List.copyOf(series);
    }
  }

  /**
   * Takes the last sample, stops the reporter thread, closes the histogram log and writes {@code
   * summary.json} and {@code report.html}. Later calls (and {@link #close()}) return the first
   * result.
   *
   * @param state {@code finished} or {@code failed}
   * @param failure why the run failed, or {@code null}
   * @param assertions checked against the summary, which then carries their outcomes and the exit
   *     code ({@link Summary#concluded})
   */
  public synchronized Summary finish(String state, String failure, List<Assertion> assertions)
      throws IOException {
    return finish(state, failure, assertions, List.of());
  }

  /**
   * {@link #finish(String, String, List)} for a run spread over a cluster: the summary also lists
   * its worker {@code nodes}.
   */
  public synchronized Summary finish(
      String state, String failure, List<Assertion> assertions, List<Summary.Node> nodes)
      throws IOException {
    if (summary != null) {
      return summary;
    }
    if (!Summary.FINISHED.equals(state) && !Summary.FAILED.equals(state)) {
      throw new IllegalArgumentException("state must be finished or failed: " + state);
    }
    stop();
    Summary.Runner runner =
        previous == null
            ? health.summary(0, 0, 0)
            : health.summary(
                previous.usersPeak(), previous.received() + previous.late(), previous.sendHolds());
    summary =
        summarise(
                run,
                Instant.now(),
                state,
                failure,
                previous,
                totals::timer,
                totals.scenarioTimings(),
                metrics.scenario().descriptions(),
                byWire(),
                runner,
                nodes,
                placement)
            .concluded(assertions);
    summary.write(runDir.resolve(SUMMARY_FILE));
    ReportWriter.write(runDir.resolve(REPORT_FILE), summary, series, totals.timer(Timer.TTD));
    return summary;
  }

  private Map<String, Summary.WireResult> byWire() {
    Map<String, Summary.WireResult> all = new LinkedHashMap<>();
    wireTotals.forEach((wire, t) -> all.put(wire, t.wireResult()));
    return all;
  }

  /**
   * Computes the summary from the run's last snapshot (for the counters) and the per-timer totals;
   * not concluded yet (no exit, no assertions: see {@link Summary#concluded}).
   *
   * @param scenarioTimers the scenario's timers over the run (after warm-up), by name
   * @param descriptions the scenario's metrics, by name
   * @param byWire what each wire's users measured, in a run that keeps wires apart (else empty)
   * @param runner the runner's own cost, from {@link RunnerHealth#summary}
   * @param placement where the runner and the servers ran, from {@link PlacementProbe}
   */
  static Summary summarise(
      RunInfo run,
      Instant endedAt,
      String state,
      String failure,
      Metrics.Snapshot last,
      Function<Timer, Histogram> totals,
      Map<String, Summary.Timing> scenarioTimers,
      Map<String, String> descriptions,
      Map<String, Summary.WireResult> byWire,
      Summary.Runner runner,
      List<Summary.Node> nodes,
      Summary.Placement placement) {
    if (!Summary.FINISHED.equals(state) && !Summary.FAILED.equals(state)) {
      throw new IllegalArgumentException("state must be finished or failed: " + state);
    }
    double durationS = Summary.round3(Duration.between(run.startedAt(), endedAt).toNanos() / 1e9);
    long delivered = last.received() + last.late();
    long lost = Math.max(0, last.expected() - delivered);
    Double ratio =
        last.expected() == 0
            ? null
            : Summary.round(1.0 * (last.expected() - lost) / last.expected(), 6);
    return new Summary(
        Summary.SCHEMA_VERSION,
        run.runId(),
        run.scenario(),
        run.params(),
        run.target(),
        run.transport(),
        run.startedAt().truncatedTo(ChronoUnit.MILLIS),
        endedAt.truncatedTo(ChronoUnit.MILLIS),
        durationS,
        Summary.round3(run.warmUp().toNanos() / 1e9),
        state,
        failure,
        null,
        List.of(),
        new Summary.Users(last.usersTarget(), last.usersPeak()),
        new Summary.Messages(
            last.sent(), last.expected(), last.received(), last.late(), lost, ratio),
        durationS > 0 ? Summary.round3(delivered / durationS) : 0,
        Summary.Timing.of(totals.apply(Timer.TTD)),
        Summary.Timing.of(totals.apply(Timer.CONNECT)),
        Summary.Timing.of(totals.apply(Timer.LOGIN)),
        Summary.Timing.of(totals.apply(Timer.LAG)),
        last.errors(),
        last.errorTotal(),
        actions(last.actions()),
        runner,
        scenarioTimers,
        last.scenario().counters(),
        descriptions,
        byWire,
        nodes,
        placement);
  }

  private static Map<String, Summary.ActionCount> actions(Map<String, Actions.Count> books) {
    Map<String, Summary.ActionCount> all = new TreeMap<>();
    books.forEach(
        (kind, c) ->
            all.put(
                kind,
                new Summary.ActionCount(c.planned(), c.done(), c.notDone(), c.unaccounted())));
    return all;
  }

  /** Finishes as {@code failed} / {@code "interrupted"} unless {@link #finish} was called. */
  @Override
  public synchronized void close() {
    try {
      finish(Summary.FAILED, "interrupted", List.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void stop() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("metrics reporter thread did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sample();
    if (live != null) {
      live.end();
    }
    try {
      histogramLog.close();
    } catch (IOException e) {
      LOG.warn("histogram log incomplete: {}", e.getMessage());
    }
  }

  /** One interval; never throws, so that the schedule keeps running. */
  private void sample() {
    synchronized (sampling) {
      try {
        Snapshot now = metrics.snapshot();
        RunnerHealth.Use use = health.tick(previous, now);
        SeriesPoint point = SeriesPoint.of(run.startedAt().toEpochMilli(), previous, now, use);
        boolean warm = intervalStartNanos >= countFromNanos;
        totals.add(now, warm);
        wireTotals.forEach((wire, t) -> t.add(metrics.wire(wire).snapshot(), warm));
        intervalStartNanos = System.nanoTime();
        series.add(point);
        previous = now;
        if (live != null) {
          live.update(point, now.histogram(Timer.TTD), now.errorTotal(), now.scenario());
        }
        for (Timer timer : Timer.values()) {
          histogramLog.append(timer.key, now.histogram(timer));
        }
        for (Map.Entry<String, Histogram> t : now.scenario().timers().entrySet()) {
          histogramLog.append(Summary.TIMERS + t.getKey(), t.getValue());
        }
        histogramLog.flush();
        notifyListeners(point, now);
      } catch (IOException | RuntimeException e) {
        if (failedTicks++ == 0) {
          LOG.warn("metrics sampling failed (further failures not logged)", e);
        }
      }
    }
  }

  private void notifyListeners(SeriesPoint point, Snapshot snapshot) {
    for (IntervalListener listener : listeners) {
      try {
        listener.onInterval(point, snapshot);
      } catch (RuntimeException e) {
        LOG.warn("interval listener {} failed", listener, e);
      }
    }
  }
}
