package io.murmuration.influx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tags that say where a run's points come from — repository, branch, commit, server under test,
 * trigger, comparison arm… — validated against the fixed set of keys of {@code docs/metrics.md}.
 * {@code run_id} and {@code scenario} are not in here: every point gets them from the run itself.
 *
 * <p>Immutable.
 */
public record RunTags(Map<String, String> values) {

  /** The keys a user may set, in the order they are documented. */
  public static final List<String> KEYS =
      List.of("node", "trigger", "sut", "sut_version", "repo", "branch", "commit", "pr", "arm");

  public RunTags {
    Map<String, String> copy = new LinkedHashMap<>();
    values.forEach(
        (key, value) -> {
          if (!KEYS.contains(key)) {
            throw new IllegalArgumentException(
                "unknown tag '" + key + "': use one of " + String.join(", ", KEYS));
          }
          if (value != null && !value.isBlank()) {
            copy.put(key, value.strip());
          }
        });
    values = Collections.unmodifiableMap(copy);
  }

  /**
   * Tags from {@code KEY=VALUE} texts (the {@code --tag} flags) over the defaults: {@code node} the
   * host name, {@code trigger} {@code cli}.
   *
   * @throws IllegalArgumentException naming the bad text
   */
  public static RunTags parse(List<String> keyValues, String hostName) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("node", hostName);
    tags.put("trigger", "cli");
    for (String kv : keyValues) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--tag '" + kv + "' is not KEY=VALUE, e.g. branch=main");
      }
      tags.put(kv.substring(0, eq).strip(), kv.substring(eq + 1));
    }
    return new RunTags(tags);
  }

  /** These tags with {@code key} set (or replaced) when it is not set yet. */
  public RunTags withDefault(String key, String value) {
    if (values.containsKey(key) || value == null) {
      return this;
    }
    Map<String, String> more = new LinkedHashMap<>(values);
    more.put(key, value);
    return new RunTags(more);
  }

  public String get(String key) {
    return values.get(key);
  }
}
