package io.murmuration.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.murmuration.metrics.Metrics.Snapshot;
import io.murmuration.metrics.Metrics.Timer;
import io.murmuration.results.Summary;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryTest {

  private static final RunInfo RUN = SampleRun.runInfo("r1");
  private static final Instant END = RUN.startedAt().plusSeconds(100);

  @Test
  void lostIsSentMinusReceivedMinusLate() {
    Summary s = summary(1000, 950, 30, Map.of());
    assertEquals(new Summary.Messages(1000, 1000, 950, 30, 20, 0.98), s.messages());
    assertEquals(9.8, s.messagesPerS(), "delivered (received + late) per second");
  }

  @Test
  void lostIsNeverNegativeWhenLateMessagesOfOtherRunsOutnumberTheLostOnes() {
    Summary s = summary(100, 99, 5, Map.of());
    assertEquals(0, s.messages().lost());
    assertEquals(1.0, s.messages().deliveredRatio());
  }

  @Test
  void deliveredRatioIsAbsentWhenNothingWasSent() {
    Summary s = summary(0, 0, 0, Map.of());
    assertNull(s.messages().deliveredRatio());
    assertTrue(s.metric("messages.delivered_ratio").isEmpty());
  }

  @Test
  void everyListedPathHasAValueInARunWithSamplesOfEveryTimer() {
    Summary s = SampleRun.shared().summary;
    for (String listed : Summary.metricPaths()) {
      // the sample run's scenario declares timer ping_rtt and counter pongs
      String path =
          listed
              .replace("timers.<name>", "timers.ping_rtt")
              .replace("counters.<name>", "counters.pongs")
              .replace("<wire>", "ws");
      if (!path.equals("errors.<kind>")) {
        assertTrue(s.metric(path).isPresent(), path);
      }
      assertTrue(Summary.isMetricPath(path), path);
    }
    assertTrue(s.metric("timers.undeclared.p99").isEmpty());
    assertTrue(s.metric("counters.undeclared").isEmpty());
    assertTrue(s.metric("by_transport.bosh.ttd.p99").isEmpty(), "a wire the run did not use");
    assertEquals(s.ttd().p99(), s.metric("by_transport.ws.ttd.p99").getAsDouble());
    assertFalse(Summary.isMetricPath("by_transport.ws.ttd"));
    assertFalse(Summary.isMetricPath("by_transport.ws.lag.p99"));
  }

  @Test
  void metricPathsReadTheSummaryInMilliseconds() {
    Summary s = SampleRun.shared().summary;
    assertEquals(s.ttd().p99(), s.metric("ttd.p99").getAsDouble());
    assertEquals(s.ttd().p999(), s.metric("ttd.p99_9").getAsDouble());
    assertEquals(s.connect().p50(), s.metric("connect.p50").getAsDouble());
    assertEquals(s.lag().max(), s.metric("lag.max").getAsDouble());
    assertEquals(s.messages().lost(), s.metric("messages.lost").getAsDouble());
    assertEquals(s.users().peak(), s.metric("users.peak").getAsDouble());
    assertEquals(s.durationS(), s.metric("duration_s").getAsDouble());
    assertEquals(180.0, s.metric("duration_s").getAsDouble());
    assertEquals(s.errors().get("timeout"), (long) s.metric("errors.timeout").getAsDouble());
    assertEquals(s.errorsTotal(), (long) s.metric("errors.total").getAsDouble());
  }

  @Test
  void runnerPathsReadTheRunnerBlock() {
    Summary s = SampleRun.shared().summary;
    Summary.Runner r = s.runner();
    assertEquals(r.cpuS(), s.metric("runner.cpu_s").getAsDouble());
    assertEquals(
        r.cpuSPer1000Delivered(), s.metric("runner.cpu_s_per_1000_delivered").getAsDouble());
    assertEquals(
        r.steadyCpuSPer1000Delivered(),
        s.metric("runner.steady_cpu_s_per_1000_delivered").getAsDouble());
    assertEquals(r.threadsPeak(), s.metric("runner.threads_peak").getAsDouble());
    // The sample run's RSS is 150 MiB + 300 KiB per user, so 753,600 KiB at its peak of 2000 users.
    assertEquals(735.938, s.metric("runner.rss_peak_mib").getAsDouble());
    assertEquals(376.8, s.metric("runner.rss_per_user_kib").getAsDouble());
    assertEquals(SampleRun.CORES, r.cores());
    for (String path :
        List.of(
            "runner.cpu_s",
            "runner.cpu_s_per_1000_delivered",
            "runner.steady_cpu_s_per_1000_delivered",
            "runner.rss_peak_mib",
            "runner.rss_per_user_kib",
            "runner.threads_peak")) {
      assertTrue(Summary.metricPaths().contains(path), path);
    }
    assertFalse(Summary.isMetricPath("runner.cores_x"));
  }

  @Test
  void runnerPathsAreKnownButEmptyInASummaryWithoutRunnerBlock(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("old.json");
    java.nio.file.Files.writeString(
        file,
        "{\"schema_version\":1,\"run_id\":\"r\",\"scenario\":\"s\",\"target\":\"t\","
            + "\"transport\":\"x\",\"started_at\":\"2025-06-01T10:00:00Z\","
            + "\"ended_at\":\"2025-06-01T10:01:00Z\",\"duration_s\":60,\"state\":\"finished\","
            + "\"users\":{\"target\":1,\"peak\":1},\"messages_per_s\":0,\"errors_total\":0}");
    Summary old = Summary.read(file);
    assertNull(old.runner());
    assertTrue(old.metric("runner.cpu_s").isEmpty());
    assertTrue(Summary.isMetricPath("runner.cpu_s"));
    Summary unmeasured =
        summary(10, 10, 0, Map.of(), new Summary.Runner(null, null, null, null, null, 7, 2, 0));
    assertTrue(unmeasured.metric("runner.rss_per_user_kib").isEmpty());
    assertEquals(OptionalDouble.of(7), unmeasured.metric("runner.threads_peak"));
  }

  @Test
  void actionPathsReadTheBooksAndAKindThatNeverOccurredCountsZero(@TempDir Path dir)
      throws IOException {
    Summary s = SampleRun.shared().summary;
    assertEquals(s.messages().sent(), s.metric("actions.message.planned").getAsDouble());
    assertEquals(s.messages().sent(), s.metric("actions.message.done").getAsDouble());
    assertEquals(OptionalDouble.of(0), s.metric("actions.message.not_done"));
    assertEquals(OptionalDouble.of(0), s.metric("actions.presence.planned"));
    assertTrue(Summary.isMetricPath("actions.throttled:messages.not_done"));
    assertFalse(Summary.isMetricPath("actions.message.lost"));
    assertTrue(s.metric("actions.message.lost").isEmpty());
    assertFalse(Summary.isMetricPath("actions.done"));

    Path file = dir.resolve("summary.json");
    s.write(file);
    JsonNode json = new ObjectMapper().readTree(file.toFile());
    assertEquals(s.messages().sent(), json.at("/actions/message/planned").asLong());
    assertTrue(json.at("/actions/message/not_done").isObject());
    assertEquals(0, json.at("/actions/message/unaccounted").asLong());
    assertEquals(s.actions(), Summary.read(file).actions());
  }

  @Test
  void anErrorKindThatNeverOccurredCountsZero() {
    Summary s = summary(10, 10, 0, Map.of("timeout", 3L));
    assertEquals(OptionalDouble.of(0), s.metric("errors.auth_failed"));
    assertEquals(OptionalDouble.of(3), s.metric("errors.timeout"));
    assertEquals(OptionalDouble.of(3), s.metric("errors.total"));
  }

  @Test
  void anUnknownPathIsEmptyAndNotAMetricPath() {
    Summary s = summary(10, 10, 0, Map.of());
    for (String path : List.of("ttd.p42", "ttd", "errors.", "messages", "", "users.peak.x")) {
      assertTrue(s.metric(path).isEmpty(), path);
      assertFalse(Summary.isMetricPath(path), path);
    }
  }

  @Test
  void aTimerWithoutSamplesHasNullStatisticsNotZero() {
    Summary s = summary(10, 0, 0, Map.of());
    assertEquals(new Summary.Timing(0, null, null, null, null, null, null), s.ttd());
    assertEquals(OptionalDouble.of(0), s.metric("ttd.count"));
    assertTrue(s.metric("ttd.p99").isEmpty());
  }

  @Test
  void anUnknownStateIsRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            MetricsReporter.summarise(
                RUN,
                END,
                "passed",
                null,
                snapshot(0, 0, 0, Map.of()),
                t -> empty(),
                Map.of(),
                Map.of(),
                Map.of(),
                null,
                List.of(),
                null));
  }

  @Test
  void jsonUsesTheDocumentedFieldNamesAndRoundTrips(@TempDir Path dir) throws IOException {
    Summary s = SampleRun.shared().summary;
    Path file = dir.resolve("summary.json");
    s.write(file);
    assertEquals(s, Summary.read(file));

    JsonNode json = new ObjectMapper().readTree(file.toFile());
    List<String> top = iterable(json.fieldNames());
    assertEquals(
        List.of(
            "schema_version",
            "run_id",
            "scenario",
            "params",
            "target",
            "transport",
            "started_at",
            "ended_at",
            "duration_s",
            "warm_up_s",
            "state",
            "failure",
            "exit",
            "assertions",
            "users",
            "messages",
            "messages_per_s",
            "ttd_ms",
            "connect_ms",
            "login_ms",
            "lag_ms",
            "errors",
            "errors_total",
            "actions",
            "runner",
            "timers_ms",
            "counters",
            "metric_descriptions",
            "by_transport",
            "nodes",
            "placement"),
        top);
    assertEquals(1, json.get("schema_version").asInt());
    JsonNode placement = json.get("placement");
    assertEquals(
        List.of("cpus_online", "runner_cpus", "servers", "shared"),
        iterable(placement.fieldNames()));
    assertEquals(
        List.of("target", "process", "pid", "cpus"),
        iterable(placement.get("servers").get(0).fieldNames()));
    assertEquals("2025-06-01T10:00:00Z", json.get("started_at").asText());
    assertTrue(json.get("failure").isNull());
    assertEquals(
        List.of("count", "mean", "p50", "p90", "p99", "p99_9", "max"),
        iterable(json.get("ttd_ms").fieldNames()));
    assertEquals(
        List.of("sent", "expected", "received", "late", "lost", "delivered_ratio"),
        iterable(json.get("messages").fieldNames()));
    assertEquals(
        List.of(
            "cpu_s",
            "cpu_s_per_1000_delivered",
            "steady_cpu_s_per_1000_delivered",
            "rss_peak_mib",
            "rss_per_user_kib",
            "threads_peak",
            "cores",
            "send_holds"),
        iterable(json.get("runner").fieldNames()));
    assertEquals(
        List.of("users", "arrival_rate", "message_interval", "body"),
        iterable(json.get("params").fieldNames()),
        "parameters keep their declaration order");
  }

  @Test
  void millisecondsHaveAtMostThreeDecimals() {
    Summary s = SampleRun.shared().summary;
    for (Double v : List.of(s.ttd().mean(), s.ttd().p50(), s.ttd().p999(), s.login().p99())) {
      assertEquals(Math.round(v * 1000) / 1000.0, v);
    }
  }

  private static List<String> iterable(Iterator<String> names) {
    List<String> out = new ArrayList<>();
    names.forEachRemaining(out::add);
    return out;
  }

  private static Summary summary(long sent, long received, long late, Map<String, Long> errors) {
    return summary(
        sent,
        received,
        late,
        errors,
        new Summary.Runner(1.5, 0.15, null, 200.0, 20480.0, 42, 4, 0));
  }

  private static Summary summary(
      long sent, long received, long late, Map<String, Long> errors, Summary.Runner runner) {
    Histogram ttd = empty();
    for (long i = 1; i <= received; i++) {
      ttd.recordValue(i * 1000);
    }
    return MetricsReporter.summarise(
        RUN,
        END,
        Summary.FINISHED,
        null,
        snapshot(sent, received, late, errors),
        t -> t == Timer.TTD ? ttd : empty(),
        Map.of(),
        Map.of(),
        Map.of(),
        runner,
        List.of(),
        null);
  }

  private static Snapshot snapshot(long sent, long received, long late, Map<String, Long> errors) {
    Histogram[] histograms = new Histogram[Timer.values().length];
    for (Timer t : Timer.values()) {
      histograms[t.ordinal()] = empty();
    }
    return new Snapshot(
        histograms,
        sent,
        sent,
        received,
        late,
        errors,
        0,
        10,
        10,
        Map.of(),
        ScenarioMetrics.Snapshot.EMPTY,
        0);
  }

  private static Histogram empty() {
    return new Histogram(Metrics.HIGHEST_NANOS, 3);
  }
}
