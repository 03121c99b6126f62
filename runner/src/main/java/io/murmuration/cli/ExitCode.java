package io.murmuration.cli;

/** The exit codes of {@code murm}, documented in docs/cli.md. */
public enum ExitCode {
  /** The run finished and every assertion held. */
  OK(0),
  /**
   * The run finished, but an {@code --assert} did not hold; for {@code compare}: head is worse than
   * base (a failure verdict).
   */
  ASSERTION_FAILED(1),
  /**
   * Nothing ran: bad flags or config, unknown scenario or parameter, unreachable target, login
   * refused.
   */
  SETUP_ERROR(2),
  /** The run started but failed: users ended on errors (lost connections, failed logins). */
  RUN_FAILED(3),
  /** A bug in Murmuration. */
  INTERNAL_ERROR(4),
  /**
   * {@code compare} could not decide: too few runs, too much noise, or runs it refuses to judge
   * (saturated runner, errors). Not a failure, but not a pass either: a CI job chooses.
   */
  INCONCLUSIVE(5);

  public final int code;

  ExitCode(int code) {
    this.code = code;
  }
}
