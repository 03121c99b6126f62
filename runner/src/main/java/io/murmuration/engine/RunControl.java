package io.murmuration.engine;

/**
 * The verbs of a running load test, the same for a run in this process ({@link Run}) and a run
 * spread over a cluster (the coordinator's): the console and the control API both speak through it.
 * Each verb answers at once whether it was accepted, or why not; an accepted verb takes effect
 * asynchronously (users arrive at the rate asked, a parameter is read at each user's next step).
 */
public interface RunControl {

  /**
   * A verb's answer.
   *
   * @param accepted whether the run took the verb
   * @param message what happens now, or why the verb was refused (one line, naming the fix)
   */
  record Answer(boolean accepted, String message) {
    public static Answer accepted(String message) {
      return new Answer(true, message);
    }

    public static Answer refused(String message) {
      return new Answer(false, message);
    }
  }

  /** Adds {@code count} users arriving at {@code perSecond} users per second, from now. */
  Answer addUsers(int count, double perSecond);

  /** Logs out the {@code count} newest users (users not yet arrived go first). */
  Answer removeUsers(int count);

  /** Changes the rate of a throttle the scenario declared; 0 means no limit. */
  Answer throttle(String name, double perSecond);

  /** Changes a scenario parameter declared changeable; users read it at their next step. */
  Answer setParam(String name, String value);

  /** Stops the run: users stop sending, messages in flight drain, users log out. */
  Answer stop(String reason);
}
