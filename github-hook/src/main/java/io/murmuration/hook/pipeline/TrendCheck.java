package io.murmuration.hook.pipeline;

import io.murmuration.gate.ChangePoints;
import io.murmuration.gate.ChangePoints.ChangePoint;
import io.murmuration.gate.Trends;
import io.murmuration.gate.Trends.Found;
import io.murmuration.gate.Trends.Key;
import io.murmuration.hook.Job;
import io.murmuration.hook.Reporter;
import io.murmuration.hook.queue.JobStore;
import io.murmuration.results.InfluxSettings;
import io.murmuration.results.RunMetric;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a merged build's load test: the trend analysis of {@code murm analyze} over the
 * repository's default branch ({@link Trends}, default metrics, last 90 days), and for the change
 * points not reported before, one comment on the pushed commit naming, per change point, the range
 * of commits in which it happened, and {@code change_point} events in InfluxDB (the Trends
 * dashboard's annotations).
 *
 * <p><b>Not reported before</b> means no {@code change_point} event in InfluxDB with the same repo,
 * branch, scenario, metric and commit ({@link Key}), whoever wrote it ({@code murm analyze --write}
 * too). A change point is found again after every later push; InfluxDB, not this service's memory,
 * says it was reported, so the check is idempotent across restarts and repeated pushes.
 *
 * <p><b>The comment is stored first, then the events are written; a change point counts as reported
 * once both are done.</b> The comment goes into the service's outbox ({@link
 * Reporter#commitComment}), which posts it until GitHub takes it, across restarts, under a key made
 * of the change points' keys ({@link #key}): storing the same key again changes nothing, whether
 * the first comment is still pending or posted. So whatever stops the check between the two steps —
 * a crash, InfluxDB refusing the write — leaves the change points without events, the next check
 * (the same job run again after a crash, or the next push) finds them again, and the comment it
 * stores is the one already there: one comment, posted or still on its way, never none. The other
 * order (events first) loses the comment to a crash or a GitHub failure between the two, and
 * nothing would ever find it again, since the events say it was reported. When the outbox cannot
 * store the comment (the job store failed) no event is written, so the next push tries again.
 *
 * <p><b>Bisections.</b> For each new change point with a range (the commits of the last run before
 * it and of the first run after it differ, both commit ids), a bisection job is queued in the job
 * store ({@link Job.Trigger#BISECT}), before the comment is stored and the events are written: the
 * trend check cannot count the commits of a range without git, so the job does, and ends at once
 * when the range holds one. Change points of several metrics of one series at the same range are
 * one bisection, of the metric that moved most. The job's delivery id is derived from the series
 * and the range, so that queueing it again (the events were not written, the change point is found
 * again) is a redelivery and makes no second job.
 *
 * <p>Nothing here fails or delays the job: it runs after the job's result was stored for GitHub,
 * and every failure (InfluxDB down, refusing, no database; the outbox or the job store failing) is
 * one WARN line.
 */
public final class TrendCheck {
  /** The hidden line that tells the service's change-point comments from others. */
  public static final String MARKER = "<!-- murmuration:change-points -->";

  private static final Logger LOG = LoggerFactory.getLogger(TrendCheck.class);

  private static final Pattern COMMIT = Pattern.compile("[0-9a-fA-F]{40}");

  /** Who the bisection jobs the trend check queues are requested by. */
  private static final String REQUESTED_BY = "trend-check";

  private final Trends trends;
  private final Reporter reporter;
  private final JobStore store;

  /**
   * @param store where the bisection jobs of new change points are queued
   */
  public TrendCheck(InfluxSettings influx, Reporter reporter, JobStore store) {
    this.trends = new Trends(influx, new ChangePoints());
    this.reporter = reporter;
    this.store = store;
  }

  /**
   * Analyses the branch {@code job} (a push) load-tested, queues a bisection of each change point
   * not reported before that has a range, stores a comment on {@code job}'s commit for those change
   * points, then writes them as events. Never throws.
   *
   * @return the change points reported now; empty when there were none or the check failed
   */
  public List<Found> afterPush(Job job) {
    String branch = job.branch() != null ? job.branch() : job.defaultBranch();
    List<Found> fresh;
    Map<String, Long> bisections = Map.of();
    try {
      Trends.Query query = Trends.Query.of(job.repo(), branch);
      Set<Key> reported = trends.reported(query);
      fresh =
          trends.analyze(query).changePoints().stream()
              .filter(f -> !reported.contains(f.key()))
              .toList();
      bisections = queueBisections(job, fresh);
    } catch (RuntimeException e) {
      LOG.warn(
          "trend check of {} {} after job {} skipped: {}",
          job.repo(),
          branch,
          job.id(),
          e.getMessage() == null ? e.toString() : e.getMessage());
      return List.of();
    }
    if (fresh.isEmpty()) {
      return fresh;
    }
    try {
      reporter.commitComment(job, key(fresh), comment(job, fresh, bisections));
    } catch (RuntimeException e) {
      LOG.warn(
          "trend check after job {}: {} change point(s) not reported, found again after the next"
              + " push: the comment could not be stored: {}",
          job.id(),
          fresh.size(),
          e.getMessage());
      return List.of();
    }
    try {
      trends.write(fresh);
    } catch (RuntimeException e) {
      LOG.warn(
          "trend check after job {}: the comment is stored but the change_point events are not"
              + " written ({}); the next push writes them, and stores no second comment",
          job.id(),
          e.getMessage() == null ? e.toString() : e.getMessage());
    }
    return fresh;
  }

  /**
   * The outbox key of the comment on {@code found}: {@code change-points:} and the SHA-256 of their
   * {@link Key}s, sorted, so that the same change points make the same key whoever finds them
   * again, and in whichever order.
   */
  static String key(List<Found> found) {
    List<String> keys =
        found.stream()
            .map(Found::key)
            .map(
                k ->
                    String.join(
                        "\u0000", k.repo(), k.branch(), k.scenario(), k.metric(), k.commit()))
            .sorted()
            .toList();
    return "change-points:" + sha256(String.join("\n", keys));
  }

  /**
   * Queues a bisection job for each series and range among {@code fresh}; returns the id of each
   * job queued, by its {@link #rangeKey}. A failing store is a WARN line and no bisection.
   */
  private Map<String, Long> queueBisections(Job push, List<Found> fresh) {
    Map<String, Found> byRange = new LinkedHashMap<>();
    for (Found f : fresh) {
      if (bisectable(f)) {
        byRange.merge(rangeKey(f), f, (a, b) -> moved(b) > moved(a) ? b : a);
      }
    }
    Map<String, Long> queued = new LinkedHashMap<>();
    for (Map.Entry<String, Found> e : byRange.entrySet()) {
      Found f = e.getValue();
      Job bisection =
          new Job(
              0,
              "bisect-" + sha256(e.getKey()),
              Job.Trigger.BISECT,
              push.repo(),
              push.cloneUrl(),
              push.defaultBranch(),
              f.branch(),
              f.commit(),
              null,
              f.previousCommit(),
              null,
              push.installationId(),
              REQUESTED_BY,
              Job.State.QUEUED,
              Instant.now(),
              new Job.ChangePoint(f.scenario(), f.metric(), Instant.ofEpochMilli(f.timeMs())));
      try {
        store.accept(bisection).ifPresent(j -> queued.put(e.getKey(), j.id()));
      } catch (SQLException | RuntimeException ex) {
        LOG.warn(
            "trend check after job {}: the bisection of {} {} could not be queued: {}",
            push.id(),
            f.series(),
            f.metric(),
            ex.toString());
      }
    }
    return queued;
  }

  /** How far a change point moved its metric, either way: |ln(after / before)|. */
  private static double moved(Found f) {
    return Math.abs(Math.log1p(f.changePoint().relativeChange()));
  }

  /**
   * A change point with a range of commit ids in a series with a branch and a scenario: the last
   * run before it and the first after it have different commits.
   */
  private static boolean bisectable(Found f) {
    return f.branch() != null
        && f.scenario() != null
        && f.commit() != null
        && f.previousCommit() != null
        && !f.commit().equals(f.previousCommit())
        && COMMIT.matcher(f.commit()).matches()
        && COMMIT.matcher(f.previousCommit()).matches();
  }

  /** The series and the range: what makes one bisection. */
  private static String rangeKey(Found f) {
    return String.join("\n", f.repo(), f.branch(), f.scenario(), f.previousCommit(), f.commit());
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * The comment: one line per change point, e.g. "TTD p99 of one-to-one on main rose +29.5 % (20.1
   * → 26.0 ms, p = 0.001) starting with the run of c30a1b2; the change lies in the commits after
   * b12f3c4 up to c30a1b2 (compare link)", and the bisection job queued for it.
   */
  static String comment(Job job, List<Found> found, Map<String, Long> bisections) {
    StringBuilder s = new StringBuilder(MARKER).append('\n');
    s.append("### Murmuration: ")
        .append(found.size() == 1 ? "a change" : found.size() + " changes")
        .append(" in the load-test history of ")
        .append(found.get(0).branch() == null ? "this branch" : "`" + found.get(0).branch() + "`")
        .append("\n\n");
    for (Found f : found) {
      s.append("- ").append(sentence(job, f));
      Long bisection = bisectable(f) ? bisections.get(rangeKey(f)) : null;
      if (bisection != null) {
        s.append(" A bisection (job ")
            .append(bisection)
            .append(") looks for the commit; it comments there when it names one.");
      }
      s.append('\n');
    }
    s.append("\n<sub>Found by the trend analysis after the load test of this commit (job ")
        .append(job.id())
        .append("): E-Divisive means with a permutation test over the branch's runs of the last ")
        .append(Trends.DEFAULT_SINCE)
        .append("; each change is reported once.</sub>\n");
    return s.toString();
  }

  private static String sentence(Job job, Found f) {
    ChangePoint cp = f.changePoint();
    String unit = unit(f.metric());
    StringBuilder s = new StringBuilder("**").append(metricName(f.metric())).append("**");
    if (f.scenario() != null) {
      s.append(" of `").append(f.scenario()).append('`');
    }
    if (f.branch() != null) {
      s.append(" on `").append(f.branch()).append('`');
    }
    s.append(cp.relativeChange() >= 0 ? " rose " : " fell ")
        .append(Trends.percent(cp.relativeChange()))
        .append(" (")
        .append(number(cp.meanBefore()))
        .append(" → ")
        .append(number(cp.meanAfter()))
        .append(unit)
        .append(", p = ")
        .append(Trends.pValue(cp.pValue()))
        .append(')');
    if (f.commit() == null) {
      return s.append(" starting with a run without a commit tag.").toString();
    }
    s.append(" starting with the run of ").append(shortSha(f.commit()));
    if (f.previousCommit() == null) {
      return s.append('.').toString();
    }
    return s.append("; the change lies in the commits after ")
        .append(shortSha(f.previousCommit()))
        .append(" up to ")
        .append(shortSha(f.commit()))
        .append(" (")
        .append(webUrl(job))
        .append("/compare/")
        .append(f.previousCommit())
        .append("...")
        .append(f.commit())
        .append(").")
        .toString();
  }

  /** The vocabulary's label of InfluxDB field {@code field} ({@code TTD p99}), or the field. */
  static String metricName(String field) {
    RunMetric m = RunMetric.byField(field);
    return m == null ? field : m.label();
  }

  /** The vocabulary's unit of {@code field}, with a leading space, or nothing. */
  private static String unit(String field) {
    RunMetric m = RunMetric.byField(field);
    return m == null || m.unit().isEmpty() ? "" : " " + m.unit();
  }

  /** A mean or median for people: three significant digits, at most one decimal from 1 on. */
  static String number(double v) {
    double abs = Math.abs(v);
    String format = abs >= 100 ? "%.0f" : abs >= 1 ? "%.1f" : "%.3g";
    return String.format(Locale.ROOT, format, v);
  }

  private static String shortSha(String sha) {
    return sha.length() > 7 ? sha.substring(0, 7) : sha;
  }

  /**
   * The repository's web address: its clone URL without {@code .git} (so GitHub Enterprise works
   * too) and without any user info; {@code https://github.com/OWNER/NAME} when the clone URL is not
   * an HTTP one.
   */
  static String webUrl(Job job) {
    String clone = job.cloneUrl();
    if (clone != null && clone.matches("https?://.*")) {
      try {
        URI u = URI.create(clone);
        String path = u.getPath().replaceAll("/+$", "").replaceAll("\\.git$", "");
        if (u.getHost() != null && !path.isEmpty()) {
          return u.getScheme()
              + "://"
              + u.getHost()
              + (u.getPort() < 0 ? "" : ":" + u.getPort())
              + path;
        }
      } catch (IllegalArgumentException e) {
        // not a URL after all: the default below
      }
    }
    return "https://github.com/" + job.repo();
  }
}
