package io.murmuration.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ParamTest {

  @Test
  void parsesDurationsInEveryUnit() {
    assertEquals(Duration.ofMillis(250), Param.parseDuration("250ms"));
    assertEquals(Duration.ofSeconds(5), Param.parseDuration("5s"));
    assertEquals(Duration.ofMillis(1500), Param.parseDuration("1.5s"));
    assertEquals(Duration.ofMinutes(2), Param.parseDuration("2m"));
    assertEquals(Duration.ofHours(1), Param.parseDuration("1h"));
    assertEquals(Duration.ZERO, Param.parseDuration("0"));
  }

  @Test
  void showsDurationsTheWayItReadsThem() {
    for (String text : new String[] {"250ms", "5s", "2m", "1h", "1500ms"}) {
      assertEquals(text, Param.showDuration(Param.parseDuration(text)));
    }
  }

  @Test
  void rejectsAValueOfTheWrongTypeNamingParameterAndForm() {
    Param<Duration> p = Param.ofDuration("interval", Duration.ofSeconds(1), "gap");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.parse("5"));
    assertEquals(
        "parameter interval: '5' is not a duration (write e.g. 250ms, 5s, 2m, 1h)", e.getMessage());
  }

  @Test
  void rejectsAValueBreakingARuleAndSaysTheRule() {
    Param<Integer> p = Param.ofInt("bucket_size", 10, "size").atLeast(2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.parse("1"));
    assertEquals("parameter bucket_size: '1' must be at least 2", e.getMessage());
    assertEquals(2, p.parse("2"));
  }

  @Test
  void positiveRejectsZeroDurations() {
    Param<Duration> p = Param.ofDuration("interval", Duration.ofSeconds(1), "gap").positive();
    assertThrows(IllegalArgumentException.class, () -> p.parse("0"));
    assertEquals(Duration.ofMillis(1), p.parse("1ms"));
  }

  @Test
  void changeableIsOffUnlessDeclared() {
    Param<Integer> p = Param.ofInt("n", 1, "n");
    assertFalse(p.isChangeable());
    assertTrue(p.changeable().isChangeable());
  }

  @Test
  void namesMustBeLowerSnakeCase() {
    assertThrows(IllegalArgumentException.class, () -> Param.ofInt("Bucket-Size", 1, "x"));
  }
}
