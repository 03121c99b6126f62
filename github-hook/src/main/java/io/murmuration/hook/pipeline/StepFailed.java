package io.murmuration.hook.pipeline;

import java.nio.file.Path;

/**
 * A step of a job ended badly (non-zero exit, time limit, server gone): the job ends with
 * conclusion {@code failure}, {@link #getMessage()} as the check run's title, and the tail of
 * {@link #log} in its summary, so that the author sees why without opening the service's files.
 * Trouble of the service's machine or network ({@link #infrastructure}: a remote that cannot be
 * reached, a fetch that times out, no token) is no verdict on the commit: conclusion {@code
 * neutral}.
 */
final class StepFailed extends RuntimeException {
  final String step;
  final Path log;
  final boolean aboutTheCommit;

  StepFailed(String step, String title, Path log) {
    this(step, title, log, true);
  }

  private StepFailed(String step, String title, Path log, boolean aboutTheCommit) {
    super(title);
    this.step = step;
    this.log = log;
    this.aboutTheCommit = aboutTheCommit;
  }

  /** A step that failed for reasons outside the commit: the job ends neutral. */
  static StepFailed infrastructure(String step, String title, Path log) {
    return new StepFailed(step, title, log, false);
  }
}
