package io.murmuration.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpLoadTest {
  private static final HttpLoad EJABBERD =
      HttpLoad.post("http://127.0.0.1:5280/api/send_message", HttpLoad.EJABBERD_SEND_MESSAGE);

  @Test
  void aConstantRateSendsRateTimesHoldEvenlyFromTheStart() {
    HttpLoad load = EJABBERD.rate(50).hold(Duration.ofSeconds(3));
    assertEquals(150, load.sends());
    assertEquals(0, load.offsetNanos(0));
    assertEquals(20_000_000, load.offsetNanos(1));
    assertEquals(2_980_000_000L, load.offsetNanos(149));
    assertEquals(3, EJABBERD.rate(0.3).sends(), "0.3/s for 10 s: 3 sends, not 4");
  }

  @Test
  void aRampRisesLinearlyFromZeroThenHoldsTheRate() {
    HttpLoad load = EJABBERD.rate(100).ramp(Duration.ofSeconds(2)).hold(Duration.ofSeconds(1));
    // the ramp's 100 sends (rate × ramp / 2), then 100 in the hold second
    assertEquals(200, load.sends());
    assertEquals(0, load.offsetNanos(0));
    assertEquals(Math.round(Math.sqrt(2 * 2.0 * 25 / 100) * 1e9), load.offsetNanos(25));
    assertEquals(2_000_000_000L, load.offsetNanos(100));
    assertEquals(2_990_000_000L, load.offsetNanos(199));
    assertEquals(25, load.dueBy(1_000_000_000), "a quarter of the ramp's sends in its first half");
  }

  /** The slow reference: counting the sends whose offset is less, one by one. */
  @Test
  void dueByCountsTheSendsWhoseOffsetIsLessAndOffsetsNeverGoBack() {
    for (HttpLoad load :
        new HttpLoad[] {
          EJABBERD.rate(7.5).ramp(Duration.ofMillis(2500)).hold(Duration.ofMillis(1300)),
          EJABBERD.rate(333).ramp(Duration.ofSeconds(1)).hold(Duration.ZERO),
          EJABBERD.rate(0.5).hold(Duration.ofSeconds(9))
        }) {
      long end = load.ramp().plus(load.hold()).toNanos();
      long previous = -1;
      for (long k = 0; k < load.sends(); k++) {
        long offset = load.offsetNanos(k);
        assertTrue(offset >= previous && offset < end, load + " send " + k + " at " + offset);
        previous = offset;
      }
      for (long t = 0; t <= end; t += end / 97) {
        long at = t;
        long slow = 0;
        while (slow < load.sends() && load.offsetNanos(slow) < at) {
          slow++;
        }
        assertEquals(slow, load.dueBy(at), load + " at " + at);
      }
      assertEquals(load.sends(), load.dueBy(end + 1_000_000_000));
    }
  }

  @Test
  void aLoadThatCouldNotBeTimedOrAddressedIsRefused() {
    String noBody = "{\"to\":\"{{to}}\"}";
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> HttpLoad.post("http://h/x", noBody))
            .getMessage()
            .contains("has no {{body}}"));
    assertThrows(
        IllegalArgumentException.class, () -> HttpLoad.post("http://h/x", "{\"b\":\"{{body}}\"}"));
    HttpLoad.post("http://h/x/{{to}}", "{\"b\":\"{{body}}\"}"); // the recipient in the URL
    assertThrows(IllegalArgumentException.class, () -> EJABBERD.rate(0));
    assertThrows(IllegalArgumentException.class, () -> EJABBERD.rate(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> EJABBERD.rate(2_000_000));
    assertThrows(
        IllegalArgumentException.class, () -> EJABBERD.hold(Duration.ZERO).ramp(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> EJABBERD.timeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> EJABBERD.basicAuth("ad:min", "pw"));
    assertThrows(IllegalArgumentException.class, () -> EJABBERD.basicAuth("admin", null));
    assertThrows(IllegalArgumentException.class, () -> EJABBERD.basicAuth("admin", "pw\nX: 1"));
  }

  @Test
  void thePasswordIsNeverPrinted() {
    String shown = EJABBERD.basicAuth("admin", "s3cr3t-pa55").toString();
    assertTrue(shown.contains("basic auth as admin"), shown);
    assertFalse(shown.contains("s3cr3t-pa55"), shown);
  }
}
