package io.murmuration.cli;

import io.murmuration.accounts.Accounts;
import io.murmuration.engine.LoadProfile;
import io.murmuration.results.Assertion;
import io.murmuration.scenario.ParamValues;
import io.murmuration.scenario.Scenario;
import io.murmuration.xmpp.XmppSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
