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
      // 6 newest then leave with their partners; at 50/s a login overtaking another paired a user
      // that stays with one that leaves, whose messages then went to an offline partner
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
