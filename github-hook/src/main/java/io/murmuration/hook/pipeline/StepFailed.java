package io.murmuration.hook.pipeline;

import java.nio.file.Path;

/**
 * A step of a job ended badly (non-zero exit, time limit, server gone): the job ends with
 * conclusion {@code failure}, {@link #getMessage()} as the check run's title, and the tail of
 * {@link #log} in its summary, so that the author sees why without opening the service's files.
 */
final class StepFailed extends RuntimeException {
  final String step;
  final Path log;

  StepFailed(String step, String title, Path log) {
    super(title);
    this.step = step;
    this.log = log;
  }
}
