package io.murmuration.scenario;

/** What {@link Scenario#init} can do: read parameters and declare the run's shared throttles. */
public interface RunSetup {

  <T> T param(Param<T> param);

  /** The number of users the load profile will start (before any added during the run). */
  int users();

  /**
   * Declares a throttle: a named rate, in actions per second, shared by all users of the run. A
   * rate of 0 means no limit. The rate can change during the run ({@code throttle NAME RATE}).
   */
  void throttle(String name, double perSecond);
}
