package io.murmuration.engine;

/**
 * A run that cannot start the way its scenario's {@code init} set it up, for a reason outside the
 * runner: the push app server cannot connect or authenticate, or the run cannot have one. The
 * message is one line that names the problem and the fix; the CLI exits with a setup error.
 */
public final class SetupRefused extends IllegalStateException {
  public SetupRefused(String message, Throwable cause) {
    super(message, cause);
  }
}
