package io.murmuration.results;

/**
 * The exit codes of {@code murm}, documented in docs/cli.md: the one classification of how a run
 * (or a comparison) ended, shared by the CLI, {@code summary.json} and the webhook service.
 */
public enum ExitCode {
  /** The run finished and every assertion held. */
  OK(0, "success"),
  /**
   * The run finished, but an {@code --assert} did not hold; for {@code compare}: head is worse than
   * base (a failure verdict).
   */
  ASSERTION_FAILED(1, "assertion-failed"),
  /**
   * Nothing ran: bad flags or config, unknown scenario or parameter, unreachable target, login
   * refused.
   */
  SETUP_ERROR(2, "setup-error"),
  /**
   * The run started but failed: users ended on errors (lost connections, failed logins), or planned
   * actions were left undone with no stop to explain them.
   */
  RUN_FAILED(3, "run-failed"),
  /** A bug in Murmuration. */
  INTERNAL_ERROR(4, "internal-error"),
  /**
   * {@code compare} could not decide: too few runs, too much noise, or runs it refuses to judge
   * (saturated runner, errors). Not a failure, but not a pass either: a CI job chooses.
   */
  INCONCLUSIVE(5, "inconclusive");

  public final int code;

  /** The code's name in {@code summary.json} ({@code exit.meaning}). */
  public final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  /** The exit code numbered {@code code}, or null for a number murm never exits with. */
  public static ExitCode of(int code) {
    for (ExitCode c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    return null;
  }
}
