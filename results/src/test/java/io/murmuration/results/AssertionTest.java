package io.murmuration.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AssertionTest {

  @Test
  void readsMetricOperatorAndValueInMilliseconds() {
    assertEquals(
        new Assertion("ttd.p99 < 50ms", "ttd.p99", "<", 50), Assertion.parse("ttd.p99 < 50ms"));
    assertEquals(2000, Assertion.parse("connect.p99<=2s").value());
    assertEquals(0.25, Assertion.parse("lag.p99 < 250us").value());
    assertEquals(0.999, Assertion.parse("messages.delivered_ratio >= 99.9%").value(), 1e-12);
    assertEquals("==", Assertion.parse("messages.lost == 0").op());
  }

  @Test
  void acceptsAnyErrorKind() {
    assertEquals("errors.connection-lost", Assertion.parse("errors.connection-lost == 0").metric());
  }

  @Test
  void refusesUnreadableAssertionsWithAnExample() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Assertion.parse("ttd.p99 is small"));
    assertTrue(
        e.getMessage().contains("write METRIC OP VALUE, e.g. 'ttd.p99 < 50ms'"), e.getMessage());
  }

  @Test
  void refusesUnknownMetricsListingTheKnownOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Assertion.parse("ttd.p95 < 5ms"));
    assertTrue(e.getMessage().startsWith("unknown metric 'ttd.p95'"), e.getMessage());
    assertTrue(e.getMessage().contains("ttd.p99"), e.getMessage());
  }
}
