package io.murmuration.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.sut.LocalProsody;
import io.murmuration.testing.Cli;
import io.murmuration.testing.LocalServersExtension;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Archive lookups from the command line against real servers: every page, every message. */
@ExtendWith(LocalServersExtension.class)
class MamLookupRunTest {
  @TempDir Path runs;

  /**
   * 10 users in 5 pairs, 7 messages each way: each archive holds the pair's 14, read newest first,
   * 5 a page, in 3 pages.
   */
  private Cli fivePairs(InetSocketAddress c2s, String domain, int first, String... accounts) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "mam-lookup",
                "--target",
                c2s.getHostString() + ":" + c2s.getPort(),
                "--domain",
                domain,
                "--users",
                "10",
                "--first-user",
                Integer.toString(first),
                "--arrival-rate",
                "100",
                "-Pmessages=7",
                "-Pinterval=50ms",
                "-Ppage_size=5",
                "--runs-dir",
                runs.toString(),
                "--quiet",
                "--assert",
                "counters.mam_mismatch == 0"));
    args.addAll(List.of(accounts));
    return Cli.murm(args.toArray(String[]::new));
  }

  private static void assertEveryUserReadItsWholeConversationPageByPage(Cli run) throws Exception {
    assertEquals(0, run.code(), run.toString());
    JsonNode s = run.summary();
    assertEquals("finished", s.get("state").asText());
    assertEquals(0, s.get("errors_total").asLong(), s.toString());
    assertEquals(70, s.at("/messages/sent").asLong());
    assertEquals(70, s.at("/messages/received").asLong());
    // each message is in its sender's archive and its recipient's
    assertEquals(140, s.at("/counters/mam_results").asLong(), s.toString());
    assertEquals(0, s.at("/counters/mam_mismatch").asLong());
    assertEquals(10, s.at("/timers_ms/mam_lookup/count").asLong());
    assertEquals(10 * 3, s.at("/timers_ms/mam_page/count").asLong(), s.toString());
    double page = s.at("/timers_ms/mam_page/p50").asDouble();
    assertTrue(page > 0 && page <= s.at("/timers_ms/mam_lookup/p50").asDouble(), s.toString());
  }

  /**
   * The second run on the same accounts finds their archives holding the first run's messages: it
   * still counts exactly its own 140 and, reading newest first, stops at the page that reaches the
   * earlier run (14 of this run and 1 earlier fill the third page), so history costs no extra page.
   */
  @Test
  void fivePairsEachPageThroughTheFourteenMessagesTheyExchangedFiveAPage(LocalEjabberd ejabberd)
      throws Exception {
    int first = LocalServersExtension.freshUserIds(10);
    String[] accounts = {"--accounts", "http-api", "--http-api", ejabberd.httpApi().toString()};
    assertEveryUserReadItsWholeConversationPageByPage(
        fivePairs(ejabberd.c2s(), ejabberd.domain(), first, accounts));
    assertEveryUserReadItsWholeConversationPageByPage(
        fivePairs(ejabberd.c2s(), ejabberd.domain(), first, accounts));
  }

  @Test
  void prosodyArchivesAndPagesTheSameWay(LocalProsody prosody) throws Exception {
    assertEveryUserReadItsWholeConversationPageByPage(
        fivePairs(
            prosody.c2s(),
            prosody.domain(),
            LocalServersExtension.freshUserIds(10),
            "--accounts",
            "register"));
  }
}
