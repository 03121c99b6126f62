/**
 * The push app server (XEP-0357): what stands in for MongoosePush when a scenario measures push
 * notifications ({@link io.murmuration.scenario.RunSetup#pushAppServer}).
 *
 * <h2>Shape</h2>
 *
 * <pre>
 * writer ──message──▶ server ──(user away)──▶ mod_push ──IQ set: pubsub publish──▶ PushAppServer
 *                                                     ◀────────IQ result────────── (at once)
 *                                                                                    └─▶ scenario's onPush
 * </pre>
 *
 * {@link io.murmuration.push.PushAppServer} is one external component connection (XEP-0114, {@link
 * io.murmuration.xmpp.lean.ComponentConnection}: the lean transport's Netty and stream parser, one
 * event-loop thread) per run, owned by the engine's {@code ScenarioSetup}: opened in the scenario's
 * {@code init}, before any user starts, closed after the run. Each publish is answered with an IQ
 * result before anything else happens to it (replies read together go out in one write), then
 * handed to the scenario as a {@link io.murmuration.scenario.PushNotification} with the time of the
 * read that completed it, on the runner's monotonic clock: the writers' intended send times are on
 * the same clock, so the scenario correlates in-process. Measured on one thread: over 100,000
 * notifications a second.
 *
 * <h2>What ejabberd 23.01 sends, and when ({@code mod_push.erl})</h2>
 *
 * <ul>
 *   <li>A user enables push for its session with {@code <enable xmlns='urn:xmpp:push:0' jid
 *       node/>}; the registration is stored (user, app server, node) and outlives the session.
 *   <li>Stream closed (offline): each message for the user is pushed once, from the archive's
 *       {@code store_mam_message} hook when {@code mod_mam} archives it, else from {@code
 *       offline_message_hook} once {@code mod_offline} stored it (nothing when storage refuses it).
 *   <li>Session detached, waiting for a resumption (XEP-0198): every stanza routed to it is pushed
 *       as it is queued ({@code c2s_handle_send}); one more when it detaches with stanzas
 *       unacknowledged; {@code mod_push_keepalive} one more shortly before its resume timeout.
 *   <li>The publish goes to the app server's JID, node as enabled, with a {@code
 *       urn:xmpp:push:summary} form holding {@code last-message-body} ({@code include_body}: the
 *       text, or a fixed text, by default {@code New message}) and {@code last-message-sender}
 *       ({@code include_sender}) for a message with a body; no form otherwise. No {@code
 *       message-count}.
 *   <li>An IQ error reply (of any type but {@code wait}) deletes the registration; no reply is
 *       ignored. With no component connected for the domain, the publish fails the same way.
 * </ul>
 *
 * <h2>Failures</h2>
 *
 * A connection or handshake that fails is an {@code IllegalStateException} whose one line names the
 * fix (the engine turns it into a setup error); bad addresses, domains and secret files are refused
 * before connecting. A connection lost during the run, or a scenario callback that throws, is
 * reported once to the engine, which stops and fails the run.
 */
package io.murmuration.push;
