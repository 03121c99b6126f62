package io.murmuration.hook.pipeline;

import java.time.Duration;

/**
 * Durations as people and the runner's flags write them: {@code 3 s}, {@code 2 min}, {@code
 * 1500ms}.
 */
final class Durations {
  private Durations() {}

  /** For titles: {@code 3 s}, {@code 30 min}, {@code 1.5 s}. */
  static String text(Duration d) {
    long ms = d.toMillis();
    if (ms % 60_000 == 0 && ms >= 60_000) {
      return ms / 60_000 + " min";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + " s";
    }
    return ms + " ms";
  }

  /** For {@code murm run}'s flags, which take {@code 250ms}, {@code 5s}, … */
  static String flag(Duration d) {
    return d.toMillis() + "ms";
  }
}
