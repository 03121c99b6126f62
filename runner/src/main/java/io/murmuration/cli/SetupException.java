package io.murmuration.cli;

import io.murmuration.results.ExitCode;

/**
 * A problem that stops a run before it starts, with a one-line message naming the problem and the
 * fix. Exits with {@link ExitCode#SETUP_ERROR} and no stack trace (unless {@code --verbose}).
 */
public final class SetupException extends RuntimeException {
  public SetupException(String message) {
    super(message);
  }

  public SetupException(String message, Throwable cause) {
    super(message, cause);
  }
}
