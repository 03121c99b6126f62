package io.murmuration.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.murmuration.dashboards.Population.Run;
import io.murmuration.sut.LocalInflux;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/** Runs made up for {@link DashboardQueriesTest} and written as docs/metrics.md defines them. */
final class SyntheticRuns {
  private static final long INTERVAL_MS = 5_000;

  private SyntheticRuns() {}

  /**
   * Writes the test's data: four finished runs of one repository — two on {@code main} with
   * different commits, the base and head arms of pull request 42 — and one live command-line run
   * without repository tags; 5-s {@code interval} points over a minute, {@code errors} points of a
   * few kinds, a {@code run} point per finished run, and {@code event} points. Line protocol over
   * HTTP, as docs/metrics.md defines it.
   */
  static Population write(LocalInflux influx) {
    long now = System.currentTimeMillis() / 1000 * 1000;
    long t0 = now - 40 * 60_000;
    Map<String, String> main =
        tags("repo", "acme/chat", "branch", "main", "trigger", "push", "node", "ci-1");
    Map<String, String> pr =
        tags("repo", "acme/chat", "pr", "42", "trigger", "pull_request", "node", "ci-2");
    List<RunSpec> specs =
        List.of(
            new RunSpec(t0, with(main, "commit", "3f2a9c1"), 1.0, Map.of(), true, Set.of()),
            new RunSpec(
                t0 + 5 * 60_000,
                with(main, "commit", "8e41d07"),
                1.6,
                Map.of(2, Map.of("connect", 1), 6, Map.of("timeout", 2), 9, Map.of("timeout", 1)),
                true,
                Set.of("change_point")),
            new RunSpec(
                t0 + 10 * 60_000,
                with(with(with(pr, "branch", "main"), "commit", "8e41d07"), "arm", "base"),
                1.6,
                Map.of(),
                true,
                Set.of()),
            new RunSpec(
                t0 + 12 * 60_000,
                with(
                    with(with(pr, "branch", "feature/faster-acks"), "commit", "c0ffee5"),
                    "arm",
                    "head"),
                0.8,
                Map.of(),
                true,
                Set.of("verdict")),
            new RunSpec(
                now - 70_000,
                tags("trigger", "cli", "node", "laptop"),
                1.2,
                Map.of(5, Map.of("connection-lost", 3)),
                false,
                Set.of()));
    Random random = new Random(42);
    StringBuilder lines = new StringBuilder();
    List<Run> runs = new ArrayList<>();
    for (RunSpec spec : specs) {
      runs.add(spec.write(lines, random));
    }
    write(influx, lines.toString());
    return new Population(t0 - 60_000, now, runs);
  }

  /** One run to write: 12 windows of 5 s from {@code start}; errors by window and kind. */
  private record RunSpec(
      long start,
      Map<String, String> tags,
      double slowness,
      Map<Integer, Map<String, Integer>> errors,
      boolean ended,
      Set<String> gateEvents) {
    static final int WINDOWS = 12;

    Run write(StringBuilder lines, Random random) {
      String scenario = "one-to-one";
      String id =
          DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                  .withZone(ZoneOffset.UTC)
                  .format(Instant.ofEpochMilli(start))
              + "-"
              + scenario
              + "-"
              + Integer.toHexString(0x1000 + random.nextInt(0xefff));
      Map<String, String> all = new TreeMap<>(tags);
      all.put("run_id", id);
      all.put("scenario", scenario);
      all.put("sut", "ejabberd");
      all.put("sut_version", "23.01");
      String tagSet = tagSet(all);
      long end = start + WINDOWS * INTERVAL_MS;
      long sent = 0;
      long delivered = 0;
      long late = 0;
      long errorTotal = 0;
      List<Double> p50s = new ArrayList<>();
      List<Double> p99s = new ArrayList<>();
      Set<String> kinds = new LinkedHashSet<>();
      for (int w = 1; w <= WINDOWS; w++) {
        long t = start + w * INTERVAL_MS;
        long users = Math.min(100, 25L * w);
        long windowSent = Math.round(users * 2.5 * (0.9 + 0.2 * random.nextDouble()));
        long windowLate = w == 6 ? 1 : 0;
        long windowDelivered = windowSent - (w % 4 == 0 ? 1 : 0) - windowLate;
        double p50 = slowness * (1.5 + 0.5 * random.nextDouble());
        Map<String, Integer> windowErrors = errors.getOrDefault(w, Map.of());
        long windowErrorTotal = windowErrors.values().stream().mapToLong(Integer::longValue).sum();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("interval_s", 5.0);
        fields.put("users", users);
        fields.put("users_target", 100L);
        fields.put("sent", windowSent);
        fields.put("delivered", windowDelivered);
        fields.put("late", windowLate);
        fields.put("sent_per_s", windowSent / 5.0);
        fields.put("delivered_per_s", windowDelivered / 5.0);
        fields.put("ttd_count", windowDelivered);
        fields.put("ttd_p50_ms", p50);
        fields.put("ttd_p90_ms", p50 * 2.2);
        fields.put("ttd_p99_ms", p50 * 4.5);
        fields.put("ttd_p999_ms", p50 * 7);
        fields.put("ttd_max_ms", p50 * 9);
        if (w <= 4) { // users arrive during the first 20 s only: no connect or login samples after
          fields.put("connect_count", 25L);
          fields.put("connect_p50_ms", 0.4 + 0.1 * random.nextDouble());
          fields.put("connect_p99_ms", 1.3);
          fields.put("login_count", 25L);
          fields.put("login_p50_ms", 6 + random.nextDouble());
          fields.put("login_p99_ms", 15.0);
        }
        double lag = 0.2 + random.nextDouble();
        fields.put("lag_p99_ms", lag);
        fields.put("lag_max_ms", lag * 3);
        fields.put("errors", windowErrorTotal);
        fields.put("runner_cpu_cores", 0.2 + users / 200.0);
        fields.put("runner_rss_mib", 150 + users * 0.3);
        fields.put("runner_threads", 30L + users / 10);
        lines.append(line("interval", tagSet, fields, t));
        for (Map.Entry<String, Integer> e : new TreeMap<>(windowErrors).entrySet()) {
          lines.append(
              line(
                  "errors",
                  tagSet(with(all, "kind", e.getKey())),
                  Map.of("count", (long) e.getValue()),
                  t));
          kinds.add(e.getKey());
        }
        sent += windowSent;
        delivered += windowDelivered;
        late += windowLate;
        errorTotal += windowErrorTotal;
        p50s.add(p50);
        p99s.add(p50 * 4.5);
      }
      Set<String> types = new LinkedHashSet<>();
      event(lines, all, "run_start", "Run started", id + " on " + all.get("sut"), start, types);
      if (all.containsKey("commit")) {
        event(lines, all, "commit", "Commit " + all.get("commit"), "at run start", start, types);
      }
      if (ended) {
        p50s.sort(null);
        p99s.sort(null);
        double duration = (end - start) / 1000.0;
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("state", "finished");
        fields.put("duration_s", duration);
        fields.put("users_target", 100L);
        fields.put("users_peak", 100L);
        fields.put("sent", sent);
        fields.put("delivered", delivered);
        fields.put("late", late);
        fields.put("lost", sent - delivered - late);
        fields.put("delivered_ratio", (double) (delivered + late) / sent);
        fields.put("msg_per_s", (delivered + late) / duration);
        fields.put("ttd_count", delivered);
        fields.put("ttd_p50_ms", p50s.get(WINDOWS / 2));
        fields.put("ttd_p90_ms", p50s.get(WINDOWS / 2) * 2.2);
        fields.put("ttd_p99_ms", p99s.get(WINDOWS - 2));
        fields.put("ttd_p999_ms", p99s.getLast() * 1.5);
        fields.put("ttd_max_ms", p99s.getLast() * 2);
        fields.put("ttd_mean_ms", p50s.get(WINDOWS / 2) * 1.2);
        fields.put("connect_p50_ms", 0.45);
        fields.put("connect_p99_ms", 1.3);
        fields.put("login_p50_ms", 6.5);
        fields.put("login_p99_ms", 15.0);
        fields.put("lag_p99_ms", 1.1);
        fields.put("errors", errorTotal);
        fields.put("runner_cpu_s", 25.0);
        fields.put("runner_rss_peak_mib", 180.0);
        fields.put("runner_threads_peak", 40L);
        lines.append(line("run", tagSet, fields, end));
        event(lines, all, "run_end", "Run finished", sent + " messages sent", end, types);
        for (String type : gateEvents) {
          event(lines, all, type, type.replace('_', ' '), "from the gate", end, types);
        }
      }
      return new Run(Map.copyOf(all), start, end, ended, Set.copyOf(kinds), Set.copyOf(types));
    }

    private static void event(
        StringBuilder lines,
        Map<String, String> tags,
        String type,
        String title,
        String text,
        long t,
        Set<String> types) {
      lines.append(
          line("event", tagSet(with(tags, "type", type)), Map.of("title", title, "text", text), t));
      types.add(type);
    }
  }

  private static void write(LocalInflux influx, String lineProtocol) {
    URI uri = influx.url().resolve("/write?db=" + influx.database() + "&precision=ms");
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(uri)
                      .POST(HttpRequest.BodyPublishers.ofString(lineProtocol))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(204, response.statusCode(), "InfluxDB refused the points: " + response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** One line of line protocol; integers get {@code i}, strings quotes. */
  private static String line(String measurement, String tagSet, Map<String, ?> fields, long ms) {
    StringBuilder fieldSet = new StringBuilder();
    for (Map.Entry<String, ?> f : fields.entrySet()) {
      if (!fieldSet.isEmpty()) {
        fieldSet.append(',');
      }
      fieldSet.append(f.getKey()).append('=');
      Object v = f.getValue();
      if (v instanceof Long l) {
        fieldSet.append(l).append('i');
      } else if (v instanceof Double d) {
        fieldSet.append(d);
      } else {
        fieldSet
            .append('"')
            .append(v.toString().replace("\\", "\\\\").replace("\"", "\\\""))
            .append('"');
      }
    }
    return measurement + "," + tagSet + " " + fieldSet + " " + ms + "\n";
  }

  private static String tagSet(Map<String, String> tags) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> t : new TreeMap<>(tags).entrySet()) {
      if (!out.isEmpty()) {
        out.append(',');
      }
      out.append(t.getKey()).append('=').append(t.getValue().replaceAll("([ ,=])", "\\\\$1"));
    }
    return out.toString();
  }

  private static Map<String, String> tags(String... keyValues) {
    Map<String, String> tags = new TreeMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      tags.put(keyValues[i], keyValues[i + 1]);
    }
    return tags;
  }

  private static Map<String, String> with(Map<String, String> tags, String key, String value) {
    Map<String, String> copy = new TreeMap<>(tags);
    copy.put(key, value);
    return copy;
  }
}
