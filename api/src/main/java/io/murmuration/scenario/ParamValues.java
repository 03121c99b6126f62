package io.murmuration.scenario;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The values of a scenario's parameters for one run. Resolved once before any user starts, from, by
 * precedence: {@code -Pname=value} flags, environment variables {@code MURM_PARAM_<NAME>}, the
 * config file's {@code params} block, the declared default. Unknown names and invalid values are
 * rejected there. During the run, {@link #set} changes parameters declared changeable; readers see
 * the new value at their next {@link #get}.
 */
public final class ParamValues {
  /** Prefix of the environment variables that set scenario parameters. */
  public static final String ENV_PREFIX = "MURM_PARAM_";

  private final String scenario;
  private final Map<String, Param<?>> declared = new LinkedHashMap<>();
  private final Map<String, Object> values = new ConcurrentHashMap<>();

  private ParamValues(String scenario, List<Param<?>> params) {
    this.scenario = scenario;
    for (Param<?> p : params) {
      if (declared.put(p.name(), p) != null) {
        throw new IllegalStateException(
            "scenario " + scenario + " declares parameter " + p.name() + " twice");
      }
      values.put(p.name(), p.defaultValue());
    }
  }

  /**
   * Resolves every parameter of {@code scenario}.
   *
   * @param fromFile the config file's {@code params} block, as text values
   * @param environment the process environment (only {@code MURM_PARAM_*} entries are read)
   * @param fromFlags the {@code -Pname=value} flags
   * @throws IllegalArgumentException naming the first unknown parameter or invalid value
   */
  public static ParamValues resolve(
      Scenario scenario,
      Map<String, String> fromFile,
      Map<String, String> environment,
      Map<String, String> fromFlags) {
    ParamValues values = new ParamValues(scenario.name(), scenario.params());
    values.apply(fromFile, "in the config file's params block");
    Map<String, String> fromEnv = new LinkedHashMap<>();
    environment.forEach(
        (k, v) -> {
          if (k.startsWith(ENV_PREFIX)) {
            fromEnv.put(k.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT), v);
          }
        });
    values.apply(fromEnv, "in environment variable " + ENV_PREFIX + "<NAME>");
    values.apply(fromFlags, "given with -P");
    return values;
  }

  /** Defaults only: for tests and for listing. */
  public static ParamValues defaults(Scenario scenario) {
    return new ParamValues(scenario.name(), scenario.params());
  }

  private void apply(Map<String, String> given, String where) {
    given.forEach(
        (name, text) -> {
          Param<?> p = declared.get(name);
          if (p == null) {
            throw new IllegalArgumentException(unknown(name, where));
          }
          values.put(name, p.parse(text));
        });
  }

  private String unknown(String name, String where) {
    String known = String.join(", ", declared.keySet());
    return "unknown parameter '"
        + name
        + "' "
        + where
        + ": scenario "
        + scenario
        + (known.isEmpty() ? " takes no parameters" : " takes " + known)
        + " (see ./murm scenarios)";
  }

  @SuppressWarnings("unchecked")
  public <T> T get(Param<T> param) {
    Object value = values.get(param.name());
    if (value == null || declared.get(param.name()) != param) {
      throw new IllegalArgumentException(
          "parameter " + param.name() + " is not declared by scenario " + scenario + "'s params()");
    }
    return (T) value;
  }

  /**
   * Changes a parameter during the run.
   *
   * @throws IllegalArgumentException when the name is unknown, the value invalid, or the parameter
   *     not declared changeable
   */
  public void set(String name, String text) {
    Param<?> p = declared.get(name);
    if (p == null) {
      throw new IllegalArgumentException(unknown(name, "to set"));
    }
    if (!p.isChangeable()) {
      throw new IllegalArgumentException(
          "parameter " + name + " cannot change during a run: set it before the run starts");
    }
    values.put(name, p.parse(text));
  }

  /** Every parameter and its current value, as text, in declaration order. */
  public Map<String, String> asText() {
    return declared.values().stream()
        .collect(
            Collectors.toMap(
                Param::name, p -> p.show(values.get(p.name())), (a, b) -> a, LinkedHashMap::new));
  }
}
