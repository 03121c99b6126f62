package io.murmuration.testing;

import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The one way a test says it needs a real component that may be missing from the machine (a
 * browser, a database server, Linux's {@code /proc}). On a developer machine a missing component
 * skips the test, with the reason and the fix; in CI ({@code CI=true}, which {@code .ci/run} sets)
 * it fails the test, so that nothing is skipped silently where every component should be there.
 *
 * <pre>{@code
 * Prerequisites.require(
 *     "chromium", Files.isExecutable(CHROMIUM), "apt-get install -y chromium");
 * }</pre>
 */
public final class Prerequisites {
  private Prerequisites() {}

  /**
   * Returns when {@code present}; otherwise skips the test, or fails it under {@code CI=true}.
   *
   * @param component what is missing, e.g. "chromium (/usr/bin/chromium)"
   * @param fix how to install it, e.g. "apt-get install -y chromium"
   */
  public static void require(String component, boolean present, String fix) {
    require(System.getenv(), component, present, fix);
  }

  static void require(Map<String, String> env, String component, boolean present, String fix) {
    if (present) {
      return;
    }
    String missing = component + " is missing: " + fix;
    if ("true".equalsIgnoreCase(env.get("CI"))) {
      Assertions.fail(missing + " (CI=true: a test must not skip for want of a component)");
    }
    Assumptions.abort(missing + " (skipped; with CI=true this fails)");
  }
}
