package io.murmuration.gate;

/** What a comparison concludes; the order is the order of severity for the overall verdict. */
public enum Verdict {
  /** Head is within the tolerance of base, or better. */
  SUCCESS,
  /** Not enough evidence either way, or the runs cannot be judged; the reason says which. */
  NEUTRAL,
  /** Head is worse than base beyond the tolerance, and the difference is significant. */
  FAILURE;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
