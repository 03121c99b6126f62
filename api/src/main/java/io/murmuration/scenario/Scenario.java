package io.murmuration.scenario;

import java.util.List;

/**
 * A load scenario: what every simulated user does. Scenarios are found with {@link
 * java.util.ServiceLoader} (list the class in {@code
 * META-INF/services/io.murmuration.scenario.Scenario}).
 *
 * <p>Like an amoc scenario, it has three parts: the parameters it declares, an {@link #init} run
 * once per run before any user starts, and {@link #start}, called once per user. Per-user code is
 * event-driven: it calls the asynchronous operations of {@link User} and continues in their
 * callbacks. All callbacks of one user run one at a time, so a scenario needs no locks for per-user
 * state kept in local variables and lambdas.
 */
public interface Scenario {

  /** The name users type: {@code ./murm run <name>}. Lower case with dashes. */
  String name();

  /** One sentence for {@code ./murm scenarios}. */
  String description();

  /** The parameters this scenario reads; anything else given for it is rejected. */
  List<Param<?>> params();

  /**
   * Once per run, before the first user starts: declare throttles and metrics, prepare shared data,
   * start the push app server. Throw {@link IllegalArgumentException} for parameters that do not
   * fit together, with a message naming them and the fix: like a refused push app server, it stops
   * the run before it starts, as a setup error.
   */
  default void init(RunSetup run) {}

  /**
   * Called for each user right after it is created; the user ends when it calls {@link
   * User#finish()}.
   */
  void start(User user);

  /**
   * Once per run, after its last user has ended and before the results are written (amoc's {@code
   * terminate}): release what {@link #init} prepared. A failure here is logged and counted as error
   * {@code terminate}.
   */
  default void terminate(RunSetup run) {}
}
