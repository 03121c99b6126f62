package io.murmuration.gate;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.influxdb.dto.Point;

/**
 * A verdict as an annotation: an {@code event} point of type {@code verdict}, which the
 * <em>Verdicts</em> annotations of the Trends and Compare dashboards show (docs/dashboards.md). The
 * webhook service writes one per scenario it judged: a pull request's A/B gate, a merged build's
 * run, and the commit a bisection named. Its tags are those of the runs it is about ({@code repo},
 * {@code branch}, {@code commit}, {@code trigger}, and {@code pr}, {@code arm} for a pull request)
 * and the {@code scenario}, so that the dashboards' variables select it with the runs; its time is
 * that of the run it concerns, so that it sits on that run.
 *
 * @param at when: the end of the run it concerns
 * @param tags the tags besides {@code type}, in order; a null or empty value is left out (InfluxDB
 *     has no empty tags)
 * @param title one line, e.g. {@code one-to-one: failure}
 * @param text the reason, one line
 */
public record VerdictEvent(Instant at, Map<String, String> tags, String title, String text) {
  /** The {@code type} tag of verdict events. */
  public static final String TYPE = "verdict";

  public VerdictEvent {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(text, "text");
    Map<String, String> kept = new LinkedHashMap<>();
    tags.forEach(
        (k, v) -> {
          if (v != null && !v.isEmpty()) {
            kept.put(k, v);
          }
        });
    tags = Collections.unmodifiableMap(kept);
  }

  /** The point as line protocol, millisecond timestamp. */
  public String line() {
    return Point.measurement("event")
        .time(at.toEpochMilli(), TimeUnit.MILLISECONDS)
        .tag("type", TYPE)
        .tag(tags)
        .addField("title", title)
        .addField("text", text)
        .build()
        .lineProtocol(TimeUnit.MILLISECONDS);
  }
}
