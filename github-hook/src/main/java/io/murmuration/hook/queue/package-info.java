/**
 * The durable job queue: {@link io.murmuration.hook.queue.JobStore} (deliveries and jobs in a
 * relational database), {@link io.murmuration.hook.queue.Worker} (one thread running one job at a
 * time) and {@link io.murmuration.hook.queue.JobExecutor} (what running a job means).
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
