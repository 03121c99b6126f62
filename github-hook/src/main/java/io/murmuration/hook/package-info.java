/**
 * The GitHub webhook service ("Tide"): GitHub calls {@code POST /webhook}; an accepted delivery is
 * stored as a {@link io.murmuration.hook.Job} before the 202 answer; a worker takes jobs one at a
 * time, load-tests the repository at the commit, and a {@link io.murmuration.hook.Reporter} tells
 * the pull request how it went: the result is stored in the job store's outbox first, and posted
 * until GitHub takes it.
 *
 * <h2>Packages</h2>
 *
 * <ul>
 *   <li>{@code intake} — the HTTP endpoint: signature check, size limit, event → job.
 *   <li>{@code queue} — the durable job store (embedded H2 by default, PostgreSQL as an option):
 *       each accepted job runs to its end exactly once, across {@code kill -9} and restarts; and
 *       the outbox of reports to GitHub, with the thread that sends them.
 *   <li>{@code github} — reporting through {@code org.kohsuke:github-api}.
 *   <li>{@code pipeline} — one job: fetch, build, start the server, run, stop, result; after a
 *       merged build, the trend check of its branch.
 * </ul>
 */
package io.murmuration.hook;
