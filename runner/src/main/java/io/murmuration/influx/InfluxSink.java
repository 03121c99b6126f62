package io.murmuration.influx;

import io.murmuration.metrics.Metrics.Snapshot;
import io.murmuration.metrics.MetricsReporter;
import io.murmuration.metrics.RunInfo;
import io.murmuration.metrics.SeriesPoint;
import io.murmuration.results.InfluxSettings;
import io.murmuration.results.Summary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Puts one run into InfluxDB (schema: {@code docs/metrics.md}): the {@code run_start} (and {@code
 * commit}) events when the run starts, an {@code interval} point (plus {@code errors} points) for
 * every {@value #WINDOW_SECONDS} s of the reporter's samples, and the {@code run} point and {@code
 * run_end} event at the end. Listens to the {@link MetricsReporter} on its thread; the sending is
 * {@link InfluxWriter}'s.
 *
 * <p>Thread-safe.
 */
public final class InfluxSink implements MetricsReporter.IntervalListener {
  public static final int WINDOW_SECONDS = 5;

  /**
   * What became of a run's points.
   *
   * @param written points InfluxDB accepted
   * @param kept points left in {@code spoolFile} for {@code murm influx push}
   */
  public record Result(long written, int kept, Path spoolFile) {}

  static final Duration FINISH_WITHIN = Duration.ofSeconds(10);

  private final RunInfo run;
  private final RunTags tags;
  private final LinePoints points;
  private final InfluxWriter writer;
  private final int windowIntervals;
  private final String problemAtStart;
  private IntervalWindow window = new IntervalWindow(null);
  private Result result;

  private InfluxSink(
      InfluxSettings settings,
      RunTags tags,
      RunInfo run,
      Path runDir,
      Duration reportInterval,
      Consumer<String> notice) {
    this.run = run;
    this.tags = tags;
    this.points = new LinePoints(run.runId(), run.scenario(), tags);
    this.writer = new InfluxWriter(settings, new Spool(runDir), notice);
    this.windowIntervals =
        (int) Math.max(1, Math.round(WINDOW_SECONDS * 1000.0 / reportInterval.toMillis()));
    this.problemAtStart = writer.start(startEvents());
  }

  /**
   * Starts writing run {@code run}: sends its start events at once, so that a wrong URL, refused
   * credentials or a missing database show before any user starts ({@link #problemAtStart()}).
   *
   * @param notice where problems and recoveries during the run are told, one line each
   */
  public static InfluxSink start(
      InfluxSettings settings,
      RunTags tags,
      RunInfo run,
      Path runDir,
      Duration reportInterval,
      Consumer<String> notice) {
    return new InfluxSink(settings, tags, run, runDir, reportInterval, notice);
  }

  /** Why the start events could not be written (they are spooled), or null when they were. */
  public String problemAtStart() {
    return problemAtStart;
  }

  @Override
  public synchronized void onInterval(SeriesPoint point, Snapshot snapshot) {
    if (result != null) {
      return;
    }
    window.add(point, snapshot);
    if (window.intervals() >= windowIntervals) {
      flushWindow();
    }
  }

  /** Writes one worker node's interval ({@code node} measurement) of a run over a cluster. */
  public synchronized void onNode(NodePoint node) {
    if (result == null) {
      writer.offer(List.of(points.node(node)));
    }
  }

  /**
   * Writes the last window, the {@code run} point and the {@code run_end} event, and gives the
   * writer up to 10 s to send what is queued or spooled; what is left stays in the spool file.
   * Later calls return the first result.
   */
  public synchronized Result finish(Summary summary) {
    if (result == null) {
      if (window.intervals() > 0) {
        flushWindow();
      }
      List<String> end = new ArrayList<>();
      end.add(points.run(summary));
      end.addAll(points.runScenarioMetrics(summary));
      end.add(
          points.event(
              "run_end",
              summary.endedAt(),
              "run " + run.runId() + " " + summary.state(),
              endText(summary)));
      writer.offer(end);
      result = writer.finish(FINISH_WITHIN);
    }
    return result;
  }

  private void flushWindow() {
    writer.offer(points.interval(window));
    window = new IntervalWindow(window.last());
  }

  private List<String> startEvents() {
    List<String> lines = new ArrayList<>();
    lines.add(
        points.event(
            "run_start",
            run.startedAt(),
            "run " + run.runId() + " started",
            run.scenario() + " against " + run.target() + " " + run.params()));
    String commit = tags.get("commit");
    if (commit != null) {
      String where =
          (tags.get("repo") == null ? "" : tags.get("repo") + " ")
              + (tags.get("branch") == null ? "" : tags.get("branch"));
      lines.add(points.event("commit", run.startedAt(), "commit " + commit, where.strip()));
    }
    return lines;
  }

  private static String endText(Summary s) {
    Summary.Timing ttd = s.ttd();
    return String.format(
        "TTD p50 %s ms, p99 %s ms; %d sent, %d lost; %d errors%s",
        ttd.p50(),
        ttd.p99(),
        s.messages().sent(),
        s.messages().lost(),
        s.errorsTotal(),
        s.failure() == null ? "" : "; " + s.failure());
  }
}
