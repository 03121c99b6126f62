package io.murmuration.engine;

import java.time.Duration;

/**
 * How users arrive and when the run ends.
 *
 * <p>Arrivals follow a rate in users per second: constant ({@code arrivalRate}), or ramped linearly
 * from {@code arrivalRate} to {@code rampToRate} over {@code rampOver} and constant after that. The
 * controller spawns, at each tick, every user whose arrival time has passed, so a late tick catches
 * up instead of lowering the rate.
 *
 * @param users how many users the run starts with, at least 1
 * @param firstUserId the id of the first user; the others follow (ids name accounts: {@code
 *     user_{id}})
 * @param arrivalRate users per second at the start, more than zero
 * @param rampToRate users per second at the end of the ramp, or 0 for a constant rate
 * @param rampOver how long the ramp lasts (ignored without {@code rampToRate})
 * @param duration when the run stops, counted from its start; {@code null} = when every user has
 *     finished (a number of iterations, set by the scenario's parameters)
 * @param drain at the stop, how long to wait for messages still in flight before users disconnect
 */
public record LoadProfile(
    int users,
    int firstUserId,
    double arrivalRate,
    double rampToRate,
    Duration rampOver,
    Duration duration,
    Duration drain) {

  public LoadProfile {
    if (users < 1) {
      throw new IllegalArgumentException(
          "--users " + users + ": a run needs at least one user; give --users 1 or more");
    }
    if (!(arrivalRate > 0)) {
      throw new IllegalArgumentException(
          "--arrival-rate must be more than 0 users/s, not " + arrivalRate);
    }
    if (rampToRate < 0) {
      throw new IllegalArgumentException(
          "--ramp-to must be 0 (no ramp) or more, not " + rampToRate);
    }
    if (rampToRate > 0 && (rampOver == null || rampOver.isZero() || rampOver.isNegative())) {
      throw new IllegalArgumentException("--ramp-to needs --ramp-over, a duration more than 0");
    }
    if (duration != null && (duration.isZero() || duration.isNegative())) {
      throw new IllegalArgumentException("--duration must be more than 0");
    }
  }

  /** A constant arrival rate, ending when every user has finished. */
  public static LoadProfile constant(int users, int firstUserId, double perSecond) {
    return new LoadProfile(users, firstUserId, perSecond, 0, null, null, Duration.ofSeconds(5));
  }

  public LoadProfile withDuration(Duration duration) {
    return new LoadProfile(users, firstUserId, arrivalRate, rampToRate, rampOver, duration, drain);
  }

  /**
   * How many users should have arrived {@code elapsedSeconds} after the start (not capped by {@link
   * #users}).
   */
  public double arrivedBy(double elapsedSeconds) {
    if (elapsedSeconds <= 0) {
      return 0;
    }
    if (rampToRate == 0) {
      return arrivalRate * elapsedSeconds;
    }
    double ramp = rampOver.toNanos() / 1e9;
    double slope = (rampToRate - arrivalRate) / ramp;
    double t = Math.min(elapsedSeconds, ramp);
    double arrived = arrivalRate * t + slope * t * t / 2;
    return arrived + rampToRate * Math.max(0, elapsedSeconds - ramp);
  }
}
