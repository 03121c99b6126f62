package io.murmuration.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.accounts.Accounts;
import io.murmuration.engine.LoadProfile;
import io.murmuration.engine.Run;
import io.murmuration.engine.RunController;
import io.murmuration.engine.RunPlan;
import io.murmuration.metrics.Actions;
import io.murmuration.metrics.Metrics;
import io.murmuration.scenario.Param;
import io.murmuration.scenario.ParamValues;
import io.murmuration.scenario.RunSetup;
import io.murmuration.scenario.Scenario;
import io.murmuration.scenario.User;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.testing.LocalServersExtension;
import io.murmuration.xmpp.XmppTransport;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One-to-one's {@code start_delay} against a real ejabberd: once its bucket has started, a user
 * waits the delay, then its random offset within one interval, before its first message; the delay
 * adds no action to the books. Each user's calls are watched on their way to the runner: when its
 * bucket started, when its first message was meant to go and when it went.
 */
@ExtendWith(LocalServersExtension.class)
class OneToOneStartDelayTest {
  private static final int USERS = 6;
  private static final int MESSAGES = 2;
  private static final Duration INTERVAL = Duration.ofMillis(100);

  @ParameterizedTest
  @ValueSource(strings = {"0s", "2s"})
  void theFirstMessageWaitsStartDelayAndTheOffsetAfterTheBucketStarted(
      String startDelay, LocalEjabberd ejabberd) throws Exception {
    Duration delay = Param.parseDuration(startDelay);
    Map<Integer, Long> bucketStarted = new ConcurrentHashMap<>(); // its callback's intended time
    Map<Integer, Long> firstMeant = new ConcurrentHashMap<>(); // the first send's intended time
    Map<Integer, Long> firstSent = new ConcurrentHashMap<>(); // the clock at the first send
    Scenario watched = watched(new OneToOneChat(), bucketStarted, firstMeant, firstSent);
    ParamValues params =
        ParamValues.resolve(
            watched,
            Map.of(),
            Map.of(),
            Map.of(
                "bucket_size",
                "3",
                "messages",
                Integer.toString(MESSAGES),
                "interval",
                Param.showDuration(INTERVAL),
                "start_delay",
                startDelay,
                "linger",
                "5s"));
    int first = LocalServersExtension.freshUserIds(USERS);
    Accounts accounts = Accounts.existing("user_{id}", "password_{id}");
    ejabberd.registerUsers(accounts, first, USERS);
    Metrics metrics = new Metrics();
    RunController.Outcome outcome;
    try (XmppTransport transport = XmppTransport.create(ejabberd.xmppSettings());
        Run run =
            Run.start(
                new RunPlan(
                    "start-delay-" + first,
                    watched,
                    params,
                    LoadProfile.constant(USERS, first, 100),
                    accounts,
                    ejabberd.xmppSettings(),
                    transport,
                    metrics,
                    null))) {
      outcome = run.await(Duration.ofSeconds(30), Duration.ofSeconds(10));
    }
    assertEquals(RunController.State.FINISHED, outcome.state(), outcome.failure());
    assertEquals(USERS, bucketStarted.size(), "every bucket started: " + bucketStarted);
    assertEquals(USERS, firstSent.size(), "every user sent: " + firstSent);
    bucketStarted.forEach(
        (id, started) -> {
          long meant = firstMeant.get(id) - started;
          long sent = firstSent.get(id) - started;
          // meant: the delay plus an offset within one interval, computed, not measured
          assertTrue(
              meant >= delay.toNanos() && meant < delay.plus(INTERVAL).toNanos(),
              "user " + id + ": first message meant " + meant / 1e6 + " ms after its bucket");
          // and nothing went earlier than the delay
          assertTrue(
              sent >= delay.toNanos(),
              "user " + id + ": first message sent " + sent / 1e6 + " ms after its bucket");
        });
    assertEquals(USERS * MESSAGES, metrics.sent());
    assertEquals(USERS * MESSAGES, metrics.delivered(), "every message arrived");
    // two timers a user, as without a delay: the delay and offset together, and the linger
    Actions.Count after = metrics.actions().snapshot().get("after");
    assertEquals(2L * USERS, after.planned(), after.toString());
  }

  /**
   * {@code scenario} with each user's calls watched: the intended time of its bucket's start, and
   * the intended time and the clock of its first {@code sendChat}.
   */
  private static Scenario watched(
      Scenario scenario,
      Map<Integer, Long> bucketStarted,
      Map<Integer, Long> firstMeant,
      Map<Integer, Long> firstSent) {
    return new Scenario() {
      public String name() {
        return scenario.name();
      }

      public String description() {
        return scenario.description();
      }

      public List<Param<?>> params() {
        return scenario.params();
      }

      public void init(RunSetup run) {
        scenario.init(run);
      }

      public void start(User user) {
        scenario.start(watch(user, bucketStarted, firstMeant, firstSent));
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static User watch(
      User user,
      Map<Integer, Long> bucketStarted,
      Map<Integer, Long> firstMeant,
      Map<Integer, Long> firstSent) {
    return (User)
        Proxy.newProxyInstance(
            User.class.getClassLoader(),
            new Class<?>[] {User.class},
            (proxy, method, args) -> {
              switch (method.getName()) {
                case "coordinate" -> {
                  Consumer<List<Integer>> action = (Consumer<List<Integer>>) args[3];
                  args[3] =
                      (Consumer<List<Integer>>)
                          ids -> {
                            bucketStarted.put(user.id(), user.intendedNanos());
                            action.accept(ids);
                          };
                }
                case "sendChat" -> {
                  firstMeant.putIfAbsent(user.id(), user.intendedNanos());
                  firstSent.putIfAbsent(user.id(), System.nanoTime());
                }
                default -> {}
              }
              try {
                return method.invoke(user, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
