package io.murmuration.gate;

import io.murmuration.results.Summary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Compares base runs with head runs metric by metric and reaches the overall verdict: failure if
 * any metric failed, else neutral if any is neutral, else success.
 *
 * <p>Before any statistics it checks that the runs can be judged at all. A run whose runner was
 * saturated (scheduling lag p99 above {@link Settings#maxLagMs()}) measured the load generator, not
 * the server; a run with an error rate above {@link Settings#maxErrorRate()} or that failed
 * measured a broken system, not its speed. Then the gate refuses: every metric neutral, with the
 * first such run as the reason. The error rate is judged only by that absolute bound: errors are
 * rare, discrete events, and a ratio of medians of mostly zeros says nothing.
 */
public final class Gate {
  private Gate() {}

  /**
   * The runs of one arm in the order they ran: run i of each arm is round i's, a pair when both
   * arms have as many runs (see {@link Comparison}).
   */
  public record Arm(String name, List<Summary> runs) {}

  /** Compares {@code head} with {@code base}. */
  public static Report compare(Arm base, Arm head, Settings settings) {
    String refusal = refusal(base, settings);
    if (refusal == null) {
      refusal = refusal(head, settings);
    }
    List<Comparison> comparisons = new ArrayList<>();
    for (Metric m : settings.metrics()) {
      double[] b = values(base, m);
      double[] h = values(head, m);
      if (refusal != null && (b.length == 0 || h.length == 0)) {
        continue;
      }
      boolean paired = settings.paired() && b.length == h.length;
      Comparison c = Comparison.of(m, settings.tolerance(m), b, h, paired, settings);
      if (refusal != null) {
        c =
            new Comparison(
                c.metric(),
                c.tolerance(),
                c.base(),
                c.head(),
                c.paired(),
                c.baseMedian(),
                c.headMedian(),
                c.estimate(),
                c.interval(),
                c.pValue(),
                Verdict.NEUTRAL,
                "not judged: " + refusal);
      }
      comparisons.add(c);
    }
    double baseErrors = Bootstrap.median(errorRates(base));
    double headErrors = Bootstrap.median(errorRates(head));
    Verdict overall = Verdict.SUCCESS;
    String why = "every metric is within its tolerance or better";
    if (refusal != null) {
      overall = Verdict.NEUTRAL;
      why = "not judged: " + refusal;
    } else {
      for (Comparison c : comparisons) {
        if (c.verdict().compareTo(overall) > 0) {
          overall = c.verdict();
          why = c.metric().key + ": " + c.reason();
        }
      }
    }
    return new Report(
        base.runs().size(),
        head.runs().size(),
        comparisons,
        baseErrors,
        headErrors,
        overall,
        why,
        settings);
  }

  /** Why these runs cannot be judged, or null when they can. */
  public static String refusal(Arm arm, Settings settings) {
    for (Summary s : arm.runs()) {
      String run = arm.name() + " run " + s.runId();
      if (Summary.FAILED.equals(s.state())) {
        return run + " failed (" + s.failure() + ")";
      }
      OptionalDouble lag = s.metric("lag.p99");
      if (lag.isPresent() && lag.getAsDouble() > settings.maxLagMs()) {
        return String.format(
            Locale.ROOT,
            "%s: the runner was saturated (scheduling lag p99 %.3f ms > %s ms)",
            run,
            lag.getAsDouble(),
            settings.maxLagMs());
      }
      double errors = Metric.errorRate(s);
      if (errors > settings.maxErrorRate()) {
        return String.format(
            Locale.ROOT,
            "%s: error rate %.5f > %s (%d errors)",
            run,
            errors,
            settings.maxErrorRate(),
            s.errorsTotal());
      }
      for (Metric m : settings.metrics()) {
        if (m.of(s).isEmpty()) {
          return run
              + " has no "
              + m.key
              + (Metric.values().contains(m)
                  ? " (no message was delivered)"
                  : " (the scenario recorded no sample)");
        }
      }
    }
    return null;
  }

  private static double[] values(Arm arm, Metric m) {
    return arm.runs().stream()
        .map(m::of)
        .filter(OptionalDouble::isPresent)
        .mapToDouble(OptionalDouble::getAsDouble)
        .toArray();
  }

  private static double[] errorRates(Arm arm) {
    return arm.runs().stream().mapToDouble(Metric::errorRate).toArray();
  }
}
