package io.murmuration.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.murmuration.accounts.Accounts;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.sut.LocalProsody;
import io.murmuration.testing.Cli;
import io.murmuration.testing.LocalServersExtension;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Rosters, subscriptions and presence broadcast from the command line against real servers. */
@ExtendWith(LocalServersExtension.class)
class PresenceRosterRunTest {
  @TempDir Path runs;

  private static String target(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  private Cli presenceRoster(String... args) {
    List<String> all = new ArrayList<>(List.of("run", "presence-roster"));
    all.addAll(List.of(args));
    all.addAll(List.of("--runs-dir", runs.toString(), "--quiet"));
    return Cli.murm(all.toArray(String[]::new));
  }

  private Cli onEjabberd(LocalEjabberd ejabberd, int first, int users, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--target",
                target(ejabberd.c2s()),
                "--domain",
                ejabberd.domain(),
                "--users",
                Integer.toString(users),
                "--first-user",
                Integer.toString(first),
                "--arrival-rate",
                "100",
                "--accounts",
                "http-api",
                "--http-api",
                ejabberd.httpApi().toString()));
    args.addAll(List.of(more));
    return presenceRoster(args.toArray(String[]::new));
  }

  /** 20 users in groups of 5: 20 × 4 roster items, subscriptions and presences. */
  private static void assertEveryContactSawEveryPresence(JsonNode s) {
    assertEquals("finished", s.get("state").asText(), s.toString());
    assertEquals(80, s.at("/timers_ms/roster_set/count").asLong(), s.at("/timers_ms").toString());
    assertEquals(80, s.at("/timers_ms/subscription/count").asLong());
    assertEquals(80, s.at("/timers_ms/presence_broadcast/count").asLong());
    assertEquals(80, s.at("/counters/presences_expected").asLong());
    assertEquals(80, s.at("/counters/presences_received").asLong());
    // every group's own second meeting point, in one line of the books
    assertEquals(
        20, s.at("/actions/coordinate:subscribed/done").asLong(), s.at("/actions").toString());
    s.get("actions").fieldNames().forEachRemaining(kind -> assertFalse(kind.contains("#"), kind));
    double p50 = s.at("/timers_ms/presence_broadcast/p50").asDouble();
    assertTrue(p50 > 0 && p50 <= s.at("/timers_ms/presence_broadcast/p99").asDouble());
    assertEquals(0, s.get("errors_total").asLong(), s.at("/errors").toString());
  }

  @Test
  void everyContactSeesEveryPresenceAndASecondRunOnTheSameAccountsDoesTheSame(
      LocalEjabberd ejabberd) throws Exception {
    int first = LocalServersExtension.freshUserIds(20);
    Cli run = onEjabberd(ejabberd, first, 20, "-Pgroup_size=5");
    assertEquals(0, run.code(), run.toString());
    assertEveryContactSawEveryPresence(run.summary());
    // the rosters were emptied at the end: the same accounts give the same counts again
    Cli again = onEjabberd(ejabberd, first, 20, "-Pgroup_size=5");
    assertEquals(0, again.code(), again.toString());
    assertEveryContactSawEveryPresence(again.summary());
  }

  @Test
  void rostersLeftByAnInterruptedRunAreEmptiedFirst(LocalEjabberd ejabberd) throws Exception {
    int first = LocalServersExtension.freshUserIds(20);
    ejabberd.registerUsers(Accounts.existing("user_{id}", "password_{id}"), first, 20);
    // as if a run had stopped half-way: mutual subscriptions, and one pending request
    for (int id = first; id < first + 19; id += 2) {
      bothWays(ejabberd, id, id + 1, "both");
    }
    bothWays(ejabberd, first, first + 7, "to");
    Cli run = onEjabberd(ejabberd, first, 20, "-Pgroup_size=5");
    assertEquals(0, run.code(), run.toString());
    assertEveryContactSawEveryPresence(run.summary());
  }

  private static void bothWays(LocalEjabberd ejabberd, int a, int b, String subscription) {
    for (int[] pair : new int[][] {{a, b}, {b, a}}) {
      ejabberd
          .api()
          .call(
              "add_rosteritem",
              Map.of(
                  "localuser",
                  "user_" + pair[0],
                  "localhost",
                  ejabberd.domain(),
                  "user",
                  "user_" + pair[1],
                  "host",
                  ejabberd.domain(),
                  "nick",
                  "left over",
                  "group",
                  "earlier run",
                  "subs",
                  subscription));
    }
  }

  @Test
  void runsAgainstProsodyToo(LocalProsody prosody) throws Exception {
    int first = LocalServersExtension.freshUserIds(6);
    Cli run =
        presenceRoster(
            "--target",
            target(prosody.c2s()),
            "--domain",
            prosody.domain(),
            "--users",
            "6",
            "--first-user",
            Integer.toString(first),
            "--accounts",
            "register",
            "-Pgroup_size=3");
    assertEquals(0, run.code(), run.toString());
    JsonNode s = run.summary();
    assertEquals(12, s.at("/timers_ms/subscription/count").asLong(), s.at("/timers_ms").toString());
    assertEquals(12, s.at("/counters/presences_received").asLong());
    assertEquals(12, s.at("/counters/presences_expected").asLong());
    assertEquals(0, s.get("errors_total").asLong(), s.at("/errors").toString());
  }
}
