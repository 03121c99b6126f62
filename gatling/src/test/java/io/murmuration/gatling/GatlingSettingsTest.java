package io.murmuration.gatling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatling.core.config.GatlingConfiguration;
import io.gatling.core.stats.writer.DataWriterType;
import java.util.List;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/** gatling.conf, as Gatling 3.15 loads it from this module's class path. */
class GatlingSettingsTest {

  @Test
  void usageAnalyticsAndTheWarmUpRequestAreOffAndOnlyTheFileWriterRuns() {
    GatlingConfiguration configuration = GatlingConfiguration.load();
    assertFalse(configuration.data().enableAnalytics(), "gatling.data.enableAnalytics");
    assertTrue(configuration.http().warmUpUrl().isEmpty(), "gatling.http.warmUpUrl");
    assertEquals(
        List.of("file"),
        CollectionConverters.asJava(configuration.data().dataWriters()).stream()
            .map(DataWriterType::name)
            .toList(),
        "no console writer: its summaries would mix with the report lines");
  }
}
