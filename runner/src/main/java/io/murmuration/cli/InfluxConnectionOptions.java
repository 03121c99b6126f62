package io.murmuration.cli;

import io.murmuration.results.InfluxSettings;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Which InfluxDB: the options of {@code run}, {@code demo} and {@code influx push} (which write to
 * it) and {@code analyze} (which reads and writes).
 */
final class InfluxConnectionOptions {
  @Option(
      names = "--influx",
      paramLabel = "URL",
      description = "InfluxDB (v1 API) of the metrics, e.g. http://127.0.0.1:8086")
  String url;

  @Option(
      names = "--influx-db",
      paramLabel = "NAME",
      description = "InfluxDB database (default: " + InfluxSettings.DEFAULT_DATABASE + ")")
  String database;

  @Option(
      names = "--influx-credentials",
      paramLabel = "FILE",
      description =
          "file with lines user=… and password=… (else MURM_INFLUX_USER, MURM_INFLUX_PASSWORD)")
  Path credentials;

  /** The settings, or null when no URL is given. */
  InfluxSettings settings(Map<String, String> env) {
    return url == null || url.isBlank() ? null : InfluxSettings.of(url, database, credentials, env);
  }
}
