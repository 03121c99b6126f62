/**
 * One job, from commit to result: {@link io.murmuration.hook.pipeline.Pipeline#run} fetches the
 * repository at the commit ({@link io.murmuration.hook.pipeline.Workspace}), reads the
 * per-repository configuration ({@link io.murmuration.hook.pipeline.RepoConfig}) from the default
 * branch or the operator's folder, builds, starts the server, waits until it is ready, runs each
 * scenario through {@code murm run} in a subprocess (or, with a {@link
 * io.murmuration.hook.pipeline.Coordinator} configured, on its worker nodes through its control
 * API: {@link io.murmuration.hook.pipeline.CoordinatorRunner}), stops the server, and returns a
 * {@link io.murmuration.hook.JobResult}, with a verdict event per judged scenario ({@link
 * io.murmuration.hook.pipeline.VerdictWriter} writes them). After a merged build's job, {@link
 * io.murmuration.hook.pipeline.TrendCheck} looks at the branch's history in InfluxDB, reports
 * change points not reported before (a commit comment stored in the outbox, then events) and queues
 * a bisection job for each, which the pipeline runs with the pull-request gate's rounds ({@link
 * io.murmuration.hook.pipeline.Bisection}).
 *
 * <h2>Why it is built this way</h2>
 *
 * <ul>
 *   <li><b>The configuration comes from the default branch.</b> The commands a runner executes are
 *       whatever the configuration says; reading it from a pull request's head would let any pull
 *       request run anything. The head's code is still built and started — that is the point — so
 *       untrusted authors wait for approval before their jobs run (the intake's business).
 *   <li><b>Every command runs in its own process group</b> ({@code setsid}), with a clean
 *       environment (only {@code PATH}, {@code HOME}, locale, {@code JAVA_HOME} and the {@code
 *       MURM_} variables). A server's VM, a build's compilers, processes re-parented when their
 *       parent died: stopping the group (SIGTERM, then SIGKILL) stops them all, which is what makes
 *       cancel prompt and "the server is always stopped" true. Members are found in {@code /proc}
 *       (Linux only); zombies count as gone, since PID 1 may be slow to reap them. A killed service
 *       cannot stop its groups (Java has no parent-death signal), so each group is recorded in the
 *       job's folder while it runs and stopped before the job runs again.
 *   <li><b>The runner is a subprocess</b> on this JVM's own java and class path: the same version
 *       as the service, a crash or an out-of-memory in a run cannot take the service down, and a
 *       cancel stops it like any other step. Its exit code and {@code summary.json} are the whole
 *       interface (see {@link io.murmuration.hook.pipeline.ScenarioOutcome} for the mapping to
 *       conclusions).
 *   <li><b>Every step has a log file and a time limit</b>, and a failed step's result quotes the
 *       end of its log: the author learns why from the check run, without access to the service.
 * </ul>
 *
 * <h2>Threads</h2>
 *
 * A {@code Pipeline} runs one job at a time on the caller's thread; {@link
 * io.murmuration.hook.pipeline.Pipeline#cancel} may be called from any thread and is noticed within
 * 50 ms by the command being waited for.
 */
package io.murmuration.hook.pipeline;
