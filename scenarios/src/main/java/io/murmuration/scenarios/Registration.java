package io.murmuration.scenarios;

import io.murmuration.scenario.Counter;
import io.murmuration.scenario.Param;
import io.murmuration.scenario.RunSetup;
import io.murmuration.scenario.Scenario;
import io.murmuration.scenario.Timer;
import io.murmuration.scenario.User;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An in-band registration storm (XEP-0077), after amoc-arsenal-xmpp's registration scenarios: how
 * fast a server creates accounts, and why it refuses them. Run it with {@code --accounts scenario}
 * (nothing creates the accounts before their users do) and fresh user ids ({@code --first-user}).
 *
 * <p>Each user:
 *
 * <ol>
 *   <li>waits for its turn under the run-wide {@code registrations} throttle ({@code
 *       registration_rate} per second in all; 0 = as fast as users arrive);
 *   <li>registers its account in-band on a connection of its own, which closes after the answer;
 *   <li>when {@code login} is true and the account was created: connects, logs in with it, and
 *       stays online for {@code linger};
 *   <li>logs out (ends).
 * </ol>
 *
 * <p>Metrics: {@code registration}, the time of each created account, from the user's turn (TCP
 * connect and stream included) to the server's answer; {@code registration_failures}, every refused
 * or failed registration, and one counter per reason: {@code registration_conflict} (the account
 * exists), {@code registration_not_allowed}, {@code registration_resource_constraint} (the server's
 * rate limit), {@code registration_timeout}, and {@code registration_other} for any other reason
 * (connection failures, other error conditions). A failure also counts as error {@code register};
 * the user goes on and ends normally, so refusals never fail the run by themselves: assert on them
 * ({@code --assert 'counters.registration_failures == 0'}).
 */
public final class Registration implements Scenario {

  static final Param<Boolean> LOGIN =
      Param.ofBoolean("login", true, "log in with the new account after registering it");
  static final Param<Double> REGISTRATION_RATE =
      Param.ofDouble(
              "registration_rate", 0, "cap on registrations per second for the run; 0 = no cap")
          .atLeast(0);
  static final Param<Duration> LINGER =
      Param.ofDuration("linger", Duration.ZERO, "time online after logging in, before logging out");

  static final String THROTTLE = "registrations";

  /** The reasons counted on their own; any other counts as {@code registration_other}. */
  static final List<String> REASONS =
      List.of("conflict", "not-allowed", "resource-constraint", "timeout");

  private Timer registration;
  private Counter failures;
  private Counter other;
  private Map<String, Counter> byReason;

  @Override
  public String name() {
    return "registration";
  }

  @Override
  public String description() {
    return "users register their accounts in-band (XEP-0077), optionally log in; times"
        + " registrations and counts refusals by reason";
  }

  @Override
  public List<Param<?>> params() {
    return List.of(LOGIN, REGISTRATION_RATE, LINGER);
  }

  @Override
  public void init(RunSetup run) {
    run.throttle(THROTTLE, run.param(REGISTRATION_RATE));
    registration =
        run.timer(
            "registration",
            "an account's in-band registration, from the user's turn to the server's answer");
    failures = run.counter("registration_failures", "registrations refused or failed, any reason");
    other =
        run.counter(
            "registration_other", "registrations that failed for a reason not counted on its own");
    byReason =
        REASONS.stream()
            .collect(
                java.util.stream.Collectors.toMap(
                    r -> r,
                    r ->
                        run.counter(counterName(r), "registrations that failed with reason " + r)));
  }

  /** The counter of one reason: {@code registration_not_allowed} for {@code not-allowed}. */
  static String counterName(String reason) {
    return "registration_" + reason.replace('-', '_');
  }

  @Override
  public void start(User user) {
    user.throttled(THROTTLE, () -> user.register(registration, why -> registered(user, why)));
  }

  private void registered(User user, String why) {
    if (why != null) {
      user.count(failures);
      user.count(byReason.getOrDefault(why, other));
      user.finish();
    } else if (user.param(LOGIN)) {
      user.flow(user::connect, next -> user.after(user.param(LINGER), user::finish));
    } else {
      user.finish();
    }
  }
}
