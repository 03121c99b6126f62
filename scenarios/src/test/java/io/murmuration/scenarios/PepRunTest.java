package io.murmuration.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.testing.Cli;
import io.murmuration.testing.LocalServersExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PEP from the command line against ejabberd: with entity capabilities advertising {@code
 * NODE+notify}, every contact is notified of every item. The first run creates the users' nodes,
 * one at a time; a second run on the same accounts finds them and creates none, and counts the
 * same. Both runs must be free of errors: concurrent node creations, which ejabberd's Mnesia
 * answers with internal-server-error, would show as {@code iq-error}.
 */
@ExtendWith(LocalServersExtension.class)
class PepRunTest {
  @TempDir Path runs;

  private Cli pep(String client, LocalEjabberd ejabberd, int first) {
    return Cli.murm(
        "run",
        "pep",
        "--target",
        ejabberd.c2s().getHostString() + ":" + ejabberd.c2s().getPort(),
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
        "--client",
        client,
        "-Pgroup_size=5",
        "-Pitems=3",
        "-Pinterval=100ms",
        "--runs-dir",
        runs.toString(),
        "--quiet");
  }

  /** 10 users in groups of 5: each publishes 3 items to 4 contacts, so 120 notifications. */
  private static void assertEveryContactGotEveryItem(Cli run, int nodesCreated) throws Exception {
    assertEquals(0, run.code(), run.toString());
    JsonNode s = run.summary();
    assertEquals("finished", s.get("state").asText(), s.toString());
    assertEquals(0, s.get("errors_total").asLong(), s.toString());
    assertEquals(nodesCreated, s.at("/counters/pep_nodes_created").asLong(), s.toString());
    assertEquals(30, s.at("/timers_ms/pep_publish/count").asLong(), s.at("/timers_ms").toString());
    assertEquals(120, s.at("/counters/pep_notifications_expected").asLong(), s.toString());
    assertEquals(120, s.at("/counters/pep_notifications_received").asLong(), s.toString());
    assertEquals(120, s.at("/timers_ms/pep_notify/count").asLong(), s.toString());
    double p50 = s.at("/timers_ms/pep_notify/p50").asDouble();
    assertTrue(p50 > 0 && p50 <= s.at("/timers_ms/pep_notify/p99").asDouble(), s.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"lean", "smack"})
  void everyContactIsNotifiedOfEveryItemAndASecondRunOnTheSameAccountsIsToo(
      String client, LocalEjabberd ejabberd) throws Exception {
    int first = LocalServersExtension.freshUserIds(10);
    assertEveryContactGotEveryItem(pep(client, ejabberd, first), 10);
    // rosters emptied at the end, nodes kept: the same accounts count the same, creating nothing
    assertEveryContactGotEveryItem(pep(client, ejabberd, first), 0);
  }
}
