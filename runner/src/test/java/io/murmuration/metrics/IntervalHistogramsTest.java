package io.murmuration.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.murmuration.scenario.Timer;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** Snapshots reuse the previous interval's histograms, and each holds its own interval alone. */
class IntervalHistogramsTest {

  @Test
  void eachSnapshotHoldsItsIntervalAloneThoughHistogramsAreReused() {
    Metrics metrics = new Metrics();
    metrics.record(Metrics.Timer.TTD, 1_000);
    metrics.record(Metrics.Timer.TTD, 2_000);
    Histogram first = metrics.snapshot().histogram(Metrics.Timer.TTD);
    assertEquals(2, first.getTotalCount());

    metrics.record(Metrics.Timer.TTD, 5_000_000);
    Histogram second = metrics.snapshot().histogram(Metrics.Timer.TTD);
    assertEquals(1, second.getTotalCount());
    assertEquals(5_000_000, second.getMaxValue(), 5_000_000 / 1000.0);

    Histogram third = metrics.snapshot().histogram(Metrics.Timer.TTD);
    assertSame(first, third, "the histogram of two snapshots ago is reused");
    assertEquals(0, third.getTotalCount());
  }

  @Test
  void scenarioTimersToo() {
    ScenarioMetrics metrics = new ScenarioMetrics();
    Timer page = metrics.declare(new Timer("page", "a page"));
    metrics.freeze();
    metrics.record(page, 7_000);
    Histogram first = metrics.snapshot().timers().get("page");
    assertEquals(1, first.getTotalCount());
    metrics.record(page, 8_000);
    metrics.record(page, 9_000);
    assertEquals(2, metrics.snapshot().timers().get("page").getTotalCount());
    Histogram third = metrics.snapshot().timers().get("page");
    assertSame(first, third);
    assertEquals(0, third.getTotalCount());
  }
}
