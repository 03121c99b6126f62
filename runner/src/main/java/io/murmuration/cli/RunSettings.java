package io.murmuration.cli;

import io.murmuration.accounts.Accounts;
import io.murmuration.engine.LoadProfile;
import io.murmuration.metrics.RunInfo;
import io.murmuration.results.Assertion;
import io.murmuration.scenario.ParamValues;
import io.murmuration.scenario.Scenario;
import io.murmuration.xmpp.XmppSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A run, fully decided: what {@code murm run} and {@code murm demo} hand to {@link Execution}.
 *
 * @param cluster where its worker nodes are, or null when it runs in this process
 * @param nodeSettings the options a worker needs to run its part (long name → value)
 */
record RunSettings(
    Scenario scenario,
    ParamValues params,
    LoadProfile load,
    XmppSettings xmpp,
    Accounts accounts,
    List<Assertion> assertions,
    Path runsDir,
    String runId,
    Duration reportInterval,
    Duration warmUp,
    boolean quiet,
    RunOutput output,
    ClusterOptions.ClusterSettings cluster,
    Map<String, String> nodeSettings) {

  /**
   * What the run folder and the reports say of a run {@code runId} with these settings, from now.
   */
  RunInfo info(String runId) {
    return new RunInfo(
        runId,
        scenario.name(),
        params.asText(),
        xmpp.endpoints().stream()
            .map(a -> a.getHostString() + ":" + a.getPort())
            .collect(Collectors.joining(", ")),
        xmpp.transport().flag(),
        Instant.now(),
        warmUp);
  }

  /** How long the run may take before it is stopped: its duration, drain and 30 s; else a year. */
  Duration maxTime() {
    return load.duration() == null
        ? Duration.ofDays(365)
        : load.duration().plus(load.drain()).plusSeconds(30);
  }

  /**
   * These settings with their run folder under {@code runsDir} and metrics also to {@code output}.
   */
  RunSettings withOutput(Path runsDir, RunOutput output) {
    return new RunSettings(
        scenario,
        params,
        load,
        xmpp,
        accounts,
        assertions,
        runsDir,
        runId,
        reportInterval,
        warmUp,
        quiet,
        output,
        cluster,
        nodeSettings);
  }
}
