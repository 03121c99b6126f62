/**
 * The scenario API: what scenario authors write against.
 *
 * <p>A {@link io.murmuration.scenario.Scenario} declares {@link io.murmuration.scenario.Param}s,
 * has an {@code init} run once per run ({@link io.murmuration.scenario.RunSetup}) and a {@code
 * start} run once per {@link io.murmuration.scenario.User}. Parameter values for a run live in
 * {@link io.murmuration.scenario.ParamValues}: resolved and validated before any user starts, and
 * changed during the run only when declared changeable. {@link
 * io.murmuration.scenario.ScenarioCatalog} finds scenarios with {@link java.util.ServiceLoader}.
 *
 * <p>Scenario code never sees actors or XMPP connections: the same scenario runs on any {@link
 * io.murmuration.xmpp.XmppTransport}, and later on several nodes.
 */
package io.murmuration.scenario;
