package io.murmuration.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.testing.Cli;
import io.murmuration.testing.LocalServersExtension;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream-resume scenario from the command line against the local ejabberd (mod_stream_mgmt,
 * resumable for 300 s): every user is cut off once, resumes, and gets what was sent meanwhile.
 */
@ExtendWith(LocalServersExtension.class)
class StreamResumeRunTest {
  private static final int USERS = 20;
  private static final int MESSAGES = 10;

  @TempDir Path runs;

  @Test
  void everyUserResumesOnceAndGetsEveryMessageSentWhileItWasAwayResentAsLate(LocalEjabberd ejabberd)
      throws Exception {
    Cli run =
        run(
            ejabberd,
            "lean",
            USERS,
            "-Pmessages=" + MESSAGES,
            "-Pgap=1s",
            "--assert",
            "messages.lost == 0");
    assertEquals(0, run.code(), run.toString());
    JsonNode s = run.summary();
    assertEquals("finished", s.get("state").asText());
    assertEquals(0, s.get("errors_total").asLong(), s.toString());
    long sent = s.at("/messages/sent").asLong();
    assertEquals(USERS * MESSAGES, sent);
    assertEquals(0, s.at("/messages/lost").asLong(), s.toString());
    assertEquals(sent, s.at("/messages/received").asLong() + s.at("/messages/late").asLong());
    // in pairs of 10 messages, one every 100 ms, gaps of 1 s: member 0 is away after its 3rd
    // message, while member 1 sends its 4th to 6th; member 1 after its 6th, while member 0 sends
    // its 4th to 10th. Random start offsets (under one interval) shift which fall in a gap: at
    // least 2 a user, all held by the server and resent after <resumed/>, delayed, so late
    long resumed = s.at("/counters/resumed_deliveries").asLong();
    assertTrue(resumed >= USERS * 2, s.at("/counters").toString());
    assertEquals(resumed, s.at("/messages/late").asLong(), s.toString());
    assertEquals(USERS, s.at("/timers_ms/resume/count").asLong());
    assertTrue(s.at("/timers_ms/resume/p50").asDouble() > 0, s.at("/timers_ms").toString());
    for (String kind : new String[] {"resume", "enable-resumption"}) {
      assertEquals(USERS, s.at("/actions/" + kind + "/planned").asInt(), kind);
      assertEquals(USERS, s.at("/actions/" + kind + "/done").asInt(), kind);
    }
  }

  @Test
  void aRunStoppingWhileItsUsersAreAwayEndsThemCleanlyWithTheResumptionsNotDoneAsRunStopped(
      LocalEjabberd ejabberd) throws Exception {
    // gaps of 30 s, a run of 2 s: every user is away when the run stops
    Cli run =
        run(ejabberd, "lean", 4, "-Pmessages=2", "-Pgap=30s", "--duration", "2s", "--drain", "1s");
    assertEquals(0, run.code(), run.toString());
    JsonNode s = run.summary();
    assertEquals("finished", s.get("state").asText());
    assertEquals(0, s.get("errors_total").asLong(), s.toString());
    JsonNode resume = s.at("/actions/resume");
    assertEquals(4, resume.get("planned").asInt(), resume.toString());
    assertEquals(0, resume.get("done").asInt(), resume.toString());
    assertEquals(4, resume.at("/not_done/run stopped").asInt(), resume.toString());
    assertEquals(0, s.at("/timers_ms/resume/count").asLong(), s.toString());
  }

  @Test
  void theSmackTransportRefusesWithErrorKindUnsupported(LocalEjabberd ejabberd) throws Exception {
    Cli run = run(ejabberd, "smack", 2, "-Pmessages=" + MESSAGES);
    assertEquals(3, run.code(), run.toString());
    assertEquals(2, run.summary().at("/errors/unsupported").asLong(), run.summary().toString());
  }

  private Cli run(LocalEjabberd ejabberd, String client, int users, String... more) {
    int first = LocalServersExtension.freshUserIds(users);
    InetSocketAddress c2s = ejabberd.c2s();
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "stream-resume",
                "--target",
                c2s.getHostString() + ":" + c2s.getPort(),
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
                ejabberd.httpApi().toString(),
                "-Pinterval=100ms",
                "-Plinger=5s",
                "--client",
                client,
                "--runs-dir",
                runs.toString(),
                "--quiet"));
    args.addAll(List.of(more));
    return Cli.murm(args.toArray(String[]::new));
  }
}
