package io.murmuration.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.murmuration.testing.Cli;
import io.murmuration.testing.LocalServersExtension;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Multi-user chat from the command line against real servers: rooms fill, posts fan out. */
@ExtendWith(LocalServersExtension.class)
class MucRunTest {
  @TempDir Path runs;

  /** 3 rooms of 5, 4 posts each: 60 posts, each reflected to the 5 occupants, sender included. */
  static Cli threeRoomsOfFive(InetSocketAddress c2s, String domain, String... accounts) {
    int first = LocalServersExtension.freshUserIds(15);
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "muc",
                "--target",
                c2s.getHostString() + ":" + c2s.getPort(),
                "--domain",
                domain,
                "--users",
                "15",
                "--first-user",
                Integer.toString(first),
                "--arrival-rate",
                "100",
                "-Proom_size=5",
                "-Pmessages=4",
                "-Pinterval=200ms",
                "--quiet",
                "--assert",
                "messages.lost == 0",
                "--assert",
                "counters.muc_join_failed == 0"));
    args.addAll(List.of(accounts));
    return Cli.murm(args.toArray(String[]::new));
  }

  static void assertEveryPostReachedEveryOccupant(Cli run) throws Exception {
    assertEquals(0, run.code(), run.toString());
    JsonNode s = run.summary();
    assertEquals("finished", s.get("state").asText());
    assertEquals(0, s.get("errors_total").asLong(), s.toString());
    assertEquals(60, s.at("/messages/sent").asLong());
    assertEquals(300, s.at("/messages/expected").asLong());
    assertEquals(300, s.at("/messages/received").asLong());
    assertEquals(0, s.at("/messages/lost").asLong());
    assertEquals(0, s.at("/messages/late").asLong());
    assertEquals(300, s.at("/ttd_ms/count").asLong());
    assertEquals(15, s.at("/timers_ms/muc_join/count").asLong(), s.toString());
    double p50 = s.at("/timers_ms/muc_join/p50").asDouble();
    assertTrue(p50 > 0 && p50 <= s.at("/timers_ms/muc_join/p99").asDouble(), s.toString());
    assertEquals(0, s.at("/counters/muc_join_failed").asLong());
  }

  @org.junit.jupiter.api.Test
  void threeRoomsOfFiveDeliverEveryPostToEveryOccupantSenderIncluded(
      io.murmuration.sut.LocalEjabberd ejabberd) throws Exception {
    Cli run =
        threeRoomsOfFive(
            ejabberd.c2s(),
            ejabberd.domain(),
            "--accounts",
            "http-api",
            "--http-api",
            ejabberd.httpApi().toString(),
            "--runs-dir",
            runs.toString());
    assertEveryPostReachedEveryOccupant(run);
    // ejabberd 23.01 sends status 201 to a room's creator but lets others in before it is
    // configured
    assertEquals(0, run.summary().at("/counters/muc_join_retries").asLong());
  }

  @org.junit.jupiter.api.Test
  void onProsodyWhoseNewRoomsStayLockedUntilConfiguredEveryPostStillReachesEveryOccupant(
      io.murmuration.sut.LocalProsody prosody) throws Exception {
    Cli run =
        threeRoomsOfFive(
            prosody.c2s(),
            prosody.domain(),
            "--accounts",
            "register",
            "--runs-dir",
            runs.toString());
    assertEveryPostReachedEveryOccupant(run);
  }
}
