package io.murmuration.scenario;

import java.util.regex.Pattern;

/**
 * A timer a scenario declares in {@link Scenario#init} ({@link RunSetup#timer}) and records into
 * from its users ({@link User#record}, {@link User#recordDelivery}, {@link User#iq}). Like the
 * runner's own timers it is an HdrHistogram of nanoseconds, reported in milliseconds: in the live
 * view, {@code summary.json} under {@code timers_ms.<name>}, the report, InfluxDB (measurement
 * {@code timer}, tag {@code name}) and the dashboards; {@code --assert 'timers.<name>.p99 < 20ms'}
 * and {@code murm compare} read it by that path.
 *
 * @param name lower case letters, digits and underscores, starting with a letter ({@code
 *     ping_rtt}); unique among the scenario's timers and counters
 * @param description one line for people: what is timed, from when to when
 */
public record Timer(String name, String description) {
  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,39}");

  public Timer {
    checkName(name);
  }

  static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "metric name '"
              + name
              + "': use 1 to 40 lower-case letters, digits or underscores, starting with a letter");
    }
  }
}
