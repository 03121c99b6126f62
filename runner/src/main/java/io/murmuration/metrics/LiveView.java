package io.murmuration.metrics;

import java.io.Console;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The progress line in the terminal:
 *
 * <pre>
 *   12s  users 1500/2000  msg/s 980  ttd p50 0.80 ms  p99 4.10 ms  errors 0  ping_rtt p99 1.20 ms  pongs 5400
 * </pre>
 *
 * <p>Elapsed time, users connected/target, delivered messages per second and TTD percentiles since
 * the previous line, errors since the start; then each timer the scenario declared (its p99 since
 * the previous line) and each counter (its total). On an interactive terminal the line is redrawn
 * in place every interval; elsewhere (CI logs, pipes) a full line is printed every {@link
 * #LINE_EVERY}, covering the intervals since the previous one.
 */
public final class LiveView {

  static final Duration LINE_EVERY = Duration.ofSeconds(5);

  private final PrintStream out;
  private final boolean inPlace;
  private final int ticksPerLine;
  private final Histogram windowTtd = new Histogram(Metrics.HIGHEST_NANOS, 3);
  private double windowDelivered;
  private double windowSeconds;
  private int windowTicks;
  private SeriesPoint last;
  private long lastErrors;
  private final Map<String, Histogram> windowTimers = new LinkedHashMap<>();
  private Map<String, Long> lastCounters = Map.of();
  private int lastLength;

  LiveView(PrintStream out, boolean inPlace, Duration interval) {
    this.out = out;
    this.inPlace = inPlace;
    this.ticksPerLine =
        inPlace
            ? 1
            : (int) Math.max(1, Math.round(LINE_EVERY.toMillis() / (double) interval.toMillis()));
  }

  /**
   * Whether {@code out} is the standard output of an interactive terminal, where {@code \r} redraws
   * the line. {@code Console.isTerminal()} (JDK 22+) is asked when present, since from JDK 22 on
   * {@link System#console()} may return a console for redirected streams too.
   */
  public static boolean isInteractive(PrintStream out) {
    Console console = System.console();
    if (out != System.out || console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  /** Adds one interval; prints when a line is due. */
  void update(
      SeriesPoint point,
      Histogram ttdInterval,
      long errorsTotal,
      ScenarioMetrics.Snapshot scenario) {
    windowTtd.add(ttdInterval);
    scenario
        .timers()
        .forEach(
            (name, h) ->
                windowTimers
                    .computeIfAbsent(name, n -> new Histogram(Metrics.HIGHEST_NANOS, 3))
                    .add(h));
    lastCounters = scenario.counters();
    windowDelivered += point.deliveredPerS() * point.intervalS();
    windowSeconds += point.intervalS();
    windowTicks++;
    last = point;
    lastErrors = errorsTotal;
    if (windowTicks >= ticksPerLine) {
      print();
    }
  }

  /** Prints what is pending and ends the line, so later output starts on a fresh one. */
  void end() {
    if (windowTicks > 0) {
      print();
    }
    if (inPlace && lastLength > 0) {
      out.println();
      lastLength = 0;
    }
    out.flush();
  }

  private void print() {
    String line =
        line(
                last.t(),
                last.users(),
                last.usersTarget(),
                windowSeconds > 0 ? windowDelivered / windowSeconds : 0,
                SeriesPoint.percentile(windowTtd, 50),
                SeriesPoint.percentile(windowTtd, 99),
                lastErrors)
            + scenarioPart();
    if (inPlace) {
      out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
      lastLength = line.length();
    } else {
      out.println(line);
    }
    out.flush();
    windowTtd.reset();
    windowTimers.values().forEach(Histogram::reset);
    windowDelivered = 0;
    windowSeconds = 0;
    windowTicks = 0;
  }

  static String line(
      double elapsedS,
      int users,
      int usersTarget,
      double deliveredPerS,
      Double ttdP50Ms,
      Double ttdP99Ms,
      long errors) {
    return String.format(
        Locale.ROOT,
        "%4ds  users %d/%d  msg/s %.0f  ttd p50 %s ms  p99 %s ms  errors %d",
        Math.round(elapsedS),
        users,
        usersTarget,
        deliveredPerS,
        ms(ttdP50Ms),
        ms(ttdP99Ms),
        errors);
  }

  /** The scenario's timers (p99 over the window) and counters (totals), in declaration order. */
  private String scenarioPart() {
    StringBuilder part = new StringBuilder();
    windowTimers.forEach(
        (name, h) ->
            part.append("  ")
                .append(name)
                .append(" p99 ")
                .append(ms(SeriesPoint.percentile(h, 99)))
                .append(" ms"));
    lastCounters.forEach((name, n) -> part.append("  ").append(name).append(' ').append(n));
    return part.toString();
  }

  private static String ms(Double value) {
    return value == null ? "-" : String.format(Locale.ROOT, "%.2f", value);
  }
}
