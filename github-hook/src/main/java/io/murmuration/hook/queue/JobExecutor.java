package io.murmuration.hook.queue;

import io.murmuration.hook.Job;
import io.murmuration.hook.JobResult;

/**
 * Runs one job to its end (the pipeline: fetch, build, start the server, load-test, report). Called
 * by the {@link Worker}'s single thread.
 *
 * <p>Cancellation and shutdown interrupt the calling thread: an implementation stops its child
 * processes and returns (or throws) promptly when interrupted. A job may run more than once when a
 * crash interrupts it (see the package documentation), so a run must not assume it is the first.
 */
@FunctionalInterface
public interface JobExecutor {
  /** Runs {@code job}; a thrown exception is recorded as a {@code failure} result. */
  JobResult run(Job job) throws Exception;
}
