package io.murmuration.gatling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatling.commons.util.LatestGatlingRelease;
import java.util.prefs.Preferences;
import org.junit.jupiter.api.Test;

/**
 * Gatling's release check, run for real with this module's preferences (named in surefire's
 * settings, as the runner names them to the child JVM). Any HTTPS request goes to a proxy on a
 * closed loopback port, so a check that did ask fails fast here and never leaves the machine; it
 * would also write the time of its attempt, which is how this test sees it.
 */
class OfflinePreferencesTest {

  @Test
  void gatlingFindsAFreshFailedCheckAndAsksNothing() {
    assertSame(
        new OfflinePreferences().userRoot(),
        Preferences.userRoot(),
        "the JVM's preferences are these (surefire names the factory, as the runner does)");
    assertTrue(LatestGatlingRelease.load().isEmpty(), "no newer release known, none looked for");
    Preferences gatling = Preferences.userRoot().node(OfflinePreferences.GATLING_NODE);
    assertEquals(
        Long.MAX_VALUE,
        gatling.getLong(OfflinePreferences.LAST_CHECK, 0),
        "Gatling asked Maven Central and wrote the time of its attempt");
    assertFalse(gatling.getBoolean(OfflinePreferences.LAST_CHECK_SUCCESS, true));
  }
}
