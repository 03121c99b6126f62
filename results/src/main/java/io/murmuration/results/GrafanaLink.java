package io.murmuration.results;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Links into the dashboards of {@code dashboards/} (uids fixed there): {@code
 * <grafana>/d/<uid>/<slug>?var-…&from=<ms>&to=<ms>}.
 */
public final class GrafanaLink {
  /**
   * The uid of the Run dashboard; the Trends and Compare dashboards are {@code murm-trends}, {@code
   * murm-compare}.
   */
  public static final String RUN_UID = "murm-run";

  private GrafanaLink() {}

  /**
   * The Compare dashboard: the base and head runs of pull request {@code pr} of {@code repo} side
   * by side, from {@code from} to {@code to} with a minute of margin at each end.
   */
  public static String compare(URI grafana, String repo, int pr, Instant from, Instant to) {
    return grafana.toString().replaceAll("/+$", "")
        + "/d/murm-compare/murmuration-compare?var-repo="
        + URLEncoder.encode(repo, StandardCharsets.UTF_8)
        + "&var-pr="
        + pr
        + "&from="
        + from.minusSeconds(60).toEpochMilli()
        + "&to="
        + to.plusSeconds(60).toEpochMilli();
  }

  /**
   * The Run dashboard showing run {@code runId} from {@code from} to {@code to} (null: "now", for a
   * run still going), with a minute of margin at each end.
   */
  public static String run(URI grafana, String runId, Instant from, Instant to) {
    String base = grafana.toString().replaceAll("/+$", "");
    return base
        + "/d/"
        + RUN_UID
        + "/murmuration-run?var-run="
        + URLEncoder.encode(runId, StandardCharsets.UTF_8)
        + "&from="
        + from.minusSeconds(60).toEpochMilli()
        + "&to="
        + (to == null ? "now" : Long.toString(to.plusSeconds(60).toEpochMilli()));
  }
}
