/**
 * The HTTP load of a run, played by Gatling in a JVM of its own: the runner starts {@code
 * io.gatling.app.Gatling -s io.murmuration.gatling.HttpSendsSimulation} on this module's class path
 * ({@code target/gatling.classpath}, made by the build) and talks to it through {@link
 * io.murmuration.httpload} (a plan file in, one report line a second out).
 *
 * <p>Why a child process: Gatling 3.15 brings Netty 4.2 and Scala, the runner pins Netty 4.1; on
 * one class path one of them would break. The child shares nothing with the runner but the JDK-only
 * {@code api} module and the machine's monotonic clock, on which its stamps are taken.
 *
 * <ul>
 *   <li>{@link io.murmuration.gatling.HttpSendsSimulation}: the open schedule, one virtual user per
 *       send, each waiting for its due time and posting one request;
 *   <li>{@link io.murmuration.gatling.IntervalReporter}: response times from the due time, lag,
 *       counts by outcome, one line a second on standard output;
 *   <li>{@link io.murmuration.gatling.FailureCauses}: why a request got no response (time-out,
 *       refused, other), read from the log line in which Gatling reports it;
 *   <li>{@link io.murmuration.gatling.OfflinePreferences}: the JVM's preferences, in memory, which
 *       keep Gatling from asking Maven Central for a newer release at start;
 *   <li>{@code gatling.conf}: usage analytics and the warm-up request off, Gatling's file writer
 *       alone (for its HTML report); {@code logback.xml}: warnings to the console, which the runner
 *       copies into the run folder's {@code gatling/gatling.log}.
 * </ul>
 */
package io.murmuration.gatling;
