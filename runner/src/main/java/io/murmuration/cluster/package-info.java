/**
 * A run spread over worker nodes on Pekko Cluster (typed): the coordinator runs no users, the
 * workers run contiguous ranges of them, and the run reports as one. User docs: {@code
 * docs/cluster.md}.
 *
 * <h2>Who is who</h2>
 *
 * <ul>
 *   <li>{@link io.murmuration.cluster.CoordinatorNode}: the coordinator's cluster node, first seed,
 *       role {@code coordinator}; it spawns one {@link io.murmuration.cluster.RunCoordinator} per
 *       run ({@code murm run --nodes} holds one node for one run, {@code murm coordinator} one for
 *       many). {@link io.murmuration.cluster.ClusterRun} is the run's handle there: the same verbs
 *       as a local run ({@link io.murmuration.engine.RunControl}), asked of the actor.
 *   <li>{@link io.murmuration.cluster.WorkerNode}: the guardian of {@code murm node}, registered
 *       with the receptionist under one key; it plays the parts it is assigned through a {@link
 *       io.murmuration.cluster.WorkerNode.Runner} (the CLI's quiet local run) and streams a {@link
 *       io.murmuration.cluster.NodeSample} per interval.
 * </ul>
 *
 * <h2>What crosses nodes</h2>
 *
 * Only {@link io.murmuration.cluster.ClusterMessage}s, as CBOR (Pekko's Jackson serializer; Java
 * serialization is off): definitions — a run's {@code murm run} options and parameters, a worker's
 * {@link io.murmuration.cluster.WorkerNode.Slice} (id range, share of the arrival rate and of the
 * throttles), the verbs — and measurements: samples (interval histograms compressed, counters as
 * totals, so a late or lost sample loses no count and the merge with {@link
 * io.murmuration.metrics.Metrics#add} is exact), clock probes and outcomes. Never a lambda: a
 * scenario's code runs where its users are.
 *
 * <h2>Failures</h2>
 *
 * The split-brain resolver keeps the side with the coordinator ({@code keep-oldest} on its role,
 * never downing it when alone). A worker the coordinator can no longer hear is downed, its {@code
 * RunCoordinator} sees the death watch fire and counts the worker lost with the users it had
 * connected. A worker that sees the coordinator unreachable, or exited, stops its users at once and
 * ends; the CLI then waits for the users to log out before the process exits.
 *
 * <h2>Time</h2>
 *
 * Groups (the scenario's coordinators) form per worker, so a message's sender and receiver share
 * one monotonic clock. The coordinator probes each worker's clock every 2 s and keeps the offset
 * measured with the shortest round trip, half of which bounds its error; it is reported, not used.
 */
package io.murmuration.cluster;
