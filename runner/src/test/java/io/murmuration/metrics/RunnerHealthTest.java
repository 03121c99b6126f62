package io.murmuration.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.murmuration.metrics.Metrics.Snapshot;
import io.murmuration.metrics.Metrics.Timer;
import io.murmuration.metrics.RunnerHealth.Interval;
import io.murmuration.results.Summary;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnerHealthTest {

  private static final long SECOND = 1_000_000_000L;

  private static volatile long sink;

  @Test
  void aThreadBurningCpuShowsInCpuSecondsAndCoresAndStartedThreadsInThePeak(@TempDir Path dir)
      throws Exception {
    Metrics metrics = new Metrics();
    int parkedThreads = 16;
    CountDownLatch release = new CountDownLatch(1);
    Summary summary;
    List<SeriesPoint> series;
    RunInfo run = SampleRun.runInfo("health", Instant.now());
    try (MetricsReporter reporter =
        new MetricsReporter(metrics, dir, run, Duration.ofMillis(100), null)) {
      for (int i = 0; i < parkedThreads; i++) {
        Thread.ofPlatform().daemon().name("parked-" + i).start(() -> await(release));
      }
      metrics.usersTarget(1);
      metrics.userConnected();
      Thread burner = Thread.ofPlatform().name("burner").start(() -> burnCpu(SECOND / 2));
      burner.join();
      for (int i = 0; i < 2000; i++) {
        metrics.messageSent(1);
        metrics.messageReceived();
      }
      Thread.sleep(150);
      summary = reporter.finish(Summary.FINISHED, null, java.util.List.of());
      series = reporter.series();
    } finally {
      release.countDown();
    }

    Summary.Runner runner = summary.runner();
    assertTrue(runner.cpuS() >= 0.4, "cpu_s " + runner.cpuS());
    assertTrue(
        series.stream().anyMatch(p -> p.cpuCores() != null && p.cpuCores() > 0.5),
        "an interval above half a core: " + series.stream().map(SeriesPoint::cpuCores).toList());
    assertEquals(Summary.round3(runner.cpuS() / 2000 * 1000), runner.cpuSPer1000Delivered());
    assertTrue(runner.threadsPeak() >= parkedThreads + 1, "threads_peak " + runner.threadsPeak());
    assertTrue(series.stream().allMatch(p -> p.threads() > 0));
    assertEquals(Runtime.getRuntime().availableProcessors(), runner.cores());
    if (Files.isReadable(Path.of("/proc/self/status"))) {
      assertTrue(runner.rssPeakMib() > 0, "rss_peak_mib " + runner.rssPeakMib());
      // rss_peak_mib is rounded to 0.001 MiB, about 1 KiB
      assertEquals(runner.rssPeakMib() * 1024, runner.rssPerUserKib(), 0.52);
      assertTrue(series.stream().allMatch(p -> p.rssMib() != null && p.rssMib() > 0));
    } else {
      assertNull(runner.rssPeakMib());
    }

    JsonNode json = new ObjectMapper().readTree(dir.resolve("summary.json").toFile()).get("runner");
    assertEquals(runner.cpuS(), json.get("cpu_s").asDouble());
    assertEquals(runner.threadsPeak(), json.get("threads_peak").asInt());
    assertEquals(runner.cpuS(), summary.metric("runner.cpu_s").getAsDouble());
    assertEquals(runner.threadsPeak(), summary.metric("runner.threads_peak").getAsDouble());
    assertTrue(summary.metric("runner.cpu_s_per_1000_delivered").isPresent());
  }

  /**
   * Users 0 → 4 → 8 → 10, three intervals at 10, then 10 → 6 → 0; every interval 1 s. Only the
   * three intervals with 10 users at both ends are steady: CPU 0.5 + 0.7 + 0.3 = 1.5 s for 1000 +
   * 2000 + 1000 = 4000 messages, 0.375 s per 1000. The whole run: 6.5 s for 5900 messages.
   */
  @Test
  void theSteadyWindowCountsOnlyIntervalsWithThePeakOfUsersAtBothEnds() {
    int[] users = {0, 4, 8, 10, 10, 10, 10, 6, 0};
    long[] delivered = {0, 100, 300, 500, 1000, 2000, 1000, 800, 200};
    double[] cpuS = {0, 0.9, 1.1, 2.0, 0.5, 0.7, 0.3, 0.6, 0.4};
    Scripted probe = new Scripted();
    RunnerHealth health = new RunnerHealth(probe, 8);
    Snapshot previous = null;
    List<RunnerHealth.Use> uses = new ArrayList<>();
    long totalDelivered = 0;
    for (int i = 1; i < users.length; i++) {
      totalDelivered += delivered[i];
      probe.advance(
          SECOND, (long) (cpuS[i] * SECOND), 100 * 1024 + users[i] * 1024L, 20 + users[i]);
      // One in ten deliveries late: delivered counts received and late.
      Snapshot now = snapshot(totalDelivered - totalDelivered / 10, totalDelivered / 10, users[i]);
      uses.add(health.tick(previous, now));
      previous = now;
    }

    assertEquals(
        List.of(
            new Interval(0, 4, 100, (long) (0.9 * SECOND)),
            new Interval(4, 8, 300, (long) (1.1 * SECOND)),
            new Interval(8, 10, 500, 2 * SECOND)),
        health.intervals().subList(0, 3));
    assertEquals(2.0, uses.get(2).cpuCores());
    assertEquals(110.0, uses.get(2).rssMib());
    assertEquals(30, uses.get(2).threads());

    Summary.Runner runner = health.summary(10, totalDelivered, 0);
    assertEquals(0.375, runner.steadyCpuSPer1000Delivered());
    assertEquals(6.5, runner.cpuS());
    assertEquals(1.102, runner.cpuSPer1000Delivered(), "6.5 s / 5900 × 1000 = 1.10169…");
    assertEquals(110.0, runner.rssPeakMib());
    assertEquals(11264.0, runner.rssPerUserKib(), "110 MiB × 1024 / 10 users");
    assertEquals(30, runner.threadsPeak());
    assertEquals(8, runner.cores());
  }

  @Test
  void cpuInCoresIsCpuTimeOverTheWallTimeOfTheInterval() {
    Scripted probe = new Scripted();
    RunnerHealth health = new RunnerHealth(probe, 4);
    probe.advance(SECOND / 2, 3 * SECOND / 4, 1024, 10);
    assertEquals(1.5, health.tick(null, snapshot(0, 0, 0)).cpuCores());
  }

  @Test
  void noSteadyValueWithoutAPlateauAtThePeakOrWithoutDeliveries() {
    List<Interval> rampAndLeave =
        List.of(
            new Interval(0, 5, 10, SECOND),
            new Interval(5, 10, 10, SECOND),
            new Interval(10, 3, 10, SECOND));
    assertNull(RunnerHealth.steadyCpuSPer1000(rampAndLeave, 10), "10 only at one end");
    assertNull(RunnerHealth.steadyCpuSPer1000(List.of(new Interval(0, 0, 10, SECOND)), 0));
    assertNull(RunnerHealth.steadyCpuSPer1000(List.of(new Interval(4, 4, 0, SECOND)), 4));
    assertNull(RunnerHealth.steadyCpuSPer1000(List.of(new Interval(4, 4, 9, -1)), 4));
    assertEquals(250.0, RunnerHealth.steadyCpuSPer1000(List.of(new Interval(4, 4, 4, SECOND)), 4));
  }

  @Test
  void unmeasurableValuesAreNullNotZero() {
    Scripted probe = new Scripted();
    probe.cpuNanos = -1;
    probe.rssKib = -1;
    RunnerHealth health = new RunnerHealth(probe, 2);
    probe.advance(SECOND, 0, 0, 5);
    RunnerHealth.Use use = health.tick(null, snapshot(0, 0, 0));
    assertNull(use.cpuCores());
    assertNull(use.rssMib());
    Summary.Runner runner = health.summary(0, 0, 0);
    assertEquals(new Summary.Runner(null, null, null, null, null, 12, 2, 0), runner, "12 at start");
  }

  /** Burns CPU on the calling thread until it used {@code nanos} of CPU time (at most 10 s). */
  private static void burnCpu(long nanos) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long start = threads.getCurrentThreadCpuTime();
    long deadline = System.nanoTime() + 10 * SECOND;
    long x = 1;
    while (threads.getCurrentThreadCpuTime() - start < nanos && System.nanoTime() < deadline) {
      for (int i = 0; i < 100_000; i++) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
      }
    }
    sink = x;
  }

  private static Snapshot snapshot(long received, long late, int users) {
    Histogram[] histograms = new Histogram[Timer.values().length];
    for (Timer t : Timer.values()) {
      histograms[t.ordinal()] = new Histogram(3);
    }
    return new Snapshot(
        histograms,
        received + late,
        received + late,
        received,
        late,
        Map.of(),
        users,
        10,
        10,
        Map.of(),
        ScenarioMetrics.Snapshot.EMPTY,
        0);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A process whose readings the test sets: {@link #advance} moves the clocks on. */
  private static final class Scripted implements java.util.function.Supplier<ProcessProbe.Sample> {
    long nanoTime = 5 * SECOND;
    long cpuNanos = 40 * SECOND;
    long rssKib = 50 * 1024;
    int threads = 12;

    void advance(long wallNanos, long cpu, long rss, int threadCount) {
      nanoTime += wallNanos;
      if (cpuNanos >= 0) {
        cpuNanos += cpu;
      }
      if (rssKib >= 0) {
        rssKib = rss;
      }
      threads = threadCount;
    }

    @Override
    public ProcessProbe.Sample get() {
      return new ProcessProbe.Sample(nanoTime, cpuNanos, rssKib, threads);
    }
  }
}
