package io.murmuration.scenario;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A declared scenario parameter: name, description, typed default, validation, and whether it may
 * change while the run goes. Immutable; the fluent methods return a new parameter.
 *
 * <pre>{@code
 * static final Param<Integer> MESSAGES =
 *     Param.ofInt("messages", 20, "chat messages each user sends").atLeast(0);
 * static final Param<Duration> INTERVAL =
 *     Param.ofDuration("interval", Duration.ofSeconds(5), "time between two messages of a user")
 *         .positive().changeable();
 * }</pre>
 *
 * <p>Values arrive as text (config file, environment, {@code -Pname=value}) and are parsed by the
 * parameter's type: integers, decimals, booleans, strings, and durations written {@code 250ms},
 * {@code 5s}, {@code 2m} or {@code 1h}.
 */
public final class Param<T> {
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

  private final String name;
  private final T defaultValue;
  private final String description;
  private final String type;
  private final Function<String, T> parser;
  private final Predicate<T> valid;
  private final String rule;
  private final boolean changeable;

  private Param(
      String name,
      T defaultValue,
      String description,
      String type,
      Function<String, T> parser,
      Predicate<T> valid,
      String rule,
      boolean changeable) {
    if (!name.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException(
          "parameter name '"
              + name
              + "' must be lower_snake_case (it is also a flag and a variable)");
    }
    this.name = name;
    this.defaultValue = Objects.requireNonNull(defaultValue, "default of " + name);
    this.description = description;
    this.type = type;
    this.parser = parser;
    this.valid = valid;
    this.rule = rule;
    this.changeable = changeable;
  }

  public static Param<Integer> ofInt(String name, int defaultValue, String description) {
    return new Param<>(
        name, defaultValue, description, "integer", Integer::valueOf, v -> true, "", false);
  }

  public static Param<Double> ofDouble(String name, double defaultValue, String description) {
    return new Param<>(
        name, defaultValue, description, "number", Double::valueOf, v -> true, "", false);
  }

  public static Param<String> ofString(String name, String defaultValue, String description) {
    return new Param<>(name, defaultValue, description, "text", s -> s, v -> true, "", false);
  }

  public static Param<Boolean> ofBoolean(String name, boolean defaultValue, String description) {
    return new Param<>(
        name, defaultValue, description, "boolean", Param::parseBoolean, v -> true, "", false);
  }

  public static Param<Duration> ofDuration(String name, Duration defaultValue, String description) {
    return new Param<>(
        name, defaultValue, description, "duration", Param::parseDuration, v -> true, "", false);
  }

  /** Adds a validation rule; {@code rule} says in words what a valid value is ("at least 1"). */
  public Param<T> check(Predicate<T> predicate, String rule) {
    String rules = this.rule.isEmpty() ? rule : this.rule + ", " + rule;
    return new Param<>(
        name, defaultValue, description, type, parser, valid.and(predicate), rules, changeable);
  }

  /** For numbers: value ≥ {@code min}. */
  public Param<T> atLeast(double min) {
    return check(v -> ((Number) v).doubleValue() >= min, "at least " + format(min));
  }

  /** For durations and numbers: strictly greater than zero. */
  public Param<T> positive() {
    return check(
        v ->
            v instanceof Duration d
                ? !d.isNegative() && !d.isZero()
                : ((Number) v).doubleValue() > 0,
        "more than zero");
  }

  /** Marks the parameter as one that may be set while the run goes ({@code set name=value}). */
  public Param<T> changeable() {
    return new Param<>(name, defaultValue, description, type, parser, valid, rule, true);
  }

  public String name() {
    return name;
  }

  public T defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  /** The value type in words: integer, number, boolean, text, duration. */
  public String type() {
    return type;
  }

  /** The validation rules in words, empty when any value of the type goes. */
  public String rule() {
    return rule;
  }

  public boolean isChangeable() {
    return changeable;
  }

  /**
   * Parses and validates a value given as text.
   *
   * @throws IllegalArgumentException with a message naming the parameter, the value and what is
   *     expected
   */
  public T parse(String text) {
    T value;
    try {
      value = parser.apply(text.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "parameter " + name + ": '" + text + "' is not a " + type + expectedForm());
    }
    if (!valid.test(value)) {
      throw new IllegalArgumentException("parameter " + name + ": '" + text + "' must be " + rule);
    }
    return value;
  }

  /** Renders a value the way {@link #parse} reads it. */
  public String show(Object value) {
    if (value instanceof Duration d) {
      return showDuration(d);
    }
    return String.valueOf(value);
  }

  private String expectedForm() {
    return switch (type) {
      case "duration" -> " (write e.g. 250ms, 5s, 2m, 1h)";
      case "boolean" -> " (write true or false)";
      default -> "";
    };
  }

  /** Reads a duration written {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h} (or {@code 0}). */
  public static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.toLowerCase(Locale.ROOT));
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    if (!m.matches()) {
      throw new IllegalArgumentException(text);
    }
    double amount = Double.parseDouble(m.group(1));
    double millis =
        switch (m.group(2)) {
          case "ms" -> amount;
          case "s" -> amount * 1_000;
          case "m" -> amount * 60_000;
          default -> amount * 3_600_000;
        };
    return Duration.ofNanos(Math.round(millis * 1_000_000));
  }

  /** Writes a duration the way {@link #parseDuration} reads it. */
  public static String showDuration(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1_000 == 0) {
      return ms / 1_000 + "s";
    }
    return ms + "ms";
  }

  private static Boolean parseBoolean(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new IllegalArgumentException(text);
    };
  }

  private static String format(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  @Override
  public String toString() {
    return name + " (" + type + ", default " + show(defaultValue) + ")";
  }
}
