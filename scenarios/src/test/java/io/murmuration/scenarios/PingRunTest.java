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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The ping scenario from the command line against real servers. */
@ExtendWith(LocalServersExtension.class)
class PingRunTest {
  @TempDir Path runs;

  private static String target(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  @Test
  void everyPingOfEveryUserIsAnsweredAndTimed(LocalEjabberd ejabberd) throws Exception {
    int first = LocalServersExtension.freshUserIds(30);
    Cli run =
        Cli.murm(
            "run",
            "ping",
            "--target",
            target(ejabberd.c2s()),
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
            "-Ppings=5",
            "-Pinterval=200ms",
            "--runs-dir",
            runs.toString(),
            "--quiet",
            "--assert",
            "timers.ping_rtt.count == 150",
            "--assert",
            "counters.ping_timeouts == 0");
    assertEquals(0, run.code(), run.toString());
    JsonNode s = run.summary();
    assertEquals("finished", s.get("state").asText());
    assertEquals(150, s.at("/timers_ms/ping_rtt/count").asLong());
    double p50 = s.at("/timers_ms/ping_rtt/p50").asDouble();
    assertTrue(p50 > 0 && p50 <= s.at("/timers_ms/ping_rtt/p99").asDouble(), s.toString());
    assertEquals(0, s.at("/counters/ping_timeouts").asLong());
    assertEquals(0, s.at("/counters/ping_errors").asLong());
    assertEquals(0, s.get("errors_total").asLong());
    assertEquals(150, s.at("/actions/iq/done").asLong(), s.at("/actions").toString());
  }

  @Test
  void pingsUntilTheRunIsOverWhenPingsIsZero(LocalEjabberd ejabberd) throws Exception {
    int first = LocalServersExtension.freshUserIds(10);
    Cli run =
        Cli.murm(
            "run",
            "ping",
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
            "--duration",
            "2s",
            "--accounts",
            "http-api",
            "--http-api",
            ejabberd.httpApi().toString(),
            "-Ppings=0",
            "-Pinterval=100ms",
            "--runs-dir",
            runs.toString(),
            "--quiet");
    assertEquals(0, run.code(), run.toString());
    JsonNode s = run.summary();
    // about 10 users × 2 s / 100 ms; the first arrive and ping only after their offset
    long count = s.at("/timers_ms/ping_rtt/count").asLong();
    assertTrue(count >= 100 && count <= 220, s.at("/timers_ms").toString());
    assertEquals(0, s.get("errors_total").asLong());
  }

  @Test
  void runsAgainstProsodyToo(LocalProsody prosody) throws Exception {
    int first = LocalServersExtension.freshUserIds(6);
    Cli run =
        Cli.murm(
            "run",
            "ping",
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
            "-Ppings=3",
            "-Pinterval=100ms",
            "--runs-dir",
            runs.toString(),
            "--quiet");
    assertEquals(0, run.code(), run.toString());
    assertEquals(18, run.summary().at("/timers_ms/ping_rtt/count").asLong());
    assertEquals(0, run.summary().get("errors_total").asLong());
  }
}
