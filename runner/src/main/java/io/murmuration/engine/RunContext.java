package io.murmuration.engine;

import io.murmuration.accounts.Accounts;
import io.murmuration.metrics.Metrics;
import io.murmuration.scenario.ParamValues;
import io.murmuration.scenario.Scenario;
import io.murmuration.xmpp.Capabilities;
import io.murmuration.xmpp.XmppSettings;
import io.murmuration.xmpp.XmppTransport;
import org.apache.pekko.actor.typed.ActorRef;

/** What every user actor of a run shares: read-only, or safe to use from any thread. */
record RunContext(
    String runId,
    Scenario scenario,
    ParamValues params,
    Accounts accounts,
    String domain,
    XmppTransport transport,
    Metrics metrics,
    PreciseTimer timer,
    Throttle throttle,
    ActorRef<Coordinator.Command> coordinator,
    java.time.Duration replyTimeout,
    XmppSettings xmpp,
    Capabilities capabilities,
    InFlight inFlight) {

  /** The metrics of user {@code userId}'s wire, or null when the run keeps no wire apart. */
  Metrics wireMetrics(int userId) {
    return metrics.wire(xmpp.wireFor(userId).flag());
  }

  String jid(int userId) {
    return accounts.forUser(userId).username() + "@" + domain;
  }
}
