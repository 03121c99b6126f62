package io.murmuration.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.accounts.Accounts;
import io.murmuration.engine.LoadProfile;
import io.murmuration.engine.Run;
import io.murmuration.engine.RunControl;
import io.murmuration.engine.RunController;
import io.murmuration.engine.RunPlan;
import io.murmuration.metrics.Metrics;
import io.murmuration.scenario.ParamValues;
import io.murmuration.scenario.Scenario;
import io.murmuration.scenario.ScenarioCatalog;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.testing.LocalServersExtension;
import io.murmuration.xmpp.XmppTransport;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * amoc's run-time verbs on a live run: add and remove users, retune a throttle, change a parameter.
 */
@ExtendWith(LocalServersExtension.class)
class RunVerbsTest {

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 20 s: " + what);
      }
      Thread.sleep(50);
    }
  }

  /** Messages sent during {@code seconds}, per second. */
  private static double sendRate(Metrics metrics, double seconds) throws InterruptedException {
    long before = metrics.sent();
    Thread.sleep((long) (seconds * 1000));
    return (metrics.sent() - before) / seconds;
  }

  @Test
  void usersComeAndGoAndRatesChangeWhileTheRunGoes(LocalEjabberd ejabberd) throws Exception {
    int first = LocalServersExtension.freshUserIds(40);
    Accounts accounts = Accounts.existing("user_{id}", "password_{id}");
    ejabberd.registerUsers(accounts, first, 40);
    Scenario scenario = ScenarioCatalog.load().find("one-to-one");
    ParamValues params =
        ParamValues.resolve(
            scenario,
            Map.of(),
            Map.of(),
            Map.of(
                "bucket_size",
                "2",
                "bucket_wait",
                "1s",
                "messages",
                "0",
                "interval",
                "100ms",
                "message_rate",
                "40"));
    Metrics metrics = new Metrics();
    LoadProfile load =
        new LoadProfile(10, first, 100, 0, null, Duration.ofMinutes(2), Duration.ofSeconds(2));
    try (XmppTransport transport = XmppTransport.create(ejabberd.xmppSettings());
        Run run =
            Run.start(
                new RunPlan(
                    "verbs-" + first,
                    scenario,
                    params,
                    load,
                    accounts,
                    ejabberd.xmppSettings(),
                    transport,
                    metrics,
                    null))) {
      await("10 users connected", () -> metrics.connected() == 10);
      Thread.sleep(1500); // buckets formed, random start offsets passed

      // 10 users every 100 ms would send 100/s: the throttle holds them to 40/s
      double capped = sendRate(metrics, 2);
      assertTrue(capped > 30 && capped < 50, "throttled rate " + capped + "/s");

      // 200 ms apart, so that the new users pair (bucket_size 2) in the order of their ids: the
      // 6 newest then leave with their partners, and the rates below count 14 users writing (a
      // user whose partner left may not write to it any more)
      run.addUsers(10, 5);
      await("20 users connected", () -> metrics.connected() == 20);
      run.removeUsers(6);
      await("14 users connected", () -> metrics.connected() == 14);

      // a misspelt throttle is refused
      assertEquals(
          RunControl.Answer.refused(
              "unknown throttle 'mesages': use one the scenario declares: messages"),
          run.throttle("mesages", 0));

      // lifting the cap: 14 users every 100 ms send ~140/s
      run.throttle("messages", 0);
      Thread.sleep(1000);
      double free = sendRate(metrics, 2);
      assertTrue(free > 100, "unthrottled rate " + free + "/s");

      // a changeable parameter takes effect at the next step; others are refused
      run.setParam("interval", "1s");
      Thread.sleep(1500);
      double slower = sendRate(metrics, 2);
      assertTrue(slower < 25, "rate after interval=1s: " + slower + "/s");
      assertFalse(run.setParam("bucket_size", "3").accepted());

      run.stop("test over");
      RunController.Outcome outcome = run.await(Duration.ofSeconds(30), Duration.ofSeconds(10));
      assertEquals(
          RunController.State.FINISHED, outcome.state(), String.valueOf(outcome.failure()));
      assertEquals(0, metrics.connected());
      assertEquals(metrics.sent(), metrics.delivered(), "messages in flight were not drained");
    }
  }

  /**
   * Removing users while everyone writes fast loses no message: the removed users stop sending,
   * their partners stop writing to them, and they stay online until what was already on its way to
   * them has arrived. Users pair up, and 3 (an odd number) go at a time: at least one pair is split
   * each time, so a user that stays goes on writing to a partner that left, while each pair that
   * leaves together has messages in flight between its two users (each writes every 40 ms). Before
   * removed users drained, every such round lost messages to offline storage.
   */
  @Test
  void removedUsersLoseNoMessageWhileTheirPartnersWriteFast(LocalEjabberd ejabberd)
      throws Exception {
    int users = 16;
    int first = LocalServersExtension.freshUserIds(users);
    Accounts accounts = Accounts.existing("user_{id}", "password_{id}");
    ejabberd.registerUsers(accounts, first, users);
    Scenario scenario = ScenarioCatalog.load().find("one-to-one");
    ParamValues params =
        ParamValues.resolve(
            scenario,
            Map.of(),
            Map.of(),
            Map.of("bucket_size", "2", "bucket_wait", "5s", "messages", "0", "interval", "40ms"));
    Metrics metrics = new Metrics();
    LoadProfile load =
        new LoadProfile(users, first, 20, 0, null, Duration.ofMinutes(2), Duration.ofSeconds(10));
    try (XmppTransport transport = XmppTransport.create(ejabberd.xmppSettings());
        Run run =
            Run.start(
                new RunPlan(
                    "remove-" + first,
                    scenario,
                    params,
                    load,
                    accounts,
                    ejabberd.xmppSettings(),
                    transport,
                    metrics,
                    null))) {
      await(users + " users connected", () -> metrics.connected() == users);
      Thread.sleep(1000); // pairs formed, random start offsets passed
      double rate = sendRate(metrics, 1);
      assertTrue(rate > users * 10, "every user writing every 40 ms: " + rate + " messages/s");
      for (int left = users - 3; left > 0; left -= 3) {
        run.removeUsers(3);
        int stay = left;
        await(stay + " users connected", () -> metrics.connected() == stay);
        Thread.sleep(300); // the users that stay go on writing
      }
      run.stop("test over");
      RunController.Outcome outcome = run.await(Duration.ofSeconds(30), Duration.ofSeconds(10));
      assertEquals(
          RunController.State.FINISHED, outcome.state(), String.valueOf(outcome.failure()));
      assertEquals(metrics.sent(), metrics.delivered(), "messages lost");
      assertTrue(metrics.sent() > 500, "only " + metrics.sent() + " messages sent");
      // the split pairs' users that stayed were refused their sends to partners that had left
      assertTrue(
          metrics.actions().snapshot().get("message").notDone().getOrDefault("user removed", 0L)
              > 0,
          "no send refused: " + metrics.actions().snapshot().get("message"));
    }
  }

  @Test
  void aScenarioExceptionEndsTheUserAndFailsTheRun(LocalEjabberd ejabberd) throws Exception {
    int first = LocalServersExtension.freshUserIds(3);
    Accounts accounts = Accounts.existing("user_{id}", "password_{id}");
    ejabberd.registerUsers(accounts, first, 3);
    Scenario broken =
        new Scenario() {
          public String name() {
            return "broken";
          }

          public String description() {
            return "throws once logged in";
          }

          public java.util.List<io.murmuration.scenario.Param<?>> params() {
            return java.util.List.of();
          }

          public void start(io.murmuration.scenario.User user) {
            user.connect(
                () -> {
                  throw new IllegalStateException("bug in scenario");
                });
          }
        };
    Metrics metrics = new Metrics();
    try (XmppTransport transport = XmppTransport.create(ejabberd.xmppSettings());
        Run run =
            Run.start(
                new RunPlan(
                    "broken-" + first,
                    broken,
                    ParamValues.defaults(broken),
                    LoadProfile.constant(3, first, 100),
                    accounts,
                    ejabberd.xmppSettings(),
                    transport,
                    metrics,
                    null))) {
      RunController.Outcome outcome = run.await(Duration.ofSeconds(30), Duration.ofSeconds(10));
      assertEquals(RunController.State.FAILED, outcome.state());
      assertEquals("3 users ended on errors (scenario 3)", outcome.failure());
      assertEquals(3, metrics.snapshot().errors().get("scenario"));
      assertEquals(0, metrics.connected());
    }
  }
}
