package io.murmuration.cli;

import io.murmuration.influx.RunTags;
import io.murmuration.results.InfluxSettings;
import java.net.URI;
import java.util.List;

/**
 * Where a run's metrics go besides its run folder.
 *
 * @param influx the InfluxDB to write to, or null
 * @param tags the tags of its points
 * @param grafana the Grafana to link to, or null
 */
record RunOutput(InfluxSettings influx, RunTags tags, URI grafana) {
  /** These settings with tag {@code key} set to {@code value} unless it is set already. */
  RunOutput withTagDefault(String key, String value) {
    return new RunOutput(influx, tags.withDefault(key, value), grafana);
  }

  /** The run folder only. */
  static RunOutput runFolderOnly() {
    return new RunOutput(null, RunTags.parse(List.of(), "localhost"), null);
  }
}
