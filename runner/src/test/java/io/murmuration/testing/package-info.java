/**
 * Test support shared with other modules through the runner's test-jar: {@link
 * io.murmuration.testing.LocalServersExtension} gives JUnit 5 tests a real ejabberd or Prosody,
 * started once per JVM; {@link io.murmuration.testing.RecordingListener} and {@link
 * io.murmuration.testing.Await} wait on what an {@code XmppClient} reports; {@link
 * io.murmuration.testing.DashboardQueries} lists the InfluxQL queries of the Grafana dashboards
 * with Grafana's macros and variables expanded, for tests that run them against a real InfluxDB;
 * {@link io.murmuration.testing.RunHistory} writes a branch's history of {@code run} points with a
 * step in TTD p99, for tests of the trend analysis; {@link io.murmuration.testing.Prerequisites} is
 * how a test needs a component that may be missing (skipped on a developer machine, failed under
 * {@code CI=true}).
 */
package io.murmuration.testing;
