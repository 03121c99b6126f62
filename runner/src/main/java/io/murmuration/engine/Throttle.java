package io.murmuration.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Named rates shared by all users of a run (amoc_throttle). A user asks for a slot and gets, at
 * once and on its own thread, the time its action is meant to run: slots of one name are spaced
 * {@code 1/rate} apart. Nobody waits inside the throttle; the user schedules itself for the slot,
 * and the slot time is the intended time from which lag and time-to-delivery are measured.
 *
 * <p>Asking is a short critical section on the caller's thread rather than a message to a shared
 * actor: a round trip through an actor added two thread hand-offs — and their wake-up latency — to
 * every throttled message's measured time.
 *
 * <p>Unused capacity does not accumulate: after an idle spell the next slot is simply the time
 * asked for. Thread-safe.
 */
public final class Throttle {

  private static final class Rate {
    private double perSecond;
    private long nextFree = Long.MIN_VALUE;

    Rate(double perSecond) {
      this.perSecond = perSecond;
    }

    synchronized long acquire(long notBeforeNanos) {
      if (perSecond <= 0) {
        return notBeforeNanos;
      }
      long slot =
          nextFree == Long.MIN_VALUE || notBeforeNanos - nextFree >= 0 ? notBeforeNanos : nextFree;
      nextFree = slot + (long) (1e9 / perSecond);
      return slot;
    }

    synchronized void set(double perSecond) {
      this.perSecond = perSecond;
    }
  }

  private final Map<String, Rate> rates = new ConcurrentHashMap<>();

  /** Rates in actions per second; 0 means no limit. */
  Throttle(Map<String, Double> initialRates) {
    initialRates.forEach((name, perSecond) -> rates.put(name, new Rate(perSecond)));
  }

  /**
   * Why throttle {@code name} cannot be set to {@code perSecond} in a run of {@code scenario} whose
   * scenario declared {@code declared}, or null when it can: the one wording of a local run and a
   * cluster's coordinator.
   */
  public static String problem(
      java.util.Collection<String> declared, String scenario, String name, double perSecond) {
    if (!declared.contains(name)) {
      return "unknown throttle '"
          + name
          + "': "
          + (declared.isEmpty()
              ? "scenario " + scenario + " declares none"
              : "use one the scenario declares: " + String.join(", ", declared));
    }
    if (!(perSecond >= 0)) {
      return "throttle " + name + ": rate must be 0 (no limit) or more, not " + perSecond;
    }
    return null;
  }

  /** {@code rates} scaled by {@code share}: this runner's part of run-wide rates (0 stays 0). */
  static Map<String, Double> share(Map<String, Double> rates, double share) {
    Map<String, Double> mine = new java.util.LinkedHashMap<>();
    rates.forEach((name, perSecond) -> mine.put(name, perSecond * share));
    return mine;
  }

  /** The slot of throttle {@code name} not before {@code notBeforeNanos}. */
  long acquire(String name, long notBeforeNanos) {
    return rate(name).acquire(notBeforeNanos);
  }

  /**
   * Changes the rate of a declared throttle, in actions per second; 0 means no limit.
   *
   * @throws IllegalStateException for a name the scenario did not declare (nothing is created)
   */
  void setRate(String name, double perSecond) {
    rate(name).set(perSecond);
  }

  private Rate rate(String name) {
    Rate rate = rates.get(name);
    if (rate == null) {
      throw new IllegalStateException(
          "throttle '" + name + "' is not declared: declare it in the scenario's init()");
    }
    return rate;
  }
}
