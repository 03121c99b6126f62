package io.murmuration.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class PrerequisitesTest {

  @Test
  void aMissingComponentSkipsTheTestOnADeveloperMachine() {
    TestAbortedException e =
        assertThrows(
            TestAbortedException.class,
            () ->
                Prerequisites.require(Map.of(), "chromium", false, "apt-get install -y chromium"));
    assertEquals(
        "chromium is missing: apt-get install -y chromium" + " (skipped; with CI=true this fails)",
        e.getMessage());
  }

  @Test
  void aMissingComponentFailsTheTestInCi() {
    AssertionFailedError e =
        assertThrows(
            AssertionFailedError.class,
            () ->
                Prerequisites.require(
                    Map.of("CI", "true"), "chromium", false, "apt-get install -y chromium"));
    assertEquals(
        "chromium is missing: apt-get install -y chromium"
            + " (CI=true: a test must not skip for want of a component)",
        e.getMessage());
  }

  @Test
  void anyCiValueButFalseOrZeroCountsAsCi() {
    for (String ci : new String[] {"true", "TRUE", "1", "yes", "gitlab"}) {
      assertThrows(
          AssertionFailedError.class,
          () ->
              Prerequisites.require(
                  Map.of("CI", ci), "chromium", false, "apt-get install -y chromium"),
          ci);
    }
    for (String ci : new String[] {"", " ", "false", "FALSE", "0"}) {
      assertThrows(
          TestAbortedException.class,
          () ->
              Prerequisites.require(
                  Map.of("CI", ci), "chromium", false, "apt-get install -y chromium"),
          ci);
    }
  }

  @Test
  void aPresentComponentLetsTheTestRunEverywhere() {
    Prerequisites.require(Map.of("CI", "true"), "chromium", true, "apt-get install -y chromium");
    Prerequisites.require(Map.of(), "chromium", true, "apt-get install -y chromium");
  }
}
