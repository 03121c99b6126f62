/**
 * The control API of a long-lived coordinator ({@code murm coordinator}): amoc REST's verbs —
 * status, nodes, scenarios, start, add and remove users, update settings, stop — as JSON over HTTP
 * (the JDK's {@code HttpServer}), every request authenticated by a bearer token compared in
 * constant time, on loopback by default.
 *
 * <p>{@link io.murmuration.control.Control} is the facade: its run verbs are those of {@link
 * io.murmuration.engine.RunControl}, which the console's commands use too, so a verb means the same
 * wherever it is typed and always answers whether it was accepted, or why not. {@link
 * io.murmuration.control.ControlApi} only maps routes to it; its routes ({@link
 * io.murmuration.control.ControlApi#ROUTES}) and the shapes it writes are checked by a test against
 * {@code openapi.yaml}, which it also serves.
 */
package io.murmuration.control;
