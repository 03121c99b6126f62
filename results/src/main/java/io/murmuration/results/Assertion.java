package io.murmuration.results;

import java.util.Locale;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pass/fail condition on a run's summary, written {@code METRIC OP VALUE[UNIT]}: {@code 'ttd.p99
 * < 50ms'}, {@code 'messages.lost == 0'}, {@code 'messages.delivered_ratio >= 0.999'}. Times
 * compare in milliseconds; a value may carry {@code us}, {@code ms} or {@code s}.
 */
public record Assertion(String text, String metric, String op, double value) {
  private static final Pattern FORM =
      Pattern.compile(
          "\\s*([a-z][a-z0-9_.:-]*)\\s*(<=|>=|==|!=|<|>)\\s*(-?\\d+(?:\\.\\d+)?)\\s*(us|ms|s|%)?\\s*");

  /**
   * Parses an assertion.
   *
   * @throws IllegalArgumentException naming what is wrong and the known metrics
   */
  public static Assertion parse(String text) {
    Matcher m = FORM.matcher(text.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "cannot read --assert '"
              + text
              + "': write METRIC OP VALUE, e.g. 'ttd.p99 < 50ms' or 'messages.lost == 0'");
    }
    String metric = m.group(1);
    if (!Summary.isMetricPath(metric)) {
      throw new IllegalArgumentException(
          "unknown metric '"
              + metric
              + "' in --assert '"
              + text
              + "': known metrics are "
              + String.join(", ", Summary.metricPaths()));
    }
    double value = Double.parseDouble(m.group(3));
    String unit = m.group(4);
    if (unit != null) {
      value =
          switch (unit) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            case "%" -> value / 100;
            default -> value;
          };
    }
    return new Assertion(text.trim(), metric, m.group(2), value);
  }

  /** The measured value, or empty when the run did not measure it (e.g. no message delivered). */
  public OptionalDouble measured(Summary summary) {
    return summary.metric(metric);
  }

  /** Whether it holds; a metric the run did not measure fails. */
  public boolean holds(Summary summary) {
    OptionalDouble actual = measured(summary);
    if (actual.isEmpty()) {
      return false;
    }
    double a = actual.getAsDouble();
    return switch (op) {
      case "<" -> a < value;
      case "<=" -> a <= value;
      case ">" -> a > value;
      case ">=" -> a >= value;
      case "==" -> a == value;
      default -> a != value;
    };
  }
}
