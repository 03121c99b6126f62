/**
 * The contract between the runner and its HTTP load's child process, the {@code gatling} module;
 * not for scenario authors, who declare an HTTP load with {@link
 * io.murmuration.scenario.RunSetup#httpLoad} and {@link io.murmuration.scenario.HttpLoad}.
 *
 * <p>The child is a JVM of its own because Gatling brings Netty 4.2 and the runner pins Netty 4.1:
 * the two never share a class path, and this package, in the JDK-only {@code api} module, is all
 * they share. Both sides speak through it:
 *
 * <ul>
 *   <li><b>Runner to child</b>: a {@link io.murmuration.httpload.HttpLoadPlan} written into the run
 *       folder and named by a system property of the child (the password, if any, in the child's
 *       environment); the child's standard input stays open while the run wants the load, and its
 *       end (the runner closing it, or dying) asks the child to stop sending and finish.
 *   <li><b>Child to runner</b>: one {@link io.murmuration.httpload.HttpInterval} line a second on
 *       standard output (response-time and lag histograms, request, 2xx and error counts), which
 *       the runner adds into the run's metrics as they come; every other line the child prints goes
 *       to a log file in the run folder. The child's exit ends the load.
 * </ul>
 *
 * <p>Stamps cross the process boundary as text in the message body ({@link
 * io.murmuration.scenario.TtdStamp#text()}): the child takes them on its {@link System#nanoTime()},
 * the runner compares them with its own, which is valid because both run on one machine, where the
 * monotonic clock ({@code CLOCK_MONOTONIC} on Linux) is the same for every process.
 */
package io.murmuration.httpload;
