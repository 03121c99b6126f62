package io.murmuration.scenarios;

import io.murmuration.scenario.Counter;
import io.murmuration.scenario.IqReply;
import io.murmuration.scenario.Param;
import io.murmuration.scenario.RunSetup;
import io.murmuration.scenario.Scenario;
import io.murmuration.scenario.Timer;
import io.murmuration.scenario.User;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * XMPP pings to the server (XEP-0199), after amoc-arsenal-xmpp's ping scenarios: the round trip of
 * the smallest IQ a server answers, a baseline for every other scenario.
 *
 * <p>Each user:
 *
 * <ol>
 *   <li>connects and logs in (no presence: a ping needs none);
 *   <li>after a random offset within one interval (so users do not ping in step), sends {@code
 *       pings} pings to its server, one every {@code interval}: {@code <iq type='get'
 *       to='DOMAIN'><ping xmlns='urn:xmpp:ping'/></iq>}, each answered within {@code timeout} or
 *       counted as timed out;
 *   <li>once every ping has its answer (or timed out), logs out. With {@code pings} = 0 it pings
 *       until the run's {@code --duration} is over.
 * </ol>
 *
 * <p>Metrics: {@code ping_rtt}, each ping's round trip from its intended send time to the answer;
 * {@code ping_timeouts} and {@code ping_errors}, the pings that failed, by outcome. A failed ping
 * also counts as error {@code iq-timeout} or {@code iq-error}, so {@code errors.total == 0} holds
 * only when every ping was answered.
 */
public final class Ping implements Scenario {

  static final Param<Integer> PINGS =
      Param.ofInt("pings", 10, "pings each user sends; 0 = until the run's --duration is over")
          .atLeast(0);
  static final Param<Duration> INTERVAL =
      Param.ofDuration("interval", Duration.ofSeconds(5), "time between two pings of one user")
          .positive()
          .changeable();
  static final Param<Duration> TIMEOUT =
      Param.ofDuration(
              "timeout", Duration.ofSeconds(5), "longest wait for an answer before a ping fails")
          .positive()
          .changeable();

  static final String PING = "<iq type='get' to='%s'><ping xmlns='urn:xmpp:ping'/></iq>";

  private Timer rtt;
  private Counter timeouts;
  private Counter errors;

  @Override
  public String name() {
    return "ping";
  }

  @Override
  public String description() {
    return "users ping their server (XEP-0199) at a fixed rate; measures the round trip";
  }

  @Override
  public List<Param<?>> params() {
    return List.of(PINGS, INTERVAL, TIMEOUT);
  }

  @Override
  public void init(RunSetup run) {
    rtt = run.timer("ping_rtt", "a ping's round trip, from its intended send time to the answer");
    timeouts = run.counter("ping_timeouts", "pings the server did not answer within the timeout");
    errors = run.counter("ping_errors", "pings the server answered with an error");
  }

  @Override
  public void start(User user) {
    user.flow(user::connect, next -> ping(user));
  }

  private void ping(User user) {
    String request = String.format(PING, domain(user.jid(user.id())));
    int pings = user.param(PINGS);
    // pings still waiting for their answer, and whether the last one has been sent
    int[] waiting = {0};
    boolean[] allSent = {false};
    Runnable leaveOnceAnswered =
        () -> {
          if (allSent[0] && waiting[0] == 0) {
            user.finish();
          }
        };
    Duration interval = user.param(INTERVAL);
    Duration offset =
        Duration.ofNanos(new SplittableRandom(user.id()).nextLong(interval.toNanos()));
    user.after(
        offset,
        () ->
            user.repeat(
                () -> user.param(INTERVAL),
                pings,
                i -> {
                  waiting[0]++;
                  user.iq(
                      request,
                      user.param(TIMEOUT),
                      rtt,
                      reply -> {
                        waiting[0]--;
                        countFailure(user, reply);
                        leaveOnceAnswered.run();
                      });
                },
                () -> {
                  allSent[0] = true;
                  leaveOnceAnswered.run();
                }));
  }

  private void countFailure(User user, IqReply reply) {
    if (reply.timedOut()) {
      user.count(timeouts);
    } else if (!reply.ok()) {
      user.count(errors);
    }
  }

  /** The domain part of a bare JID: {@code localhost} of {@code user_1@localhost}. */
  static String domain(String bareJid) {
    return bareJid.substring(bareJid.indexOf('@') + 1);
  }
}
