package io.murmuration.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadProfileTest {

  @Test
  void aConstantRateArrivesRateTimesElapsedUsers() {
    LoadProfile p = LoadProfile.constant(1000, 1, 50);
    assertEquals(0, p.arrivedBy(0), 1e-9);
    assertEquals(25, p.arrivedBy(0.5), 1e-9);
    assertEquals(500, p.arrivedBy(10), 1e-9);
  }

  @Test
  void aRampArrivesTheAreaUnderTheRateLine() {
    // 10/s rising to 30/s over 10 s: 200 users by the end of the ramp, then 30/s
    LoadProfile p =
        new LoadProfile(1000, 1, 10, 30, Duration.ofSeconds(10), null, Duration.ofSeconds(5));
    assertEquals(75, p.arrivedBy(5), 1e-9); // 10/s × 5 s + ½ × 2/s² × (5 s)²
    assertEquals(200, p.arrivedBy(10), 1e-9);
    assertEquals(260, p.arrivedBy(12), 1e-9);
  }

  @Test
  void aFallingRampNeverGoesBackwards() {
    LoadProfile p =
        new LoadProfile(1000, 1, 40, 10, Duration.ofSeconds(6), null, Duration.ofSeconds(5));
    double previous = 0;
    for (double t = 0.1; t < 10; t += 0.1) {
      double now = p.arrivedBy(t);
      assertTrue(now >= previous, "arrivals fell at " + t);
      previous = now;
    }
  }

  @Test
  void rejectsSettingsThatCannotRun() {
    assertThrows(IllegalArgumentException.class, () -> LoadProfile.constant(10, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> LoadProfile.constant(-1, 1, 10));
    assertThrows(IllegalArgumentException.class, () -> LoadProfile.constant(0, 1, 10));
    assertThrows(
        IllegalArgumentException.class,
        () -> new LoadProfile(10, 1, 10, 20, null, null, Duration.ofSeconds(5)));
  }
}
