package io.murmuration.testing;

import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The one way a test says it needs a real component that may be missing from the machine (a
 * browser, a database server, Linux's {@code /proc}). On a developer machine a missing component
 * skips the test, with the reason and the fix; in CI ({@code CI} set to anything but empty, {@code
 * false} or {@code 0}: {@code .ci/run} sets {@code CI=true}, other CI systems {@code CI=1}) it
 * fails the test, so that nothing is skipped where every component should be there. As a second
 * guard {@code .ci/run} fails the build when any test report records a skip.
 *
 * <pre>{@code
 * Prerequisites.require(
 *     "chromium", Files.isExecutable(CHROMIUM), "apt-get install -y chromium");
 * }</pre>
 */
public final class Prerequisites {
  private Prerequisites() {}

  /**
   * Returns when {@code present}; otherwise skips the test, or fails it in CI.
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
    if (inCi(env)) {
      Assertions.fail(missing + " (CI=true: a test must not skip for want of a component)");
    }
    Assumptions.abort(missing + " (skipped; with CI=true this fails)");
  }

  /**
   * Whether {@code CI} says this is a CI machine: set, and not empty, {@code false} or {@code 0}.
   */
  static boolean inCi(Map<String, String> env) {
    String ci = env.getOrDefault("CI", "").strip();
    return !ci.isEmpty() && !ci.equalsIgnoreCase("false") && !ci.equals("0");
  }
}
