package io.murmuration.gatling;

import java.util.HashMap;
import java.util.Map;
import java.util.prefs.AbstractPreferences;
import java.util.prefs.Preferences;
import java.util.prefs.PreferencesFactory;

/**
 * The child JVM's {@link Preferences}: in memory, so Gatling neither looks for a newer release on
 * the internet nor writes under the user's home.
 *
 * <p>At start Gatling 3.15 ({@code io.gatling.commons.util.LatestGatlingRelease}) reads when it
 * last asked Maven Central for its latest version from the user preferences node {@code
 * /io/gatling/latestVersion}, and asks again (an HTTPS request, 1 s time-out) when that answer is
 * older than a day; it has no setting to turn this off. Here the node says a check failed at the
 * end of time: an answer always fresh, so Gatling never asks, and has no newer version to announce.
 * Named to the JVM with {@code -Djava.util.prefs.PreferencesFactory=} this class.
 */
public final class OfflinePreferences implements PreferencesFactory {
  /** The node and keys Gatling 3.15 reads; a rename in a later Gatling fails this module's test. */
  static final String GATLING_NODE = "/io/gatling/latestVersion";

  static final String LAST_CHECK = "lastCheckTimestamp";
  static final String LAST_CHECK_SUCCESS = "lastCheckSuccess";

  private static final Preferences USER = gatlingNeverChecks(new Node(null, ""));
  private static final Preferences SYSTEM = new Node(null, "");

  private static Preferences gatlingNeverChecks(Preferences root) {
    Preferences gatling = root.node(GATLING_NODE);
    gatling.putLong(LAST_CHECK, Long.MAX_VALUE);
    gatling.putBoolean(LAST_CHECK_SUCCESS, false);
    return root;
  }

  @Override
  public Preferences userRoot() {
    return USER;
  }

  @Override
  public Preferences systemRoot() {
    return SYSTEM;
  }

  /** A node whose values and children live in maps, as long as the JVM. */
  private static final class Node extends AbstractPreferences {
    private final Map<String, String> values = new HashMap<>();
    private final Map<String, Node> children = new HashMap<>();

    Node(Node parent, String name) {
      super(parent, name);
    }

    @Override
    protected void putSpi(String key, String value) {
      values.put(key, value);
    }

    @Override
    protected String getSpi(String key) {
      return values.get(key);
    }

    @Override
    protected void removeSpi(String key) {
      values.remove(key);
    }

    @Override
    protected void removeNodeSpi() {
      ((Node) parent()).children.remove(name());
    }

    @Override
    protected String[] keysSpi() {
      return values.keySet().toArray(String[]::new);
    }

    @Override
    protected String[] childrenNamesSpi() {
      return children.keySet().toArray(String[]::new);
    }

    @Override
    protected AbstractPreferences childSpi(String name) {
      return children.computeIfAbsent(name, n -> new Node(this, n));
    }

    @Override
    protected void syncSpi() {}

    @Override
    protected void flushSpi() {}
  }
}
