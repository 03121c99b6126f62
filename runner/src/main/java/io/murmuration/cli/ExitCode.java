package io.murmuration.cli;

/** The exit codes of {@code murm}, documented in docs/cli.md. */
public enum ExitCode {
  /** The run finished and every assertion held. */
  OK(0),
  /** The run finished, but an {@code --assert} did not hold. */
  ASSERTION_FAILED(1),
  /**
   * Nothing ran: bad flags or config, unknown scenario or parameter, unreachable target, login
   * refused.
   */
  SETUP_ERROR(2),
  /** The run started but failed: users ended on errors (lost connections, failed logins). */
  RUN_FAILED(3),
  /** A bug in Murmuration. */
  INTERNAL_ERROR(4);

  public final int code;

  ExitCode(int code) {
    this.code = code;
  }
}
