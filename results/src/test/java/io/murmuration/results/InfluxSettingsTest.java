package io.murmuration.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfluxSettingsTest {
  @TempDir Path dir;

  @Test
  void credentialsComeFromTheEnvironmentAndAreNeverShown() {
    InfluxSettings s =
        InfluxSettings.of(
            "http://127.0.0.1:8086/",
            null,
            null,
            Map.of("MURM_INFLUX_USER", "writer", "MURM_INFLUX_PASSWORD", "s3cret"));
    assertEquals("http://127.0.0.1:8086", s.url().toString());
    assertEquals("murmuration", s.database());
    assertEquals("writer", s.user());
    assertEquals("s3cret", s.password());
    assertFalse(s.toString().contains("s3cret"), s.toString());
  }

  @Test
  void aCredentialsFileWinsOverTheEnvironment() throws Exception {
    Path file = Files.writeString(dir.resolve("influx.cred"), "# ci\nuser=ci\npassword=p=w\n");
    InfluxSettings s =
        InfluxSettings.of(
            "http://h:8086",
            "load",
            file,
            Map.of("MURM_INFLUX_USER", "x", "MURM_INFLUX_PASSWORD", "y"));
    assertEquals("ci", s.user());
    assertEquals("p=w", s.password());
    assertEquals("load", s.database());
  }

  @Test
  void noCredentialsMeansNone() {
    assertNull(InfluxSettings.of("http://h:8086", null, null, Map.of()).user());
  }

  @Test
  void aUserWithoutPasswordIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> InfluxSettings.of("http://h:8086", null, null, Map.of("MURM_INFLUX_USER", "u")));
    assertEquals(
        "InfluxDB credentials need both a user and a password (MURM_INFLUX_USER,"
            + " MURM_INFLUX_PASSWORD, or a credentials file with user= and password=)",
        e.getMessage());
  }

  @Test
  void aUrlWithoutSchemeIsRefusedWithAnExample() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> InfluxSettings.of("127.0.0.1:8086", null, null, Map.of()));
    assertEquals(
        "the InfluxDB URL must look like http://host:8086, not '127.0.0.1:8086'", e.getMessage());
  }

  @Test
  void anUnreadableCredentialsFileIsNamed() {
    Path missing = dir.resolve("missing");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> InfluxSettings.of("http://h:8086", null, missing, Map.of()));
    assertEquals(
        true, e.getMessage().startsWith("cannot read the InfluxDB credentials file " + missing));
  }
}
