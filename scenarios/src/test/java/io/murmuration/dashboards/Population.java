package io.murmuration.dashboards;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What is in InfluxDB for {@link DashboardQueriesTest}: every run, within [fromMs, toMs]. Each run
 * has one {@code event} point of each of its event types, a {@code timer} and a {@code counter}
 * point of each of its scenario's timers and counters every 5 s, and, when it has ended, one {@code
 * run_timer} and {@code run_counter} point of each.
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
   * @param timers the scenario's timers by name (the {@code name} tag of its {@code timer} and
   *     {@code run_timer} points), each with the fields of its {@code run_timer} point ({@code
   *     count}, {@code p99_ms}, …), as {@code timers_ms} of summary.json has them
   * @param counters the scenario's counters by name, each with its total over the run (the {@code
   *     total} of its {@code run_counter} point)
   * @param nodes the worker nodes of a run over a cluster (the {@code node} tag of its {@code node}
   *     points), none for a run in one process
   */
  record Run(
      Map<String, String> tags,
      long startMs,
      long endMs,
      boolean ended,
      Set<String> errorKinds,
      Set<String> eventTypes,
      Map<String, Map<String, Double>> timers,
      Map<String, Long> counters,
      Set<String> nodes) {
    String id() {
      return tags.get("run_id");
    }

    /** A tag's value; InfluxDB's "" when the run has no such tag. */
    String tag(String key) {
      return tags.getOrDefault(key, "");
    }
  }
}
