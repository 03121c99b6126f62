package io.murmuration.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
      throw new SetupException(parseError(f, path, e));
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

  /**
   * What is wrong with a file Typesafe Config cannot read. A '{' or '[' that is never closed it
   * reports as a missing ')' at the end of the file: then this names the line the brace opened on.
   */
  private static String parseError(File file, String path, ConfigException e) {
    Optional<Opening> unclosed = Optional.empty();
    if (e instanceof ConfigException.Parse) {
      try {
        unclosed = unclosed(Files.readString(file.toPath()));
      } catch (IOException unreadable) {
        // Typesafe Config's own message says enough
      }
    }
    return unclosed.map(o -> o.problem(path)).orElse("cannot read config file " + e.getMessage());
  }

  /** A '{' or '[' and the line it is on. */
  record Opening(char brace, int line) {
    String problem(String path) {
      char close = brace == '{' ? '}' : ']';
      return "%s:%d: unclosed %s: this '%c' has no matching '%c' before the end of the file: add it"
          .formatted(path, line, brace == '{' ? "brace" : "bracket", brace, close);
    }
  }

  /**
   * The innermost '{' or '[' of HOCON {@code text} that is never closed; empty when every one is.
   * Braces in quoted and triple-quoted strings, comments and {@code ${substitutions}} do not count.
   */
  static Optional<Opening> unclosed(String text) {
    Deque<Opening> open = new ArrayDeque<>();
    int line = 1;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      int next = i + 1;
      if (c == '#' || text.startsWith("//", i)) {
        int endOfLine = text.indexOf('\n', i);
        next = endOfLine < 0 ? text.length() : endOfLine;
      } else if (text.startsWith("\"\"\"", i)) {
        next = after(text, "\"\"\"", i + 3);
        while (next < text.length() && text.charAt(next) == '"') {
          next++; // """ends at the last of several quotes""""
        }
      } else if (c == '"') {
        while (next < text.length() && text.charAt(next) != '"' && text.charAt(next) != '\n') {
          next += text.charAt(next) == '\\' ? 2 : 1;
        }
        next = Math.min(next + 1, text.length());
      } else if (text.startsWith("${", i)) {
        next = after(text, "}", i);
      } else if (c == '{' || c == '[') {
        open.push(new Opening(c, line));
      } else if (c == '}' || c == ']') {
        Opening innermost = open.poll();
        if (innermost == null) {
          return Optional.empty(); // one close too many: Typesafe Config reports that well
        }
        if (innermost.brace() != (c == '}' ? '{' : '[')) {
          return Optional.of(innermost); // closed by the wrong kind: it is the one left open
        }
      }
      for (int j = i; j < next; j++) {
        line += text.charAt(j) == '\n' ? 1 : 0;
      }
      i = next;
    }
    return Optional.ofNullable(open.peek());
  }

  /** The index after the first {@code part} at or after {@code from}; the text's end if none. */
  private static int after(String text, String part, int from) {
    int at = text.indexOf(part, from);
    return at < 0 ? text.length() : at + part.length();
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
