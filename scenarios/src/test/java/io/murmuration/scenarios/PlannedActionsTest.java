package io.murmuration.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.murmuration.accounts.Accounts;
import io.murmuration.engine.LoadProfile;
import io.murmuration.engine.Run;
import io.murmuration.engine.RunController;
import io.murmuration.engine.RunPlan;
import io.murmuration.metrics.Actions;
import io.murmuration.metrics.Metrics;
import io.murmuration.scenario.Param;
import io.murmuration.scenario.ParamValues;
import io.murmuration.scenario.Scenario;
import io.murmuration.scenario.User;
import io.murmuration.sut.DelayProxy;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.testing.Cli;
import io.murmuration.testing.LocalServersExtension;
import io.murmuration.xmpp.XmppSettings;
import io.murmuration.xmpp.XmppTransport;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The books of planned actions against a real ejabberd: what a run planned, did, and left undone,
 * and why; a shortfall that no stop explains fails the run.
 */
@ExtendWith(LocalServersExtension.class)
class PlannedActionsTest {
  @TempDir Path runs;

  private static String target(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  @Test
  void everyActionOfACompleteRunIsPlannedAndDone(LocalEjabberd ejabberd) throws Exception {
    int first = LocalServersExtension.freshUserIds(10);
    Cli run =
        Cli.murm(
            "run",
            "one-to-one",
            "--target",
            target(ejabberd.c2s()),
            "--domain",
            ejabberd.domain(),
            "--users",
            "10",
            "--first-user",
            Integer.toString(first),
            "--arrival-rate",
            "100",
            "--accounts",
            "http-api",
            "--http-api",
            ejabberd.httpApi().toString(),
            "-Pbucket_size=2",
            "-Pmessages=3",
            "-Pinterval=100ms",
            // the longest wait for a neighbour's messages: a user leaves as soon as it has them
            // all, so a generous linger costs nothing, and a short one lost 2 of 30 messages to
            // users gone before their neighbour, slowed by a loaded machine, wrote to them
            "-Plinger=5s",
            "--runs-dir",
            runs.toString(),
            "--quiet",
            "--assert",
            "actions.message.not_done == 0",
            "--assert",
            "messages.lost == 0");
    assertEquals(0, run.code(), run.toString());
    JsonNode actions = run.summary().get("actions");
    Map<String, Integer> planned =
        Map.of(
            "login", 10,
            "presence", 10,
            "coordinate:bucket", 10,
            "repeat", 30,
            "throttled:messages", 30,
            "message", 30);
    assertEquals(
        new java.util.TreeSet<>(
            java.util.List.of(
                "after",
                "coordinate:bucket",
                "login",
                "message",
                "presence",
                "repeat",
                "throttled:messages")),
        fieldNames(actions),
        actions.toString());
    planned.forEach(
        (kind, n) -> {
          JsonNode c = actions.get(kind);
          assertEquals(n, c.get("planned").asInt(), kind);
          assertEquals(n, c.get("done").asInt(), kind);
          assertEquals(0, c.get("not_done").size(), kind);
          assertEquals(0, c.get("unaccounted").asInt(), kind);
        });
    // two timers a user: the random start offset, always done, and the linger, the longest wait
    // for the neighbours' messages, moot once they are all in (the user finishes before it)
    JsonNode after = actions.get("after");
    assertEquals(20, after.get("planned").asInt(), after.toString());
    assertTrue(after.get("done").asInt() >= 10, after.toString());
    assertEquals(
        20, after.get("done").asInt() + after.at("/not_done/user finished before it").asInt());
    assertTrue(after.get("not_done").size() <= 1, "no reason but the user finishing: " + after);
    assertEquals(30, run.summary().at("/messages/received").asLong());
    assertTrue(
        run.out().contains("actions   done/planned: after ")
            && run.out().contains(", coordinate:bucket 10/10, login 10/10, message 30/30"),
        run.out());
  }

  @Test
  void aRunStoppedByItsDurationCountsWhatItLeftUndoneAsRunStoppedAndStillFinishes(
      LocalEjabberd ejabberd) throws Exception {
    int first = LocalServersExtension.freshUserIds(40);
    Cli run =
        Cli.murm(
            "run",
            "one-to-one",
            "--target",
            target(ejabberd.c2s()),
            "--domain",
            ejabberd.domain(),
            "--users",
            "40",
            "--first-user",
            Integer.toString(first),
            "--arrival-rate",
            "10",
            "--duration",
            "2s",
            "--drain",
            "1s",
            "--accounts",
            "http-api",
            "--http-api",
            ejabberd.httpApi().toString(),
            "-Pbucket_size=2",
            "-Pmessages=0",
            "-Pinterval=100ms",
            "--runs-dir",
            runs.toString(),
            "--quiet");
    assertEquals(0, run.code(), run.toString());
    JsonNode s = run.summary();
    assertEquals("finished", s.get("state").asText());
    JsonNode login = s.at("/actions/login");
    assertEquals(40, login.get("planned").asInt());
    int arrived = login.get("done").asInt();
    assertTrue(arrived > 0 && arrived < 40, login.toString());
    assertEquals(40 - arrived, login.at("/not_done/run stopped").asInt(), login.toString());
    for (Iterator<Map.Entry<String, JsonNode>> it = s.get("actions").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> kind = it.next();
      JsonNode c = kind.getValue();
      assertEquals(0, c.get("unaccounted").asInt(), kind.getKey());
      assertEquals(
          c.get("planned").asInt() - c.get("done").asInt(),
          c.at("/not_done/run stopped").asInt(),
          kind.getKey() + " " + c);
    }
  }

  @Test
  void aSendThatCannotHappenFailsTheRunNamingTheShortfallWhileAbandonedTimersDoNot(
      LocalEjabberd ejabberd) throws Exception {
    Scenario hasty =
        scenario(
            user -> {
              user.sendChat(user.id(), "before connecting"); // nothing to send it over
              user.connect(
                  () -> {
                    user.after(Duration.ofSeconds(30), () -> {}); // a timeout that became moot
                    user.finish();
                  });
            });
    Metrics metrics = new Metrics();
    RunController.Outcome outcome = run(ejabberd, ejabberd.xmppSettings(), hasty, 3, metrics);
    assertEquals(RunController.State.FAILED, outcome.state());
    assertEquals(
        "planned actions not done: 3 message not done (user not connected)", outcome.failure());
    assertEquals(
        new Actions.Count(3, 0, Map.of("user not connected", 3L)),
        metrics.actions().snapshot().get("message"));
    assertEquals(
        new Actions.Count(3, 0, Map.of("user finished before it", 3L)),
        metrics.actions().snapshot().get("after"));
    assertEquals(new Actions.Count(3, 3, Map.of()), metrics.actions().snapshot().get("login"));
    assertEquals(0, metrics.sent());
  }

  @Test
  void aUserGoesOnOnlyOnceTheServerHasReflectedItsPresence(LocalEjabberd ejabberd)
      throws Exception {
    Duration delay = Duration.ofMillis(300);
    Map<Integer, Long> waited = new ConcurrentHashMap<>();
    Scenario available =
        scenario(
            user ->
                user.connect(
                    () -> {
                      long sent = System.nanoTime();
                      user.sendPresence(
                          () -> {
                            waited.put(user.id(), System.nanoTime() - sent);
                            user.finish();
                          });
                    }));
    try (DelayProxy proxy =
        DelayProxy.start(new InetSocketAddress("127.0.0.1", 0), ejabberd.c2s(), delay)) {
      XmppSettings viaProxy =
          ejabberd.xmppSettings().withClient("lean").withEndpoint(proxy.address());
      Metrics metrics = new Metrics();
      RunController.Outcome outcome = run(ejabberd, viaProxy, available, 2, metrics);
      assertEquals(RunController.State.FINISHED, outcome.state(), outcome.failure());
      assertEquals(2, waited.size());
      // the reflection comes back through the proxy: the user cannot have gone on before it
      waited.values().forEach(n -> assertTrue(n >= delay.toNanos(), n / 1e6 + " ms"));
      assertEquals(new Actions.Count(2, 2, Map.of()), metrics.actions().snapshot().get("presence"));
    }
  }

  @Test
  void aUserTheServerCannotKeepUpWithIsHeldCountedAndStillDoesAllItPlanned(LocalEjabberd ejabberd)
      throws Exception {
    int messages = 1200;
    String body = "x".repeat(8 * 1024); // 8 KiB each: the kernel's buffers fill within 4 MiB or so
    java.util.concurrent.atomic.AtomicInteger received =
        new java.util.concurrent.atomic.AtomicInteger();
    try (DelayProxy proxy =
        DelayProxy.start(new InetSocketAddress("127.0.0.1", 0), ejabberd.c2s(), Duration.ZERO)) {
      java.util.concurrent.ScheduledExecutorService resume =
          java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
      Scenario flood =
          scenario(
              user ->
                  user.connect(
                      () ->
                          user.sendPresence(
                              () ->
                                  user.coordinate(
                                      "pair",
                                      2,
                                      Duration.ofSeconds(10),
                                      pair -> {
                                        int other = pair.get(0) + pair.get(1) - user.id();
                                        if (user.id() > other) { // the receiver
                                          user.onMessage(
                                              m -> {
                                                if (received.incrementAndGet() == messages) {
                                                  user.finish();
                                                }
                                              });
                                          return;
                                        }
                                        // the server reads nothing from anyone for 1.5 s
                                        proxy.pauseUpstream(true);
                                        resume.schedule(
                                            () -> proxy.pauseUpstream(false),
                                            1500,
                                            java.util.concurrent.TimeUnit.MILLISECONDS);
                                        user.repeat(
                                            () -> Duration.ofMillis(1),
                                            messages,
                                            i -> user.sendChat(other, i + " " + body),
                                            user::finish);
                                      }))));
      XmppSettings viaProxy =
          ejabberd.xmppSettings().withClient("lean").withEndpoint(proxy.address());
      Metrics metrics = new Metrics();
      RunController.Outcome outcome = run(ejabberd, viaProxy, flood, 2, metrics);
      resume.shutdownNow();
      assertEquals(RunController.State.FINISHED, outcome.state(), outcome.failure());
      assertEquals(messages, received.get(), "every message arrived");
      Metrics.Snapshot totals = metrics.snapshot();
      assertTrue(totals.sendHolds() >= 1, "the sender was held: " + totals.sendHolds());
      assertEquals(
          new Actions.Count(messages, messages, Map.of()), totals.actions().get("message"));
      // held, not queued: the steps that came due during the pause ran late, and their lag says so
      long lagMaxMs = totals.histogram(Metrics.Timer.LAG).getMaxValue() / 1_000_000;
      assertTrue(lagMaxMs >= 500, "lag max " + lagMaxMs + " ms");
    }
  }

  private static Scenario scenario(Consumer<User> start) {
    return new Scenario() {
      public String name() {
        return "test";
      }

      public String description() {
        return "a test's own";
      }

      public List<Param<?>> params() {
        return List.of();
      }

      public void start(User user) {
        start.accept(user);
      }
    };
  }

  private static RunController.Outcome run(
      LocalEjabberd ejabberd, XmppSettings xmpp, Scenario scenario, int users, Metrics metrics)
      throws Exception {
    int first = LocalServersExtension.freshUserIds(users);
    Accounts accounts = Accounts.existing("user_{id}", "password_{id}");
    ejabberd.registerUsers(accounts, first, users);
    try (XmppTransport transport = XmppTransport.create(xmpp);
        Run run =
            Run.start(
                new RunPlan(
                    "actions-" + first,
                    scenario,
                    ParamValues.defaults(scenario),
                    LoadProfile.constant(users, first, 100),
                    accounts,
                    xmpp,
                    transport,
                    metrics,
                    null))) {
      return run.await(Duration.ofSeconds(30), Duration.ofSeconds(10));
    }
  }

  private static java.util.Set<String> fieldNames(JsonNode node) {
    java.util.Set<String> names = new java.util.TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
