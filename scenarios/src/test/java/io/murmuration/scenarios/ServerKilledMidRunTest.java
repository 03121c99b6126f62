package io.murmuration.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.testing.Cli;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server dies under load: the run ends by itself, says why, exits 3, keeps its results. */
class ServerKilledMidRunTest {
  @TempDir Path runs;

  @ParameterizedTest
  @ValueSource(strings = {"lean", "smack"})
  void theRunEndsOnItsOwnReportsLostConnectionsAndExitsThree(String client) throws Exception {
    try (LocalEjabberd ejabberd = LocalEjabberd.start(LocalEjabberd.Options.defaults())) {
      long started = System.nanoTime();
      CompletableFuture<Cli> running =
          CompletableFuture.supplyAsync(
              () ->
                  Cli.murm(
                      "run",
                      "one-to-one",
                      "--target",
                      ejabberd.c2s().getHostString() + ":" + ejabberd.c2s().getPort(),
                      "--users",
                      "20",
                      "--arrival-rate",
                      "100",
                      "--duration",
                      "60s",
                      "--accounts",
                      "register",
                      "-Pbucket_size=4",
                      "-Pmessages=0",
                      "-Pinterval=100ms",
                      "--client",
                      client,
                      "--runs-dir",
                      runs.toString(),
                      "--quiet"));
      Thread.sleep(6_000); // preflight, arrivals, a few seconds of chat
      ejabberd.kill();
      Cli run = running.get(60, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - started) / 1e9;
      assertEquals(3, run.code(), run.toString());
      assertTrue(
          seconds < 30, "the run took " + seconds + " s instead of ending when the server died");
      JsonNode s = run.summary();
      assertEquals("failed", s.get("state").asText());
      assertTrue(s.at("/errors/connection-lost").asLong() > 0, s.toString());
      assertTrue(
          s.at("/messages/received").asLong() > 0, "no message was delivered before the kill");
      assertTrue(run.out().contains("run failed: "), run.out());
    }
  }
}
