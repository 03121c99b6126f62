/**
 * What a run measures, and the run folder it leaves behind.
 *
 * <h2>Recording: lock-free, from any thread</h2>
 *
 * {@link io.murmuration.metrics.Metrics} is the only object the rest of the runner writes to. Its
 * timers ({@link io.murmuration.metrics.Metrics.Timer}: {@code ttd}, {@code connect}, {@code
 * login}, {@code lag}) are HdrHistogram {@link org.HdrHistogram.Recorder}s in nanoseconds with 3
 * significant digits: any number of threads (user actors, connection threads, the scheduler) record
 * wait-free, and a reader swaps the active histogram for an empty one without stopping them. Its
 * counters (messages sent, received on time, late, errors by kind, users connected, peak and
 * target) are {@code LongAdder}s and atomics, read as cumulative totals. The timers and counters a
 * scenario declares in its {@code init} live in {@link io.murmuration.metrics.ScenarioMetrics}, the
 * same kinds of recorders and adders; declarations end before the first user starts, so the maps
 * are only read afterwards. A run over several wires keeps one more {@code Metrics} per wire, into
 * which each user records as well ({@link io.murmuration.metrics.Metrics#wire}).
 *
 * <h2>Reading: one reporter per run</h2>
 *
 * {@link io.murmuration.metrics.MetricsReporter} is the single reader ({@code Recorder} allows only
 * one). It owns one daemon platform thread that, every sampling interval (1 s by default), takes a
 * {@link io.murmuration.metrics.Metrics.Snapshot}: the interval histograms recorded since the
 * previous snapshot, and the counter totals. Everything costly happens on that thread: adding the
 * histograms to the run totals, encoding them into the histogram log, computing the {@link
 * io.murmuration.metrics.SeriesPoint} of the interval, printing the live view ({@code LiveView})
 * and calling {@link io.murmuration.metrics.MetricsReporter.IntervalListener}s (for example an
 * InfluxDB writer). A slow disk or terminal delays the next sample, never a recording thread. A
 * sampling failure is logged once and the schedule goes on; the data it concerned is still counted
 * in the totals.
 *
 * <h2>Interval and total</h2>
 *
 * Timers travel as <em>interval</em> histograms: each value is in exactly one interval, so the
 * interval histograms of the log add up to the run's total histogram, and the histograms of several
 * runner nodes of one run add up the same way (HdrHistogram histograms with the same settings merge
 * exactly). The reporter keeps a per-timer total, the sum of all intervals, from which the
 * summary's percentiles come. Counters travel as <em>totals</em>: a snapshot taken late or skipped
 * loses no count, and per-interval rates (messages per second, errors per interval) are differences
 * of consecutive totals divided by the interval's length as stamped on its histograms.
 *
 * <h2>Why TTD counts from the intended send time</h2>
 *
 * A sender stamps each timed message with the time it <em>should</em> have been sent by the
 * schedule, not the time it actually was ({@code io.murmuration.scenario.TtdStamp}). When the
 * server stalls, or the runner falls behind, messages queue up in the runner; measured from the
 * actual send, their wait would vanish from the results, and a stall of a few seconds would show as
 * a handful of slow samples instead of every message it delayed (coordinated omission). Measured
 * from the intended time, a stall is charged to every message it held back. The price is that the
 * runner's own lateness counts as delivery time, so the {@code lag} timer records it separately
 * (actual minus intended time of each scheduled action): when lag p99 comes close to TTD p99, the
 * runner, not the server, is the bottleneck, and the run needs more runner capacity. Messages that
 * cannot be timed (held by the server for an offline recipient, or stamped by another run) are
 * counted as <em>late</em>, never put in the TTD histogram.
 *
 * <h2>Runner health: what the load generator itself costs</h2>
 *
 * At every tick the reporter also reads the runner's own process ({@code ProcessProbe}: CPU time,
 * resident set size and OS thread count, one read of {@code /proc/self/status}) and accounts it
 * next to the messages delivered in the interval ({@code RunnerHealth}). The series carries CPU in
 * cores, RSS and threads per interval; the summary's {@code runner} block carries CPU seconds in
 * all and per 1,000 delivered messages, the same over the <em>steady</em> intervals (every user
 * connected at both ends of the interval, so without the arrival phase's connect and login work),
 * peak RSS, RSS per user, peak threads and the cores available. A runner whose CPU approaches its
 * cores, or whose scheduling lag rises with its CPU, limits the run itself; the report shows both.
 *
 * <h2>The run folder</h2>
 *
 * <ul>
 *   <li>{@code metrics.hlog}: HdrHistogram's interval log, written from the first interval and
 *       flushed after each, so a crashed run keeps every complete line. One line per timer per
 *       interval, tagged with the timer key, values in nanoseconds, timestamps in seconds from the
 *       run start; the header carries the start time. The full-fidelity record: any percentile of
 *       any time range can be recomputed from it ({@code HistogramLogProcessor -tag ttd}).
 *   <li>{@code summary.json}: the {@link io.murmuration.results.Summary} written by {@link
 *       io.murmuration.metrics.MetricsReporter#finish}: run identity and parameters, state,
 *       counters, whole-run percentiles in milliseconds. What assertions, the pull-request gate and
 *       trend dashboards read; its schema is versioned and documented in {@code docs/results.md}.
 *   <li>{@code report.html}: written by {@link io.murmuration.metrics.ReportWriter} at the end: one
 *       self-contained page for people, the summary tables plus charts over time drawn by inline
 *       script from the embedded time series.
 * </ul>
 *
 * <p>The time series lives in memory only (one small record per interval) and reaches disk inside
 * {@code report.html}; {@code metrics.hlog} holds the same intervals at full fidelity.
 */
package io.murmuration.metrics;
