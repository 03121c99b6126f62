package io.murmuration.cli;

import io.murmuration.influx.RunTags;
import io.murmuration.results.InfluxSettings;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where a run's metrics go besides the run folder (InfluxDB), the tags its points carry, and the
 * Grafana to link to: the options {@code run} and {@code demo} share.
 */
final class InfluxOptions {
  @Mixin InfluxConnectionOptions connection = new InfluxConnectionOptions();

  @Option(
      names = "--tag",
      split = ",",
      paramLabel = "KEY=VALUE",
      description =
          "tag of the run's points: repo, branch, commit, pr, trigger, arm, sut, sut_version, node"
              + " (repeatable)")
  List<String> tags = new ArrayList<>();

  @Option(
      names = "--grafana",
      paramLabel = "URL",
      description = "Grafana base URL: print a link to the run's dashboard")
  String grafana;

  /** What these options say, with {@code defaults} for tags not given. */
  RunOutput resolve(Map<String, String> env, Map<String, String> defaults) {
    RunTags runTags = RunTags.parse(tags, hostName());
    for (Map.Entry<String, String> d : defaults.entrySet()) {
      runTags = runTags.withDefault(d.getKey(), d.getValue());
    }
    InfluxSettings influx = connection.settings(env);
    URI grafanaUrl = null;
    if (grafana != null && !grafana.isBlank()) {
      grafanaUrl = URI.create(grafana.strip());
      if (grafanaUrl.getHost() == null) {
        throw new IllegalArgumentException(
            "--grafana '" + grafana + "' is not a URL like http://grafana.example:3000");
      }
    }
    return new RunOutput(influx, runTags, grafanaUrl);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
