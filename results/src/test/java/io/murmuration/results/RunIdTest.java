package io.murmuration.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RunIdTest {

  @Test
  void aNewIdIsTheUtcTimeTheScenarioAndFourHexDigits() {
    String id = RunId.next("one-to-one");
    assertTrue(id.matches("\\d{8}-\\d{6}-one-to-one-[0-9a-f]{4}"), id);
    assertTrue(RunId.isValid(id), id);
  }

  @Test
  void anIdAtATimeKeepsOnlyAllowedCharacters() {
    Instant t = Instant.parse("2026-12-04T10:15:00Z");
    assertEquals(
        "20261204-101500-j17-r2-head-1-one-to-one", RunId.at(t, "j17-r2-head-1-one-to-one"));
    assertEquals("20261204-101500-a_b_.._c", RunId.at(t, "a/b ../c"));
  }

  @Test
  void onlyOneFolderNameOfAllowedCharactersIsValid() {
    for (String bad :
        new String[] {null, "", "-x", ".hidden", "../x", "a/b", "a b", "x".repeat(129)}) {
      assertFalse(RunId.isValid(bad), String.valueOf(bad));
    }
    assertTrue(RunId.isValid("x".repeat(128)));
  }
}
