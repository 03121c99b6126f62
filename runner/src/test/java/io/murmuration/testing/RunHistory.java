package io.murmuration.testing;

import io.murmuration.sut.LocalInflux;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * A branch's history of {@code run} points, as the runner writes them (docs/metrics.md), for tests
 * of the trend analysis: one finished run every 10 minutes of one repo/branch/scenario series,
 * whose TTD p99 steps from one level to another. The other default metrics wobble in a fixed
 * pattern without a change: random noise would give a false change point in a few series of 1,000
 * (docs/gate.md), and these tests are about the step.
 *
 * @param repo {@code owner/name}
 * @param branch the branch tag
 * @param scenario the scenario tag
 * @param commit the commit of run {@code i}
 * @param startMs when the first run ended
 */
public record RunHistory(
    String repo, String branch, String scenario, IntFunction<String> commit, long startMs) {
  private static final long EVERY_MS = 600_000L;

  /** A series of {@code repo}'s {@code main}, scenario {@code one-to-one}, starting 2 days ago. */
  public static RunHistory of(String repo, IntFunction<String> commit) {
    return new RunHistory(
        repo, "main", "one-to-one", commit, System.currentTimeMillis() - 2 * 24 * 3600_000L);
  }

  /** When run {@code i} ended. */
  public long timeMs(int i) {
    return startMs + i * EVERY_MS;
  }

  /**
   * Runs {@code from} (inclusive) to {@code to} (exclusive): TTD p99 {@code before} ms (± 0.5 ms,
   * seeded normal noise) until run {@code stepAt}, {@code after} ms from it on.
   */
  public List<String> steppedRuns(int from, int to, int stepAt, double before, double after) {
    Random r = new Random(11);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < to; i++) {
      double p99 = (i < stepAt ? before : after) + 0.5 * r.nextGaussian();
      if (i < from) {
        continue; // the same noise for run i, however the history is written in parts
      }
      double wobble = 0.01 * ((i * 7) % 5 - 2);
      lines.add(
          String.format(
              Locale.ROOT,
              "run,repo=%s,branch=%s,scenario=%s,commit=%s,run_id=%s-%02d,trigger=push"
                  + " state=\"finished\",ttd_p50_ms=%.3f,ttd_p99_ms=%.3f,msg_per_s=%.2f %d",
              repo,
              branch,
              scenario,
              commit.apply(i),
              repo.replace('/', '-'),
              i,
              5 * (1 + wobble),
              p99,
              800 * (1 - wobble),
              timeMs(i)));
    }
    return lines;
  }

  /**
   * Runs that are not the branch's history, far off the step: a pull request's run, a failed run
   * and a bisection's run (an arm of the branch's own code, no pull request), at run {@code i}'s
   * time plus 1 ms.
   */
  public List<String> runsToLeaveOut(int i) {
    String tags = "run,repo=" + repo + ",branch=" + branch + ",scenario=" + scenario;
    return List.of(
        tags
            + ",commit=px,pr=7,run_id=pr state=\"finished\",ttd_p50_ms=50,ttd_p99_ms=500,"
            + "msg_per_s=1 "
            + (timeMs(i) + 1),
        tags
            + ",commit=fx,run_id=failed state=\"failed\",ttd_p50_ms=50,ttd_p99_ms=500,"
            + "msg_per_s=1 "
            + (timeMs(i) + 1),
        tags
            + ",commit=bx,arm=mid,trigger=bisect,run_id=bisect state=\"finished\","
            + "ttd_p50_ms=50,ttd_p99_ms=500,msg_per_s=1 "
            + (timeMs(i) + 1));
  }

  /** Writes line-protocol {@code lines} (millisecond timestamps) to {@code influx}'s database. */
  public static void write(LocalInflux influx, List<String> lines) {
    try {
      HttpResponse<String> written =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          influx.url().resolve("/write?db=" + influx.database() + "&precision=ms"))
                      .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines)))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (written.statusCode() != 204) {
        throw new AssertionError("InfluxDB refused the points: " + written.body());
      }
    } catch (IOException e) {
      throw new AssertionError("InfluxDB did not answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
