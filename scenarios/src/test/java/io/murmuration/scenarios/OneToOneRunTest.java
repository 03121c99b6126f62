package io.murmuration.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.sut.LocalProsody;
import io.murmuration.testing.Cli;
import io.murmuration.testing.LocalServersExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One-to-one chat from the command line against real servers: what a user runs, end to end. */
@ExtendWith(LocalServersExtension.class)
class OneToOneRunTest {
  @TempDir Path runs;

  private static String target(java.net.InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  @ParameterizedTest
  @ValueSource(strings = {"lean", "smack"})
  void deliversEveryMessageOfABucketedRunAndTimesEachOne(String client, LocalEjabberd ejabberd)
      throws Exception {
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
            "100",
            "--accounts",
            "http-api",
            "--http-api",
            ejabberd.httpApi().toString(),
            "-Pbucket_size=4",
            "-Pmessages=5",
            "-Pinterval=200ms",
            "-Plinger=5s",
            "--client",
            client,
            "--runs-dir",
            runs.toString(),
            "--quiet",
            "--assert",
            "messages.lost == 0",
            "--assert",
            "ttd.count == 200",
            "--assert",
            "timers.bucket_wait.count == 40");
    assertEquals(0, run.code(), run.toString());
    JsonNode s = run.summary();
    assertEquals("finished", s.get("state").asText());
    assertEquals(40, s.at("/users/peak").asInt());
    assertEquals(200, s.at("/messages/sent").asLong());
    assertEquals(200, s.at("/messages/received").asLong());
    assertEquals(0, s.at("/messages/late").asLong());
    assertEquals(200, s.at("/ttd_ms/count").asLong());
    double p50 = s.at("/ttd_ms/p50").asDouble();
    assertTrue(p50 > 0 && p50 <= s.at("/ttd_ms/p99").asDouble(), s.toString());
    assertEquals(40, s.at("/connect_ms/count").asLong());
    assertEquals(40, s.at("/login_ms/count").asLong());
    assertEquals(0, s.get("errors_total").asLong());
    assertEquals(200, s.at("/messages/expected").asLong());
    assertEquals(40, s.at("/timers_ms/bucket_wait/count").asLong(), "every user waited once");
    assertTrue(s.at("/timers_ms/bucket_wait/max").asDouble() > 0, s.toString());
    assertEquals(0, s.at("/counters/bucket_short").asLong(), "every bucket filled");
    assertTrue(s.at("/metric_descriptions/bucket_wait").asText().startsWith("from joining"));
    assertTrue(run.out().contains("assert timers.bucket_wait.count == 40"), run.out());
    assertTrue(run.out().contains("\nbucket_wait p50 "), "the end-of-run lines: " + run.out());
    assertTrue(run.out().contains("\ncounters  bucket_short 0\n"), run.out());
    Path folder = run.runFolder();
    assertTrue(Files.size(folder.resolve("metrics.hlog")) > 0);
    assertTrue(Files.readString(folder.resolve("report.html")).contains("one-to-one"));
    assertTrue(run.out().contains("assert messages.lost == 0"), run.out());
  }

  @Test
  void registersInBandOverStarttlsWithScramTakingSettingsFromFileEnvironmentAndFlags(
      LocalEjabberd ejabberd) throws Exception {
    int first = LocalServersExtension.freshUserIds(10);
    Path config = runs.resolve("run.conf");
    Files.writeString(
        config,
        String.join(
            "\n",
            "scenario = one-to-one",
            "target = [\"" + target(ejabberd.c2s()) + "\"]",
            "domain = " + ejabberd.domain(),
            "users = 10",
            "first-user = " + first,
            "accounts = register",
            "tls = required",
            "tls-verify = false",
            "sasl = SCRAM-SHA-1",
            "params { bucket_size = 5, messages = 9, interval = 100ms, linger = 5s }",
            ""));
    Cli run =
        Cli.murm(
            Map.of("MURM_PARAM_MESSAGES", "3", "MURM_ARRIVAL_RATE", "200"),
            "run",
            "--config",
            config.toString(),
            "-Pbucket_size=2",
            "--runs-dir",
            runs.toString(),
            "--quiet");
    assertEquals(0, run.code(), run.toString());
    JsonNode s = run.summary();
    // 10 users × 3 messages (environment beats file), in pairs (flag beats file)
    assertEquals(30, s.at("/messages/sent").asLong());
    assertEquals(30, s.at("/messages/received").asLong());
    assertEquals("2", s.at("/params/bucket_size").asText());
    assertEquals("3", s.at("/params/messages").asText());
  }

  @Test
  void anAssertionThatDoesNotHoldExitsWithCodeOne(LocalEjabberd ejabberd) throws Exception {
    int first = LocalServersExtension.freshUserIds(4);
    Cli run =
        Cli.murm(
            "run",
            "one-to-one",
            "--target",
            target(ejabberd.c2s()),
            "--users",
            "4",
            "--first-user",
            Integer.toString(first),
            "--accounts",
            "register",
            "-Pbucket_size=2",
            "-Pmessages=2",
            "-Pinterval=100ms",
            "-Plinger=5s",
            "--runs-dir",
            runs.toString(),
            "--quiet",
            "--assert",
            "messages.lost == 0",
            "--assert",
            "ttd.p50 < 1us");
    assertEquals(1, run.code(), run.toString());
    assertTrue(run.out().matches("(?s).*assert messages.lost == 0 +PASS.*"), run.out());
    assertTrue(run.out().matches("(?s).*assert ttd.p50 < 1us +FAIL.*"), run.out());
  }

  @Test
  void aRunThatDeliversNoMessageSaysNotApplicableNeverNull(LocalEjabberd ejabberd)
      throws Exception {
    int first = LocalServersExtension.freshUserIds(1);
    // a bucket of one: the user has nobody to write to, and leaves at once
    Cli run =
        Cli.murm(
            "run",
            "one-to-one",
            "--target",
            target(ejabberd.c2s()),
            "--users",
            "1",
            "--first-user",
            Integer.toString(first),
            "--accounts",
            "register",
            "-Pbucket_size=2",
            "-Pbucket_wait=100ms",
            "-Plinger=0s",
            "--runs-dir",
            runs.toString(),
            "--quiet");
    assertEquals(0, run.code(), run.toString());
    assertEquals(0, run.summary().at("/messages/sent").asLong());
    assertFalse(run.out().contains("null"), run.out());
    assertTrue(run.out().contains("(n/a delivered)"), run.out());
    assertTrue(run.out().contains("(n/a per 1,000 delivered)"), run.out());
    assertTrue(run.out().contains("ttd       no samples"), run.out());
    // the report's text (its script and chart data may hold JSON nulls; the charts draw them as
    // gaps)
    String report =
        Files.readString(run.runFolder().resolve("report.html"))
            .replaceAll("(?s)<script[^>]*>.*?</script>", "");
    assertFalse(report.contains("null"), report);
  }

  @Test
  void runsAgainstProsodyToo(LocalProsody prosody) throws Exception {
    int first = LocalServersExtension.freshUserIds(6);
    Cli run =
        Cli.murm(
            "run",
            "one-to-one",
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
            "-Pbucket_size=3",
            "-Pmessages=3",
            "-Pinterval=200ms",
            "-Plinger=5s",
            "--runs-dir",
            runs.toString(),
            "--quiet");
    assertEquals(0, run.code(), run.toString());
    assertEquals(18, run.summary().at("/messages/received").asLong());
  }
}
