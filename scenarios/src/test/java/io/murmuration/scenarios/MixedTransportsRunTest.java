package io.murmuration.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.testing.Cli;
import io.murmuration.testing.LocalServersExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --transport mix}: users on TCP, WebSocket and BOSH (by id % 3) chat with each other in one
 * run, and every message arrives and is timed.
 */
@ExtendWith(LocalServersExtension.class)
class MixedTransportsRunTest {
  @TempDir Path runs;

  @Test
  void deliversEveryMessageBetweenUsersOnTcpWebSocketAndBosh(LocalEjabberd ejabberd)
      throws Exception {
    int first = LocalServersExtension.freshUserIds(30);
    Cli run =
        Cli.murm(
            "run",
            "one-to-one",
            "--target",
            ejabberd.c2s().getHostString() + ":" + ejabberd.c2s().getPort(),
            "--transport",
            "mix",
            "--ws-url",
            ejabberd.webSocketUrl(false).toString(),
            "--bosh-url",
            ejabberd.boshUrl(false).toString(),
            "--domain",
            ejabberd.domain(),
            "--users",
            "30",
            "--first-user",
            Integer.toString(first),
            "--arrival-rate",
            "100",
            "--accounts",
            "http-api",
            "--http-api",
            ejabberd.httpApi().toString(),
            "-Pbucket_size=6", // each bucket holds users of all three wires
            "-Pmessages=5",
            "-Pinterval=200ms",
            "--runs-dir",
            runs.toString(),
            "--quiet",
            "--assert",
            "messages.lost == 0",
            "--assert",
            "ttd.count == 150",
            "--assert",
            "by_transport.bosh.connect.count == 10");
    assertEquals(0, run.code(), run.toString());
    JsonNode s = run.summary();
    assertEquals("finished", s.get("state").asText());
    assertEquals("mix", s.get("transport").asText());
    assertEquals(150, s.at("/messages/sent").asLong());
    assertEquals(150, s.at("/messages/received").asLong());
    assertEquals(0, s.at("/messages/late").asLong());
    assertEquals(0, s.get("errors_total").asLong(), s.toString());
    assertEquals(30, s.at("/login_ms/count").asLong());
    assertTrue(s.at("/ttd_ms/p50").asDouble() > 0, s.toString());
    // each wire's users (id % 3) reported apart: their logins, and the messages they received
    long ttdOfWires = 0;
    for (String wire : List.of("tcp", "ws", "bosh")) {
      JsonNode w = s.at("/by_transport/" + wire);
      assertEquals(10, w.at("/users_peak").asInt(), wire + ": " + s);
      assertEquals(10, w.at("/login_ms/count").asLong(), wire);
      assertEquals(10, w.at("/timers_ms/bucket_wait/count").asLong(), wire);
      assertTrue(w.at("/ttd_ms/count").asLong() > 0, wire);
      ttdOfWires += w.at("/ttd_ms/count").asLong();
    }
    assertEquals(150, ttdOfWires, "every delivery counted at its recipient's wire, once");
    assertEquals(3, s.get("by_transport").size(), s.toString());
    assertTrue(Files.readString(run.runFolder().resolve("report.html")).contains("By transport"));
  }

  @Test
  void refusesSmackOnWebSocketNamingTheFix() throws Exception {
    Cli run =
        Cli.murm(
            "run",
            "one-to-one",
            "--client",
            "smack",
            "--transport",
            "ws",
            "--ws-url",
            "ws://127.0.0.1:5280/ws",
            "--runs-dir",
            runs.toString(),
            "--quiet");
    assertEquals(2, run.code(), run.toString());
    assertTrue(
        run.toString()
            .contains("--client smack speaks TCP only: use --client lean for --transport ws"),
        run.toString());
  }

  @Test
  void refusesBoshWithoutItsUrl() throws Exception {
    Cli run =
        Cli.murm(
            "run", "one-to-one", "--transport", "bosh", "--runs-dir", runs.toString(), "--quiet");
    assertEquals(2, run.code(), run.toString());
    assertTrue(run.toString().contains("--transport bosh needs --bosh-url"), run.toString());
  }
}
