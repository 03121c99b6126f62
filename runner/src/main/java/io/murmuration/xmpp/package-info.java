/**
 * The runner's own XMPP client interface and its implementations.
 *
 * <p>Scenarios and the engine see only {@link io.murmuration.xmpp.XmppClient} (asynchronous: every
 * call returns at once, results complete stages, arrivals reach a {@link
 * io.murmuration.xmpp.XmppClient.Listener}) and {@link io.murmuration.xmpp.XmppTransport}, which
 * makes clients for one run. So the implementation can change without touching scenarios: {@code
 * lean} (the default, {@link io.murmuration.xmpp.lean}: Netty event loops, one per core, for all
 * connections) or {@code smack} (Smack 4.4's {@code XMPPTCPConnection}: two OS threads per
 * connection, its blocking calls on virtual threads). Both pass the same contract tests.
 *
 * <p>Every transport must: take {@link io.murmuration.scenario.Incoming#receivedAtNanos()} as early
 * as it can after the bytes arrive; write and read the {@link io.murmuration.scenario.TtdStamp}
 * element; mark messages carrying XEP-0203 {@code <delay/>} as delayed; and report failures as
 * {@link io.murmuration.xmpp.XmppException}s whose kinds are the error kinds counted in the metrics
 * ({@code connect}, {@code tls}, {@code auth}, {@code register}, {@code stream-error}, {@code
 * connection-lost}, {@code iq-timeout}, {@code iq-error}, {@code send}).
 */
package io.murmuration.xmpp;
