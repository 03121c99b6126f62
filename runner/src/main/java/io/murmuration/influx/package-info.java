/**
 * A run's metrics in InfluxDB: the schema of {@code docs/metrics.md}, written so that nothing is
 * lost when InfluxDB is down, slow or refuses the points.
 *
 * <h2>Flow</h2>
 *
 * <ol>
 *   <li>{@link io.murmuration.influx.InfluxSink} listens to the run's {@code MetricsReporter} on
 *       its thread. It merges every {@value io.murmuration.influx.InfluxSink#WINDOW_SECONDS} s of
 *       1-s samples into one {@code interval} point (histograms added, so percentiles stay exact),
 *       and writes the {@code run} point and the start, end and commit {@code event}s.
 *   <li>{@code LinePoints} turns them into line protocol with the run's {@link
 *       io.murmuration.influx.RunTags} and explicit millisecond timestamps: a point written twice
 *       is stored once, so retries and {@code murm influx push} never duplicate.
 *   <li>{@link io.murmuration.influx.InfluxWriter} owns the only thread that talks to InfluxDB
 *       (influxdb-java, v1 write API). Producers never block: a bounded queue, and beyond it the
 *       run folder's {@code influx-spool.lp} ({@code Spool}). A failed write spools its batch; the
 *       writer retries every 2 s and sends the spool first when InfluxDB answers again. Refused
 *       credentials and a missing database are not retried: the run spools and says so once.
 * </ol>
 *
 * <p>The run start writes its first points synchronously, so that a wrong URL, credentials or
 * database is one line on the console before any user starts — and the run goes on regardless.
 */
package io.murmuration.influx;
