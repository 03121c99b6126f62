package io.murmuration.influx;

import io.murmuration.metrics.Metrics.Timer;
import io.murmuration.results.RunMetric;
import io.murmuration.results.Summary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.influxdb.dto.Point;

/**
 * The metrics schema of {@code docs/metrics.md}, as InfluxDB line protocol: one method per
 * measurement. Every point carries the run's tags and an explicit millisecond timestamp, so that
 * writing it twice leaves one point.
 */
final class LinePoints {
  static final String INTERVAL = "interval";
  static final String ERRORS = "errors";
  static final String RUN = "run";
  static final String EVENT = "event";
  static final String TIMER = "timer";
  static final String COUNTER = "counter";
  static final String RUN_TIMER = "run_timer";
  static final String RUN_COUNTER = "run_counter";
  static final String NODE = "node";

  private final Map<String, String> tags;

  /** Points of run {@code runId} of {@code scenario}, with {@code tags}. */
  LinePoints(String runId, String scenario, RunTags tags) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("run_id", runId);
    all.put("scenario", scenario);
    all.putAll(tags.values());
    this.tags = Map.copyOf(all);
  }

  /** The {@code interval} point of {@code window} and its {@code errors} points, one per kind. */
  List<String> interval(IntervalWindow window) {
    Point.Builder p =
        point(INTERVAL, window.endMs())
            .addField("interval_s", window.seconds())
            .addField("users", (long) window.users())
            .addField("users_target", (long) window.usersTarget())
            .addField("sent", window.sent())
            .addField("delivered", window.delivered())
            .addField("late", window.late())
            .addField("sent_per_s", window.sent() / window.seconds())
            .addField("delivered_per_s", window.delivered() / window.seconds())
            .addField("errors", window.errorTotal())
            .addField("runner_threads", (long) window.threads());
    timer(p, "ttd", window.histogram(Timer.TTD), true);
    timer(p, "connect", window.histogram(Timer.CONNECT), false);
    timer(p, "login", window.histogram(Timer.LOGIN), false);
    Histogram lag = window.histogram(Timer.LAG);
    if (lag.getTotalCount() > 0) {
      p.addField("lag_p99_ms", ms(lag.getValueAtPercentile(99)));
      p.addField("lag_max_ms", ms(lag.getMaxValue()));
    }
    if (window.cpuCores() != null) {
      p.addField("runner_cpu_cores", window.cpuCores());
    }
    if (window.rssMib() != null) {
      p.addField("runner_rss_mib", window.rssMib());
    }
    List<String> lines = new ArrayList<>();
    lines.add(line(p));
    window
        .errors()
        .forEach(
            (kind, count) ->
                lines.add(
                    line(
                        point(ERRORS, window.endMs()).tag("kind", kind).addField("count", count))));
    window
        .scenarioTimers()
        .forEach(
            (name, h) -> {
              Point.Builder t = point(TIMER, window.endMs()).tag("name", name);
              timer(t, null, h, true);
              lines.add(line(t));
            });
    window
        .scenarioCounts()
        .forEach(
            (name, count) ->
                lines.add(
                    line(
                        point(COUNTER, window.endMs())
                            .tag("name", name)
                            .addField("count", count)
                            .addField("per_s", count / window.seconds()))));
    return lines;
  }

  /**
   * The {@code node} point of one worker's sampling interval in a run over a cluster: the run's
   * tags with {@code node} set to the worker's address, so that a saturated or lost worker shows
   * beside the merged {@code interval} points.
   */
  String node(NodePoint n) {
    Map<String, String> mine = new LinkedHashMap<>(tags);
    mine.put("node", n.node());
    Point.Builder p =
        Point.measurement(NODE)
            .time(n.atMs(), TimeUnit.MILLISECONDS)
            .tag(mine)
            .addField("users", (long) n.users())
            .addField("sent", n.sent())
            .addField("delivered", n.delivered());
    if (n.ttdP99Ms() != null) {
      p.addField("ttd_p99_ms", n.ttdP99Ms());
    }
    if (n.lagP99Ms() != null) {
      p.addField("lag_p99_ms", n.lagP99Ms());
    }
    if (n.cpuCores() != null) {
      p.addField("cpu_cores", n.cpuCores());
    }
    if (n.rssMib() != null) {
      p.addField("rss_mib", n.rssMib());
    }
    return line(p);
  }

  /**
   * The {@code run} point: at the end of the run, its state and failure, and every {@link
   * RunMetric} that has an InfluxDB field and a value in this run. Whole numbers are written as
   * integers, the rest as floats, so a field keeps one type from run to run.
   */
  String run(Summary s) {
    Point.Builder p = point(RUN, s.endedAt().toEpochMilli()).addField("state", s.state());
    if (s.failure() != null) {
      p.addField("failure", s.failure());
    }
    for (RunMetric m : RunMetric.values()) {
      Number value = m.field() == null ? null : m.of(s);
      if (value instanceof Long || value instanceof Integer) {
        p.addField(m.field(), value.longValue());
      } else if (value != null) {
        p.addField(m.field(), value.doubleValue());
      }
    }
    return line(p);
  }

  /**
   * The {@code run_timer} and {@code run_counter} points: at the end of the run, one per timer and
   * counter the scenario declared, tagged with its {@code name}.
   */
  List<String> runScenarioMetrics(Summary s) {
    long at = s.endedAt().toEpochMilli();
    List<String> lines = new ArrayList<>();
    s.timers()
        .forEach(
            (name, t) -> {
              Point.Builder p = point(RUN_TIMER, at).tag("name", name).addField("count", t.count());
              for (String stat : Summary.Timing.STATS) {
                Number value = t.stat(stat);
                if (value != null && !stat.equals("count")) {
                  p.addField(stat.replace("p99_9", "p999") + "_ms", value.doubleValue());
                }
              }
              lines.add(line(p));
            });
    s.counters()
        .forEach(
            (name, n) ->
                lines.add(line(point(RUN_COUNTER, at).tag("name", name).addField("total", n))));
    return lines;
  }

  /** An {@code event} point (an annotation) of {@code type} at {@code at}. */
  String event(String type, Instant at, String title, String text) {
    return line(
        point(EVENT, at.toEpochMilli())
            .tag("type", type)
            .addField("title", title)
            .addField("text", text));
  }

  private Point.Builder point(String measurement, long epochMs) {
    return Point.measurement(measurement).time(epochMs, TimeUnit.MILLISECONDS).tag(tags);
  }

  /**
   * A timer's fields, each named {@code <prefix>_<field>}, or just {@code <field>} (prefix null).
   */
  private static void timer(Point.Builder p, String prefix, Histogram h, boolean withTail) {
    String pre = prefix == null ? "" : prefix + "_";
    p.addField(pre + "count", h.getTotalCount());
    if (h.getTotalCount() == 0) {
      return;
    }
    p.addField(pre + "p50_ms", ms(h.getValueAtPercentile(50)));
    if (withTail) {
      p.addField(pre + "p90_ms", ms(h.getValueAtPercentile(90)));
    }
    p.addField(pre + "p99_ms", ms(h.getValueAtPercentile(99)));
    if (withTail) {
      p.addField(pre + "p999_ms", ms(h.getValueAtPercentile(99.9)));
      p.addField(pre + "max_ms", ms(h.getMaxValue()));
    }
  }

  private static double ms(long nanos) {
    return Summary.ms(nanos);
  }

  private static String line(Point.Builder p) {
    return p.build().lineProtocol(TimeUnit.MILLISECONDS);
  }
}
