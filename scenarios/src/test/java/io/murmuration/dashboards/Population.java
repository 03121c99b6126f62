package io.murmuration.dashboards;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What is in InfluxDB for {@link DashboardQueriesTest}: every run, within [fromMs, toMs]. Each run
 * has one {@code event} point of each of its event types.
 */
record Population(long fromMs, long toMs, List<Run> runs) {
  /**
   * One run as written to InfluxDB.
   *
   * @param tags the run's tags, {@code run_id} included
   * @param startMs when it started; {@code interval} points follow every 5 s
   * @param endMs its last point; the {@code run} point, when it ended
   * @param ended whether it has ended (and so has a {@code run} point)
   * @param errorKinds kinds of its {@code errors} points
   * @param eventTypes types of its {@code event} points
   */
  record Run(
      Map<String, String> tags,
      long startMs,
      long endMs,
      boolean ended,
      Set<String> errorKinds,
      Set<String> eventTypes) {
    String id() {
      return tags.get("run_id");
    }

    /** A tag's value; InfluxDB's "" when the run has no such tag. */
    String tag(String key) {
      return tags.getOrDefault(key, "");
    }
  }
}
