/**
 * The engine: Pekko typed actors that run a load test.
 *
 * <ul>
 *   <li>{@link io.murmuration.engine.RunController} — the guardian; owns a run's life (idle →
 *       running → stopping → finished | failed), spawns users along the {@link
 *       io.murmuration.engine.LoadProfile}'s arrival curve, adds and removes users, drains and
 *       stops.
 *   <li>{@code UserActor} — one per simulated user; runs the scenario's per-user callbacks one at a
 *       time and owns the user's {@link io.murmuration.xmpp.XmppClient}.
 *   <li>{@link io.murmuration.engine.Throttle} — named shared rates that hand out slot times.
 *   <li>{@link io.murmuration.engine.Coordinator} — groups users and hands each the whole group.
 *   <li>{@code HttpLoadProcess} — a run's HTTP load: Gatling in a child JVM (it brings Netty 4.2,
 *       the runner pins 4.1), started when a user says so, its report lines added to the run's
 *       metrics, its end the run's stop.
 * </ul>
 *
 * <p>Rules that keep measurements honest:
 *
 * <ul>
 *   <li>Nothing on a user's path blocks a dispatcher thread: network work completes stages that are
 *       piped back as messages; waiting is a timer, never a sleep.
 *   <li>Every scheduled action carries its intended time. Lag (actual − intended) is recorded when
 *       it runs, and chat messages are stamped with the intended time, so time-to-delivery includes
 *       any delay the runner adds (no coordinated omission). Due actions are delivered by {@code
 *       PreciseTimer} (about 0.1 ms), not by Pekko's tick-based scheduler.
 *   <li>Arrivals are computed from the elapsed time, not counted per tick, so a late tick catches
 *       up instead of lowering the arrival rate.
 * </ul>
 *
 * <p>{@link io.murmuration.engine.Run} is the handle callers hold; its verbs add, remove, throttle
 * and stop are messages to the controller, ready to be sent across a cluster (set changes the run's
 * parameter values, which users read at their next step). Only immutable plans ({@link
 * io.murmuration.engine.RunPlan}, {@link io.murmuration.engine.LoadProfile}) describe a run; user
 * ids are integers so that a cluster can split them into ranges.
 */
package io.murmuration.engine;
