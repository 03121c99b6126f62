/**
 * The durable job queue: {@link io.murmuration.hook.queue.JobStore} (deliveries and jobs in a
 * relational database), {@link io.murmuration.hook.queue.Worker} (one thread running one job at a
 * time) and {@link io.murmuration.hook.queue.JobExecutor} (what running a job means); and the
 * outbox of reports to GitHub in the same database, {@link io.murmuration.hook.queue.Outbox}, sent
 * by {@link io.murmuration.hook.queue.ReportSender} (one thread of its own).
 *
 * <h2>Life of a job</h2>
 *
 * <pre>
 *   accept ──▶ AWAITING_APPROVAL ──approve──▶ QUEUED ──claim──▶ RUNNING ──finish──▶ DONE
 *     └──────────────────────────────────────────▲                 │
 *                                                 └─recoverAfterCrash / requeue (shutdown)
 *   AWAITING_APPROVAL, QUEUED, RUNNING ──cancelOlder (a newer push to the same PR)──▶ CANCELLED
 * </pre>
 *
 * <h2>Life of a report</h2>
 *
 * <pre>
 *   addResult / addCommitComment ──▶ PENDING ──GitHub takes it──▶ POSTED
 *      (a known key: nothing)          │  ▲
 *                                      │  └─ no answer, 5xx, rate limit, 401: retryAt (30 s … 30 min)
 *                                      └─ another 4xx ──▶ FAILED (with GitHub's answer)
 * </pre>
 *
 * <p>A job's result is stored before the job is recorded done, by the job's own thread, so a {@code
 * kill -9} cannot separate them in the bad direction: a job recorded done has its result in the
 * outbox; a result stored for a job not yet done is followed by a second attempt's result (the job
 * runs again), posted after it. Every pending report is due at start. Posting is at least once (the
 * mark "posted" is a second step after GitHub's answer) and made harmless by the target: the check
 * run, status and sticky comment are updated in place, and a commit comment is looked for by its
 * key before it is posted. Reports of one pull request (a push: one commit) are sent in the order
 * they were stored.
 *
 * <h2>Storage</h2>
 *
 * <p>Plain JDBC with portable SQL (identity column, {@code FETCH FIRST}, {@code TIMESTAMP WITH TIME
 * ZONE}, SQLState 23505 for a duplicate key), so the same code runs on the embedded H2 file
 * database (the default: the service needs nothing else to start) and on PostgreSQL (any JDBC URL).
 * The H2 URL sets {@code WRITE_DELAY=0}: by default H2 writes commits to its file up to 500 ms
 * later, and a {@code kill -9} in that window loses deliveries GitHub was already told were
 * accepted. With it, a commit has reached the operating system when {@code commit()} returns, which
 * survives the death of the process (not a power cut without {@code fsync}; PostgreSQL gives that).
 *
 * <h2>What "exactly once" means here</h2>
 *
 * <p>Two different things can be counted, and only one of them can honestly be exactly once:
 *
 * <ul>
 *   <li><b>Jobs and results — exactly once.</b> A delivery is stored in the same transaction as its
 *       job, and the delivery id is unique, so a redelivery (GitHub's retry, an operator pressing
 *       "Redeliver", a replayed request) never makes a second job. Each job reaches exactly one end
 *       state, and at most one result is recorded: {@code finish} is {@code UPDATE … SET
 *       state='DONE' WHERE id=? AND state='RUNNING'}, so a late result of a cancelled run, or a
 *       second worker, changes nothing. Every accepted job keeps being offered to a worker until it
 *       has a result: the 202 is sent after the commit, and a job left {@code RUNNING} by a dead
 *       process is put back in the queue by {@link
 *       io.murmuration.hook.queue.JobStore#recoverAfterCrash()} at the next start.
 *   <li><b>Executions — at least once.</b> A run interrupted by {@code kill -9} (or a power cut, or
 *       an OOM kill) left no result, and nothing can tell a half-finished run from one that never
 *       started, so it is run again from the beginning after the restart. The {@code attempts}
 *       column counts the claims. Whatever a run does outside the store must therefore tolerate a
 *       repetition: a load test is repeatable by nature (it measures, then reports), the GitHub
 *       check run and the sticky comment are updated in place rather than created anew, and per-run
 *       folders and metrics are tagged with the job id and attempt.
 * </ul>
 *
 * <p>Getting "exactly one execution" would need the run's side effects and its result to commit
 * atomically with the store, which a multi-minute load test against an external server cannot do.
 *
 * <h2>Limits</h2>
 *
 * <p>One service process per database: {@code recoverAfterCrash} treats every {@code RUNNING} job
 * as orphaned. Several workers in one process are safe (claims are conditional updates); several
 * processes would need a lease (owner and heartbeat columns) before sharing a database.
 *
 * <p>Superseding is a second transaction after the new job's: a crash between the two leaves the
 * older job of the pull request queued, so it runs (and is recorded) once more than needed; no job
 * is lost or run twice because of it.
 */
package io.murmuration.hook.queue;
