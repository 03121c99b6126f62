/**
 * The gate's statistics: whether head runs are worse than base runs, metric by metric, used by
 * {@code murm compare}; and where a branch's history changed, used by {@code murm analyze}
 * (docs/gate.md).
 *
 * <h2>Flow</h2>
 *
 * <ol>
 *   <li>{@link io.murmuration.gate.Gate} takes the runs' {@code summary.json} per arm and first
 *       refuses to judge runs that measured the runner or a broken system (failed, scheduling lag
 *       above the bound, error rate above the bound).
 *   <li>{@link io.murmuration.gate.Comparison} compares one {@link io.murmuration.gate.Metric}: the
 *       ratio of medians head/base, its {@link io.murmuration.gate.Bootstrap} interval, and the
 *       Mann–Whitney p-value from Hipparchus; the {@link io.murmuration.gate.Verdict} needs the
 *       whole interval beyond the tolerance and a significant test to fail.
 *   <li>{@link io.murmuration.gate.Report} renders the table and {@code compare.json}.
 * </ol>
 *
 * <p>Why these statistics: one run gives one value per metric, and there are few runs (3–20), so
 * nothing may assume normality. Medians, the sign test (paired) and a rank test (unpaired) are
 * robust to the odd slow run; a bootstrap interval of the ratio speaks in the unit users set
 * tolerances in ("10 % slower"). The bootstrap and the sign test's p are written here; both are
 * tested against an exact enumeration.
 *
 * <p>{@link io.murmuration.gate.ChangePoints} looks at one metric over many runs instead:
 * E-Divisive means splits the history where the two sides differ most, and Matteson &amp; James'
 * permutation test keeps a split only when no more than a few shuffles of the same runs split as
 * well. Its split statistic is written here and tested against a brute-force evaluation of its
 * definition. {@link io.murmuration.gate.Trends} feeds it a branch's {@code run} points from
 * InfluxDB, series by series, writes what it finds as {@code change_point} events and says which
 * are already there — the one place both {@code murm analyze} and the hook service's check after
 * each merged build use.
 */
package io.murmuration.gate;
