package io.murmuration.engine;

import io.murmuration.accounts.Accounts;
import io.murmuration.metrics.Metrics;
import io.murmuration.scenario.ParamValues;
import io.murmuration.scenario.Scenario;
import io.murmuration.xmpp.XmppSettings;
import io.murmuration.xmpp.XmppTransport;
import java.nio.file.Path;

/**
 * Everything one run needs, decided before it starts.
 *
 * @param runDir the run folder, for files the run itself writes (an HTTP load's); null for a run
 *     that keeps none (a worker's part of a run over a cluster), which then cannot have an HTTP
 *     load
 */
public record RunPlan(
    String runId,
    Scenario scenario,
    ParamValues params,
    LoadProfile load,
    Accounts accounts,
    XmppSettings xmpp,
    XmppTransport transport,
    Metrics metrics,
    Path runDir) {}
