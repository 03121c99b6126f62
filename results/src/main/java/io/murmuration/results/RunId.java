package io.murmuration.results;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Run ids: a run's folder name, its {@code run_id} in {@code summary.json} and InfluxDB, and the
 * stamp in its timed messages. They start with the UTC start time ({@code 20261204-101500-…}), so
 * folders sort by time, and use only letters, digits, {@code .}, {@code _} and {@code -}.
 */
public final class RunId {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private RunId() {}

  /** {@code <time>-<scenario>-<4 random hex digits>}: what {@code murm run} names a run. */
  public static String next(String scenario) {
    byte[] random = new byte[2];
    ThreadLocalRandom.current().nextBytes(random);
    return at(Instant.now(), scenario + "-" + HexFormat.of().formatHex(random));
  }

  /**
   * {@code <time>-<rest>}, with any character outside the allowed ones in {@code rest} as {@code
   * _}.
   */
  public static String at(Instant when, String rest) {
    return TIME.format(when) + "-" + rest.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /**
   * Whether {@code id} may name a run: 1 to 128 allowed characters, starting with a letter or
   * digit.
   */
  public static boolean isValid(String id) {
    return id != null && id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  }
}
