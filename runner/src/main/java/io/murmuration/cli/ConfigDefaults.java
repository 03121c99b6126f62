package io.murmuration.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Settings that are not given as flags: from environment variables ({@code MURM_USERS}, {@code
 * MURM_ARRIVAL_RATE}, … — the long option name in upper case) and then from the HOCON config file
 * ({@code --config FILE}, or {@code MURM_CONFIG}), whose keys are the long option names ({@code
 * users = 2000}, {@code target = ["127.0.0.1:5222"]}), plus {@code scenario} and a {@code params}
 * block. Flags win over the environment, which wins over the file.
 */
final class ConfigDefaults implements IDefaultValueProvider {
  static final String ENV_PREFIX = "MURM_";

  private final Config file;
  private final Map<String, String> env;

  private ConfigDefaults(Config file, Map<String, String> env) {
    this.file = file;
    this.env = env;
  }

  /**
   * Reads the config file, if any, and checks that it names only known settings.
   *
   * @param known the long option names (without dashes) the file may set
   * @throws SetupException naming the file, line and problem
   */
  static ConfigDefaults load(String path, Map<String, String> env, Set<String> known) {
    if (path == null) {
      return new ConfigDefaults(ConfigFactory.empty(), env);
    }
    File f = new File(path);
    if (!f.isFile()) {
      throw new SetupException(
          "config file " + path + " does not exist: fix --config (or MURM_CONFIG)");
    }
    Config config;
    try {
      config = ConfigFactory.parseFile(f).resolve();
    } catch (ConfigException e) {
      throw new SetupException("cannot read config file " + e.getMessage());
    }
    for (Map.Entry<String, ConfigValue> e : config.root().entrySet()) {
      String key = e.getKey();
      if (!known.contains(key) && !key.equals("params") && !key.equals("scenario")) {
        throw new SetupException(
            path
                + ":"
                + e.getValue().origin().lineNumber()
                + ": unknown setting '"
                + key
                + "': known settings are scenario, params, "
                + known.stream().sorted().collect(Collectors.joining(", ")));
      }
    }
    if (config.hasPath("params")
        && config.getValue("params").valueType() != ConfigValueType.OBJECT) {
      throw new SetupException(
          path
              + ":"
              + config.getValue("params").origin().lineNumber()
              + ": params must be a block: params { name = value }");
    }
    return new ConfigDefaults(config, env);
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    String key = arg instanceof OptionSpec o ? o.longestName().replaceFirst("^--", "") : "scenario";
    String fromEnv = env.get(ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_'));
    if (fromEnv != null) {
      return fromEnv;
    }
    if (!file.hasPath(key)) {
      return null;
    }
    ConfigValue value = file.getValue(key);
    if (value.valueType() == ConfigValueType.LIST) {
      return ((List<?>) value.unwrapped())
          .stream()
              .map(String::valueOf)
              .collect(Collectors.joining(key.equals("assert") ? ";" : ","));
    }
    return String.valueOf(value.unwrapped());
  }

  /** The scenario parameters of the file's {@code params} block, as text. */
  Map<String, String> params() {
    Map<String, String> params = new LinkedHashMap<>();
    if (file.hasPath("params")) {
      file.getConfig("params")
          .root()
          .forEach((k, v) -> params.put(k, String.valueOf(v.unwrapped())));
    }
    return params;
  }
}
