package io.murmuration.cli;

import io.murmuration.results.Summary;
import java.util.stream.Collectors;

/** The end-of-run summary as a few console lines. */
final class SummaryText {
  private SummaryText() {}

  static String render(Summary s) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            "%s %s in %.1fs%s%n",
            s.scenario(), s.state(), s.durationS(), s.failure() == null ? "" : ": " + s.failure()));
    b.append(String.format("users     target %d, peak %d%n", s.users().target(), s.users().peak()));
    Summary.Messages m = s.messages();
    b.append(
        String.format(
            "messages  sent %d, received %d, late %d, lost %d (%s delivered), %.1f msg/s%n",
            m.sent(),
            m.received(),
            m.late(),
            m.lost(),
            m.deliveredRatio() == null ? "n/a" : String.format("%.3f%%", m.deliveredRatio() * 100),
            s.messagesPerS()));
    b.append(timing("ttd", s.ttd()));
    b.append(timing("connect", s.connect()));
    b.append(timing("login", s.login()));
    b.append(timing("lag", s.lag()));
    s.timers().forEach((name, t) -> b.append(timing(name, t)));
    if (!s.counters().isEmpty()) {
      b.append(
          "counters  "
              + s.counters().entrySet().stream()
                  .map(e -> e.getKey() + " " + e.getValue())
                  .collect(Collectors.joining(", "))
              + "\n");
    }
    s.byTransport()
        .forEach(
            (wire, w) ->
                b.append(
                    String.format(
                        "%-9s users peak %d, connect p99 %s, login p99 %s, ttd p50 %s p99 %s ms%n",
                        wire,
                        w.usersPeak(),
                        w.connect().p99(),
                        w.login().p99(),
                        w.ttd().p50(),
                        w.ttd().p99())));
    for (Summary.Node n : s.nodes()) {
      b.append(
          String.format(
              "node      %s users %s %s%s: CPU %s, RSS peak %s, lag p99 %s, clock offset %s ± %s%n",
              n.node(),
              n.ids(),
              n.state(),
              n.usersLost() > 0 ? " (" + n.usersLost() + " users lost)" : "",
              orNa(n.cpuS(), " s"),
              orNa(n.rssPeakMib(), " MiB"),
              orNa(n.lagP99Ms(), " ms"),
              orNa(n.clockOffsetMs(), ""),
              orNa(n.clockUncertaintyMs(), " ms")));
    }
    Summary.Runner r = s.runner();
    if (r != null) {
      b.append(
          String.format(
              (s.nodes().isEmpty() ? "runner   " : "coordinator")
                  + " CPU %s (%s per 1,000 delivered), RSS peak %s, threads peak %d, %d cores%s%n",
              orNa(r.cpuS(), " s"),
              orNa(r.cpuSPer1000Delivered(), " s"),
              orNa(r.rssPeakMib(), " MiB"),
              r.threadsPeak(),
              r.cores(),
              r.sendHolds() == 0 ? "" : ", " + r.sendHolds() + " sends held by back-pressure"));
    }
    Summary.Placement p = s.placement();
    if (p != null && p.runnerCpus() != null) {
      b.append("placement runner on CPUs ").append(p.runnerCpus());
      for (Summary.ServerPlacement server : p.servers()) {
        b.append(
            String.format(
                ", %s (%s %d) on CPUs %s",
                server.target(), server.process(), server.pid(), server.cpus()));
      }
      if (p.shared() != null) {
        b.append(p.shared() ? ": shared" : ": apart");
      }
      b.append(p.cpusOnline() == null ? "" : " (online " + p.cpusOnline() + ")").append('\n');
    }
    b.append(
        "errors    "
            + (s.errors().isEmpty()
                ? "none"
                : s.errors().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", "))));
    if (!s.actions().isEmpty()) {
      b.append(String.format("%nactions   done/planned: "));
      b.append(
          s.actions().entrySet().stream()
              .map(e -> e.getKey() + " " + action(e.getValue()))
              .collect(Collectors.joining(", ")));
    }
    return b.toString();
  }

  /** {@code 28/30 (2 not done: run stopped 2)}. */
  private static String action(Summary.ActionCount c) {
    String text = c.done() + "/" + c.planned();
    return c.reasons().isEmpty() ? text : text + " (not done: " + c.reasons() + ")";
  }

  private static String timing(String name, Summary.Timing t) {
    if (t.count() == 0) {
      return String.format("%-9s no samples%n", name);
    }
    return String.format(
        "%-9s p50 %s  p90 %s  p99 %s  p99.9 %s  max %s ms  (%d samples)%n",
        name, t.p50(), t.p90(), t.p99(), t.p999(), t.max(), t.count());
  }

  /** A measured value with its unit, or "n/a" when it is unknown (nothing delivered, no /proc). */
  private static String orNa(Double value, String unit) {
    return value == null ? "n/a" : value + unit;
  }
}
