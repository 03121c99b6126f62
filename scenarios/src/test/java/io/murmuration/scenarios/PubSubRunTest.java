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
 * PubSub from the command line against ejabberd's mod_pubsub: every item reaches every subscriber.
 */
@ExtendWith(LocalServersExtension.class)
class PubSubRunTest {
  @TempDir Path runs;

  @ParameterizedTest
  @ValueSource(strings = {"lean", "smack"})
  void everySubscriberIsNotifiedOfEveryItemOfItsGroupsPublisherAndEachNotificationIsTimed(
      String transport, LocalEjabberd ejabberd) throws Exception {
    int first = LocalServersExtension.freshUserIds(12);
    Cli run =
        Cli.murm(
            "run",
            "pubsub",
            "--target",
            ejabberd.c2s().getHostString() + ":" + ejabberd.c2s().getPort(),
            "--domain",
            ejabberd.domain(),
            "--users",
            "12",
            "--first-user",
            Integer.toString(first),
            "--arrival-rate",
            "100",
            "--accounts",
            "http-api",
            "--http-api",
            ejabberd.httpApi().toString(),
            "-Pgroup_size=12",
            "-Pitems=5",
            "-Pinterval=100ms",
            "--client",
            transport,
            "--runs-dir",
            runs.toString(),
            "--quiet",
            "--assert",
            "counters.pubsub_notifications == 55");
    assertEquals(0, run.code(), run.toString());
    JsonNode s = run.summary();
    assertEquals("finished", s.get("state").asText());
    assertEquals(0, s.get("errors_total").asLong(), s.toString());
    // one publisher × 5 items, each to 11 subscribers
    assertEquals(5, s.at("/counters/pubsub_published").asLong(), s.toString());
    assertEquals(55, s.at("/counters/pubsub_notifications").asLong(), s.toString());
    assertEquals(5, s.at("/timers_ms/pubsub_publish/count").asLong(), s.toString());
    assertEquals(55, s.at("/timers_ms/pubsub_notify/count").asLong(), s.toString());
    double p50 = s.at("/timers_ms/pubsub_notify/p50").asDouble();
    assertTrue(p50 > 0 && p50 <= s.at("/timers_ms/pubsub_notify/p99").asDouble(), s.toString());
  }
}
