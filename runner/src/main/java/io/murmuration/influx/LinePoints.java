package io.murmuration.influx;

import io.murmuration.metrics.Metrics.Timer;
import io.murmuration.metrics.Summary;
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
    return lines;
  }

  /** The {@code run} point: the summary's numbers, at the end of the run. */
  String run(Summary s) {
    Point.Builder p =
        point(RUN, s.endedAt().toEpochMilli())
            .addField("state", s.state())
            .addField("duration_s", s.durationS())
            .addField("users_target", (long) s.users().target())
            .addField("users_peak", (long) s.users().peak())
            .addField("sent", s.messages().sent())
            .addField("delivered", s.messages().received() + s.messages().late())
            .addField("late", s.messages().late())
            .addField("lost", s.messages().lost())
            .addField("msg_per_s", s.messagesPerS())
            .addField("errors", s.errorsTotal());
    if (s.failure() != null) {
      p.addField("failure", s.failure());
    }
    if (s.messages().deliveredRatio() != null) {
      p.addField("delivered_ratio", s.messages().deliveredRatio());
    }
    Summary.Timing ttd = s.ttd();
    p.addField("ttd_count", ttd.count());
    optional(p, "ttd_p50_ms", ttd.p50());
    optional(p, "ttd_p90_ms", ttd.p90());
    optional(p, "ttd_p99_ms", ttd.p99());
    optional(p, "ttd_p999_ms", ttd.p999());
    optional(p, "ttd_max_ms", ttd.max());
    optional(p, "ttd_mean_ms", ttd.mean());
    optional(p, "connect_p50_ms", s.connect().p50());
    optional(p, "connect_p99_ms", s.connect().p99());
    optional(p, "login_p50_ms", s.login().p50());
    optional(p, "login_p99_ms", s.login().p99());
    optional(p, "lag_p99_ms", s.lag().p99());
    if (s.runner() != null) {
      optional(p, "runner_cpu_s", s.runner().cpuS());
      optional(p, "runner_rss_peak_mib", s.runner().rssPeakMib());
      p.addField("runner_threads_peak", (long) s.runner().threadsPeak());
    }
    return line(p);
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

  private static void timer(Point.Builder p, String name, Histogram h, boolean withTail) {
    p.addField(name + "_count", h.getTotalCount());
    if (h.getTotalCount() == 0) {
      return;
    }
    p.addField(name + "_p50_ms", ms(h.getValueAtPercentile(50)));
    if (withTail) {
      p.addField(name + "_p90_ms", ms(h.getValueAtPercentile(90)));
    }
    p.addField(name + "_p99_ms", ms(h.getValueAtPercentile(99)));
    if (withTail) {
      p.addField(name + "_p999_ms", ms(h.getValueAtPercentile(99.9)));
      p.addField(name + "_max_ms", ms(h.getMaxValue()));
    }
  }

  private static void optional(Point.Builder p, String field, Double value) {
    if (value != null) {
      p.addField(field, value);
    }
  }

  private static double ms(long nanos) {
    return Summary.ms(nanos);
  }

  private static String line(Point.Builder p) {
    return p.build().lineProtocol(TimeUnit.MILLISECONDS);
  }
}
