package io.murmuration.engine;

import io.murmuration.accounts.Accounts;
import io.murmuration.metrics.Metrics;
import io.murmuration.scenario.ParamValues;
import io.murmuration.scenario.Scenario;
import io.murmuration.xmpp.XmppSettings;
import io.murmuration.xmpp.XmppTransport;

/** Everything one run needs, decided before it starts. */
public record RunPlan(
    String runId,
    Scenario scenario,
    ParamValues params,
    LoadProfile load,
    Accounts accounts,
    XmppSettings xmpp,
    XmppTransport transport,
    Metrics metrics) {}
