/**
 * The lean XMPP client ({@code --client lean}): all connections of a run on a few Netty event-loop
 * threads, with no Smack connection per user, over TCP, WebSocket or BOSH ({@code --transport}).
 *
 * <h2>Why</h2>
 *
 * Smack's {@code XMPPTCPConnection} costs two OS threads and a few hundred KiB per user; at 10,000
 * users the runner itself saturates and its delays show up as seconds of time-to-delivery. Tsung
 * serves the same load with 27 threads and ~38 KiB per user. This transport does what scenarios
 * need and nothing else, so that a user costs a socket, a parser and a few small objects.
 *
 * <h2>Shape</h2>
 *
 * <pre>
 * LeanTransport ── NioEventLoopGroup(cores), Bootstrap (TCP_NODELAY), SslContext; live sessions;
 *   │               picks each user's Connection by XmppSettings.wireFor(id)
 *   └─ LeanClient × N ── thread-safe front: checks arguments, builds stanza strings, posts to the loop
 *        └─ Session ── state machine on one event loop: IDLE → CONNECTING → NEGOTIATING → READY → CLOSING
 *             ├─ Attempt      ── one connect() or register(): its stage, timings, stanzas held meanwhile
 *             ├─ Connection   ── the stream on one wire: open, restart, write one element, close
 *             │    ├─ TcpConnection       ── RFC 6120: stream header, STARTTLS, one write per element
 *             │    ├─ WebSocketConnection ── RFC 7395: HTTP upgrade (subprotocol xmpp), &lt;open/&gt;,
 *             │    │                         one text frame per element, &lt;close/&gt;; wss for TLS
 *             │    ├─ BoshConnection      ── XEP-0124/0206: ≤ requests keep-alive HTTP connections,
 *             │    │                         rid/sid, long poll, batching, restart, terminate; https
 *             │    ├─ ReadClock           ── first handler of WebSocket/HTTP pipelines: time per read
 *             │    └─ StreamParser ── element by element, no buffer when idle → one XmlElement each
 *             ├─ Negotiation  ── STARTTLS (TCP), SASL PLAIN / SCRAM-SHA-1 (Scram), bind, session, XEP-0077,
 *             │                  or XEP-0198 resume instead of bind
 *             ├─ Inbox        ── ready session: messages, IQ responses and time-outs, ping and disco#info
 *             └─ StreamManagement ── XEP-0198: h, unacked stanzas, resumption id; outlives a connection
 * Xml ── builds and escapes what is sent; StreamErrors ── error conditions and messages
 * ComponentConnection ── an external component's stream (XEP-0114) on its own event loop, with the same
 *                         StreamParser: the push app server's wire (io.murmuration.push)
 * </pre>
 *
 * <h2>Threads</h2>
 *
 * Each client is pinned to one event loop when it is opened; everything it knows lives there. The
 * public methods post a task to that loop and return (stanzas are built into strings first, on the
 * caller's thread), so nothing ever blocks a caller or an event loop, and calls take effect in call
 * order. Listener callbacks and the completion of the returned stages run on the event loop: they
 * must not block. Timers (IQ and negotiation time-outs, the closing grace period, BOSH's response
 * time-out) are the event loop's own scheduled tasks, so there is no other thread. A BOSH user's
 * two HTTP connections live on its session's event loop too.
 *
 * <h2>Wires</h2>
 *
 * The {@link io.murmuration.xmpp.lean.Session} and {@link io.murmuration.xmpp.lean.Negotiation} are
 * the same on every wire; a {@link io.murmuration.xmpp.lean.Connection} frames the stream.
 * WebSocket: each frame is one element, fed to one parser that was first given a stream header of
 * its own, so {@code <open/>} and {@code <close/>} arrive as elements and the SASL restart is just
 * a new {@code <open/>}. BOSH: each HTTP response body is parsed as one document; one request is
 * always held by the server, stanzas go out in requests of their own while fewer than {@code
 * requests} are open and are batched into one body otherwise; a disconnect sends {@code
 * type='terminate'} once every request with stanzas has been answered. Stanzas sent on WebSocket
 * and BOSH get {@code xmlns='jabber:client'} on their root (Prosody needs it on WebSocket, XEP-0206
 * asks it in BOSH bodies). TLS is STARTTLS on TCP ({@code --tls}) and the URL's scheme on the
 * others ({@code wss}, {@code https}); {@code verifyTls} means the same on all: trusted and naming
 * the host (the XMPP domain on TCP, the URL's host otherwise), or anything goes. Errors have the
 * same kinds and words on every wire; {@code where} is the c2s endpoint or the URL's host and port.
 *
 * <h2>Bytes in</h2>
 *
 * Each read takes {@link java.lang.System#nanoTime()} once, before the chunk is parsed (on
 * WebSocket and BOSH in {@link io.murmuration.xmpp.lean.ReadClock}, before TLS and the HTTP
 * codecs); every stanza completed by that chunk carries this time as its receive time (so a stanza
 * split over two reads gets the time of the read that completed it). The stream parser (our own: an
 * XMPP stream needs a small part of XML) scans each chunk for the end of the next top-level element
 * and keeps only the bytes of an unfinished one, so a chunk may end anywhere, also inside a
 * multi-byte UTF-8 character, and an idle connection holds no buffer. Each top-level element
 * becomes a small {@link io.murmuration.xmpp.lean.XmlElement} tree; its XML, for {@link
 * io.murmuration.scenario.Stanza#xml()}, is written back from that tree only when a stanza is
 * handed to scenario code (not for chat messages). After STARTTLS and SASL success the parser
 * starts a new document, as the stream restarts.
 *
 * <h2>Bytes out</h2>
 *
 * Each stanza is one string, encoded to UTF-8 into one pooled buffer and written with one {@code
 * writeAndFlush}: one {@code write(2)} per stanza, never one per token; with TCP_NODELAY nothing
 * waits for Nagle's algorithm.
 *
 * <h2>Behaviour, as the Smack transport</h2>
 *
 * Resource {@code murm}; no roster, no initial presence, no stream management unless asked for (see
 * below); STARTTLS as {@link io.murmuration.xmpp.XmppSettings.Tls} says (with {@code
 * verifyTls=false} every certificate is accepted, with {@code true} it must be trusted and name the
 * domain); the server's pings and disco#info requests are answered and, like every IQ request, also
 * passed to {@code onStanza}; other IQ requests are not answered. Errors have the kinds and wording
 * of {@code SmackErrors}. One difference: {@link
 * io.murmuration.xmpp.XmppClient.ConnectTimes#tcpNanos()} is the TCP connect alone (on WebSocket:
 * TCP, TLS for wss and the HTTP upgrade; on BOSH: the first HTTP connection, with TLS for https)
 * and {@code loginNanos} all the rest (stream, TLS, SASL, bind), see {@link
 * io.murmuration.xmpp.lean.LeanClient#connect()}.
 *
 * <h2>Stream management (XEP-0198)</h2>
 *
 * Only on request ({@link io.murmuration.xmpp.XmppClient#enableResumption()}), always with
 * resumption: {@code <enable resume='true'/>} after binding, done on {@code <enabled/>}. From then
 * on a {@link io.murmuration.xmpp.lean.StreamManagement} counts inbound stanzas, answers {@code
 * <r/>} with {@code <a h/>}, keeps each stanza written until an {@code <a h/>} covers it, and asks
 * for acks itself ({@code <r/>} after every ten stanzas, or a second after the first unrequested
 * one). {@link io.murmuration.xmpp.XmppClient#cut()} closes the socket without {@code
 * </stream:stream>}, reporting no loss and leaving pending IQs pending; {@link
 * io.murmuration.xmpp.XmppClient#resume()} is a new connection whose negotiation sends {@code
 * <resume previd h/>} where a login would bind, then writes again what {@code <resumed h/>} says
 * the server missed, then what was sent during the attempt. A polite {@code disconnect()} sends a
 * last {@code <a h/>} before {@code </stream:stream>}, so that the server re-routes none of what
 * the user received. The Smack client refuses all three with kind {@code unsupported}.
 *
 * <h2>Back-pressure</h2>
 *
 * When what a user wrote and the server has not read goes above the high-water mark (Netty's
 * channel writability on TCP and WebSocket; {@code BoshConnection}'s queue), the session tells its
 * listener ({@code onWritable(false)}); the user actor then holds all its callbacks until the
 * buffer is below the low-water mark again, and counts each hold ({@code runner.send_holds}). A
 * connection that closes while full releases its user.
 *
 * <h2>Not done (yet)</h2>
 *
 * No compression, no stream management without resumption, no resumption of a stream lost other
 * than by {@code cut()} (the user ends), SASL mechanisms other than PLAIN and SCRAM-SHA-1, SASLprep
 * of non-ASCII passwords, DNS SRV lookup or channel binding. With STARTTLS on TCP, the receive time
 * is taken after the record is decrypted (on WebSocket and BOSH before). WebSocket: no compression
 * extension, no pings of our own (the server's are answered by Netty), fragmented frames are joined
 * up to 1 MiB. BOSH: no XEP-0124 pause, polling-only sessions, key sequencing, or retransmission of
 * a lost request (a lost HTTP connection while it carries a request ends the session as {@code
 * connection-lost}); {@code hold} is always 1, {@code wait} 60 s; the HTTP connections are plain
 * HTTP/1.1 keep-alive, no pipelining. ejabberd 23 does not answer a {@code terminate} before
 * authentication (after an in-band registration): the closing grace period of 2 s ends such a
 * session; and it may route a BOSH session's last stanzas after the session has ended.
 */
package io.murmuration.xmpp.lean;
