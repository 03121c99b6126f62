package io.murmuration.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LiveViewTest {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  @Test
  void lineShowsElapsedUsersRateTtdAndErrors() {
    assertEquals(
        "  12s  users 1500/2000  msg/s 980  ttd p50 0.80 ms  p99 4.10 ms  errors 0",
        LiveView.line(12.0, 1500, 2000, 980.4, 0.8, 4.1, 0));
  }

  @Test
  void lineShowsADashForPercentilesOfAnIntervalWithoutSamples() {
    assertEquals(
        "   3s  users 10/2000  msg/s 0  ttd p50 - ms  p99 - ms  errors 7",
        LiveView.line(3.2, 10, 2000, 0, null, null, 7));
  }

  @Test
  void aStreamThatIsNotTheConsoleIsNotInteractive() {
    assertFalse(LiveView.isInteractive(out));
  }

  @Test
  void outsideATerminalOneLineCoversFiveSecondsOfIntervals() {
    LiveView view = new LiveView(out, false, Duration.ofSeconds(1));
    for (int s = 1; s <= 12; s++) {
      view.update(point(s, 100), ttd(s * 1_000_000L), 0, ScenarioMetrics.Snapshot.EMPTY);
    }
    view.end();
    String[] lines = text().split("\n");
    assertEquals(3, lines.length, text());
    // Seconds 1-5: 5 samples of 1..5 ms, p50 is 3 ms; 100 msg/s throughout.
    assertEquals("   5s  users 7/9  msg/s 100  ttd p50 3.00 ms  p99 5.00 ms  errors 0", lines[0]);
    assertTrue(lines[1].startsWith("  10s"), lines[1]);
    assertTrue(lines[2].startsWith("  12s"), "the partial window is printed at the end");
    assertFalse(text().contains("\r"));
  }

  @Test
  void onATerminalTheLineIsRedrawnInPlaceEveryInterval() {
    LiveView view = new LiveView(out, true, Duration.ofSeconds(1));
    view.update(point(1, 1000), ttd(2_000_000), 12, ScenarioMetrics.Snapshot.EMPTY);
    view.update(point(2, 5), new Histogram(3), 12, ScenarioMetrics.Snapshot.EMPTY);
    view.end();
    String first = LiveView.line(1, 7, 9, 1000, 2.0, 2.0, 12);
    String second = LiveView.line(2, 7, 9, 5, null, null, 12);
    String padding = " ".repeat(first.length() - second.length());
    assertEquals("\r" + first + "\r" + second + padding + "\n", text());
  }

  @Test
  void theScenariosTimersShowTheirP99OverTheLineAndItsCountersTheirTotals() {
    LiveView view = new LiveView(out, false, Duration.ofSeconds(1));
    for (int s = 1; s <= 5; s++) {
      // ping_rtt: one sample of s ms per second, so p99 over the five seconds is 5 ms
      view.update(
          point(s, 100),
          ttd(1_000_000),
          0,
          new ScenarioMetrics.Snapshot(
              Map.of("ping_rtt", ttd(s * 1_000_000L)), Map.of("pongs", 10L * s)));
    }
    view.end();
    assertEquals(
        "   5s  users 7/9  msg/s 100  ttd p50 1.00 ms  p99 1.00 ms  errors 0"
            + "  ping_rtt p99 5.00 ms  pongs 50\n",
        text());
  }

  private static SeriesPoint point(double t, double deliveredPerS) {
    return new SeriesPoint(
        t,
        1,
        7,
        9,
        deliveredPerS,
        deliveredPerS,
        1,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        0,
        Map.of());
  }

  private static Histogram ttd(long nanos) {
    Histogram h = new Histogram(Metrics.HIGHEST_NANOS, 3);
    h.recordValue(nanos);
    return h;
  }

  private String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
