package io.murmuration.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.murmuration.metrics.Metrics.Timer;
import io.murmuration.results.Summary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsReporterTest {

  private static final Duration FAST = Duration.ofMillis(10);

  @TempDir Path dir;

  private final Metrics metrics = new Metrics();
  private final RunInfo run = SampleRun.runInfo("test-run", Instant.now());

  @Test
  void summaryPercentilesMatchASortedReferenceWithinHdrHistogramPrecision() throws Exception {
    Random random = new Random(7);
    Map<Timer, long[]> recorded = new EnumMap<>(Timer.class);
    try (MetricsReporter reporter = reporter(null)) {
      for (Timer timer : Timer.values()) {
        long[] values = new long[timer == Timer.TTD ? 20_000 : 1_000];
        for (int i = 0; i < values.length; i++) {
          // Log-normal around 2 ms: from tens of microseconds to about a second.
          values[i] = (long) (2e6 * Math.exp(random.nextGaussian() * 1.2));
        }
        recordSpread(timer, values);
        recorded.put(timer, values);
      }
      reporter.finish(Summary.FINISHED, null, java.util.List.of());
    }

    JsonNode json = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    for (Timer timer : Timer.values()) {
      long[] sorted = recorded.get(timer).clone();
      Arrays.sort(sorted);
      JsonNode stats = json.get(timer.key + "_ms");
      assertEquals(sorted.length, stats.get("count").asLong(), timer.key);
      assertClose(nearestRank(sorted, 50), stats.get("p50"), timer.key + " p50");
      assertClose(nearestRank(sorted, 90), stats.get("p90"), timer.key + " p90");
      assertClose(nearestRank(sorted, 99), stats.get("p99"), timer.key + " p99");
      assertClose(nearestRank(sorted, 99.9), stats.get("p99_9"), timer.key + " p99.9");
      assertClose(sorted[sorted.length - 1], stats.get("max"), timer.key + " max");
      assertClose(
          Arrays.stream(sorted).sum() / sorted.length, stats.get("mean"), timer.key + " mean");
    }
  }

  /**
   * Samples recorded during the warm-up stay out of the TTD and lag totals (the slow start of a
   * JVM), those after it are all in; connect and login times and the counters are never cut.
   */
  @Test
  void theWarmUpIsLeftOutOfTtdAndLagButNotOfConnectLoginOrCounts() throws Exception {
    RunInfo warm =
        new RunInfo(
            "warm-run",
            run.scenario(),
            run.params(),
            run.target(),
            run.transport(),
            Instant.now(),
            Duration.ofMillis(300));
    try (MetricsReporter reporter = new MetricsReporter(metrics, dir, warm, FAST, null)) {
      for (int i = 0; i < 50; i++) { // during the warm-up: slow
        metrics.record(Timer.TTD, 900_000_000);
        metrics.record(Timer.LAG, 800_000_000);
        metrics.record(Timer.CONNECT, 5_000_000);
        metrics.messageSent(1);
        metrics.messageReceived();
      }
      Thread.sleep(450); // past the warm-up, and past the interval in which it ended
      for (int i = 0; i < 100; i++) {
        metrics.record(Timer.TTD, 2_000_000);
        metrics.record(Timer.LAG, 100_000);
        metrics.messageSent(1);
        metrics.messageReceived();
      }
      Summary s = reporter.finish(Summary.FINISHED, null, java.util.List.of());
      assertEquals(100, s.ttd().count());
      assertEquals(2.0, s.ttd().max(), 0.01);
      assertEquals(100, s.lag().count());
      assertEquals(50, s.connect().count(), "connects during the warm-up all count");
      assertEquals(150, s.messages().received());
      assertEquals(0.3, s.warmUpS(), 1e-9);
    }
    JsonNode json = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    assertEquals(0.3, json.get("warm_up_s").asDouble(), 1e-9);
    assertEquals(100, json.get("ttd_ms").get("count").asLong());
  }

  @Test
  void countersBecomeReceivedLateLostAndErrorsInTheSummary() throws Exception {
    Summary summary;
    try (MetricsReporter reporter = reporter(null)) {
      metrics.usersTarget(3);
      metrics.userConnected();
      metrics.userConnected();
      metrics.userConnected();
      metrics.userDisconnected();
      for (int i = 0; i < 1000; i++) {
        metrics.messageSent(1);
        if (i < 900) {
          metrics.messageReceived();
          metrics.record(Timer.TTD, 1_000_000);
        } else if (i < 950) {
          metrics.messageLate();
        }
      }
      metrics.error("timeout");
      metrics.error("timeout");
      metrics.error("stream_error");
      summary = reporter.finish(Summary.FINISHED, null, java.util.List.of());
    }
    assertEquals(new Summary.Messages(1000, 1000, 900, 50, 50, 0.95), summary.messages());
    assertEquals(new Summary.Users(3, 3), summary.users());
    assertEquals(Map.of("stream_error", 1L, "timeout", 2L), summary.errors());
    assertEquals(3, summary.errorsTotal());
    assertEquals(900, summary.ttd().count());
    assertEquals(summary, Summary.read(dir.resolve("summary.json")));
  }

  @Test
  void theHistogramLogRoundTripsWithOneTaggedHistogramPerTimerPerInterval() throws Exception {
    long[] ttd = new long[5_000];
    Arrays.fill(ttd, 3_000_000);
    try (MetricsReporter reporter = reporter(null)) {
      recordSpread(Timer.TTD, ttd);
      recordSpread(Timer.LAG, new long[] {100_000, 200_000, 300_000});
      metrics.record(Timer.CONNECT, 500_000);
      reporter.finish(Summary.FINISHED, null, java.util.List.of());
    }

    Map<String, Long> counts = new TreeMap<>();
    Map<String, Integer> lines = new TreeMap<>();
    List<Double> starts = new ArrayList<>();
    try (HistogramLogReader reader =
        new HistogramLogReader(dir.resolve(MetricsReporter.HISTOGRAM_LOG_FILE).toFile())) {
      EncodableHistogram next;
      while ((next = reader.nextIntervalHistogram()) != null) {
        Histogram h = (Histogram) next;
        counts.merge(h.getTag(), h.getTotalCount(), Long::sum);
        lines.merge(h.getTag(), 1, Integer::sum);
        if (h.getTag().equals("ttd")) {
          starts.add(h.getStartTimeStamp() / 1000.0);
          assertTrue(h.getTotalCount() == 0 || h.getMaxValue() >= 3_000_000);
        }
      }
      assertEquals(run.startedAt().toEpochMilli() / 1000.0, reader.getStartTimeSec(), 0.001);
    }
    assertEquals(Map.of("connect", 1L, "lag", 3L, "login", 0L, "ttd", 5_000L), counts);
    assertEquals(1, lines.values().stream().distinct().count(), "every timer in every interval");
    assertTrue(lines.get("ttd") > 2, "several intervals: " + lines);
    for (int i = 1; i < starts.size(); i++) {
      assertTrue(starts.get(i) >= starts.get(i - 1), "intervals in order");
    }
    String header = Files.readString(dir.resolve("metrics.hlog"));
    assertTrue(header.contains("#[StartTime: "));
    assertTrue(header.contains("#[BaseTime: "));
    assertTrue(header.contains("\"StartTimestamp\",\"Interval_Length\""));
  }

  @Test
  void keepsSamplingWhileOtherThreadsRecordAndLosesNoCount() throws Exception {
    int threads = 4;
    int perThread = 100_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> recorders = new ArrayList<>();
    Summary summary;
    List<SeriesPoint> series;
    AtomicLong intervalsSeen = new AtomicLong();
    try (MetricsReporter reporter = reporter(null)) {
      reporter.addListener((point, snapshot) -> intervalsSeen.incrementAndGet());
      for (int t = 0; t < threads; t++) {
        Thread thread =
            Thread.ofPlatform()
                .start(
                    () -> {
                      awaitQuietly(start);
                      for (int i = 1; i <= perThread; i++) {
                        metrics.messageSent(1);
                        metrics.record(Timer.TTD, i * 1_000L);
                        metrics.messageReceived();
                        if (i % 10_000 == 0) {
                          metrics.error("timeout");
                        }
                        if (i % 5_000 == 0) {
                          sleep(5);
                        }
                      }
                    });
        recorders.add(thread);
      }
      start.countDown();
      for (Thread thread : recorders) {
        thread.join();
      }
      summary = reporter.finish(Summary.FINISHED, null, java.util.List.of());
      series = reporter.series();
    }
    long total = (long) threads * perThread;
    assertEquals(total, summary.ttd().count());
    assertEquals(total, summary.messages().sent());
    assertEquals(total, summary.messages().received());
    assertEquals(threads * 10L, summary.errors().get("timeout"));
    assertEquals(total, series.stream().mapToLong(SeriesPoint::ttdCount).sum());
    assertTrue(series.size() > 3, "sampled while recording: " + series.size());
    assertTrue(intervalsSeen.get() >= series.size() - 1, "listeners see the intervals");
    assertEquals(100.0, summary.ttd().max(), 0.1);
  }

  @Test
  void closingWithoutFinishLeavesAFailedInterruptedRunFolder() throws Exception {
    try (MetricsReporter reporter = reporter(null)) {
      metrics.messageSent(1);
    }
    Summary summary = Summary.read(dir.resolve("summary.json"));
    assertEquals(Summary.FAILED, summary.state());
    assertEquals("interrupted", summary.failure());
    assertEquals(1, summary.messages().sent());
    assertTrue(Files.exists(dir.resolve("report.html")));
  }

  @Test
  void finishReturnsTheFirstSummaryWhenCalledAgainOrClosed() throws Exception {
    MetricsReporter reporter = reporter(null);
    Summary first = reporter.finish(Summary.FAILED, "server went away", java.util.List.of());
    assertSame(first, reporter.finish(Summary.FINISHED, null, java.util.List.of()));
    reporter.close();
    Summary written = Summary.read(dir.resolve("summary.json"));
    assertEquals("server went away", written.failure());
    assertEquals(Summary.FAILED, written.state());
  }

  @Test
  void createsAMissingRunFolder() throws Exception {
    Path nested = dir.resolve("runs/2025/one");
    try (MetricsReporter reporter = new MetricsReporter(metrics, nested, run, FAST, null)) {
      Summary summary = reporter.finish(Summary.FINISHED, null, java.util.List.of());
      assertNull(summary.failure());
    }
    assertTrue(Files.exists(nested.resolve("summary.json")));
    assertTrue(Files.exists(nested.resolve("report.html")));
    assertTrue(Files.exists(nested.resolve("metrics.hlog")));
  }

  @Test
  void printsTheLiveViewToTheGivenStream() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        MetricsReporter reporter = reporter(out)) {
      metrics.usersTarget(20);
      metrics.userConnected();
      metrics.messageReceived();
      metrics.record(Timer.TTD, 2_000_000);
      reporter.finish(Summary.FINISHED, null, java.util.List.of());
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(
        text.matches(
            "(?s) {2,}\\d+s  users 1/20  msg/s \\d+  ttd p50 2\\.00 ms  p99 2\\.00 ms  errors 0\n"),
        text);
  }

  private MetricsReporter reporter(PrintStream live) throws IOException {
    return new MetricsReporter(metrics, dir, run, FAST, live);
  }

  /** Records values over several sampling intervals. */
  private void recordSpread(Timer timer, long[] values) {
    int chunk = Math.max(1, values.length / 5);
    for (int i = 0; i < values.length; i++) {
      metrics.record(timer, values[i]);
      if (i % chunk == chunk - 1) {
        sleep(12);
      }
    }
  }

  /** The smallest value with at least {@code percentile} % of the values at or below it. */
  private static long nearestRank(long[] sorted, double percentile) {
    int rank =
        BigDecimal.valueOf(percentile)
            .multiply(BigDecimal.valueOf(sorted.length))
            .divide(BigDecimal.valueOf(100), 0, RoundingMode.CEILING)
            .intValueExact();
    return sorted[Math.max(rank, 1) - 1];
  }

  /** Within HdrHistogram's 3 significant digits (0.1 %) plus the 1 µs rounding of the summary. */
  private static void assertClose(long expectedNanos, JsonNode actualMs, String what) {
    double expected = expectedNanos / 1e6;
    assertEquals(expected, actualMs.asDouble(), expected * 0.001 + 0.0006, what);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
