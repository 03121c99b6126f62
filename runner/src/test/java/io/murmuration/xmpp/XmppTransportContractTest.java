package io.murmuration.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.accounts.Accounts;
import io.murmuration.scenario.Incoming;
import io.murmuration.scenario.IqReply;
import io.murmuration.scenario.Stanza;
import io.murmuration.scenario.TtdStamp;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.sut.LocalProsody;
import io.murmuration.testing.Await;
import io.murmuration.testing.LocalServersExtension;
import io.murmuration.testing.RecordingListener;
import io.murmuration.xmpp.XmppClient.ConnectTimes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every {@link XmppTransport} must do, against real servers, on every wire it speaks: each
 * client and wire has a subclass naming them, and the same assertions run for all of them. On
 * WebSocket and BOSH, the tests of STARTTLS take TLS from the URL instead ({@code wss}, {@code
 * https}), and those on Prosody use its plain {@code ws} and {@code http} endpoints.
 */
@ExtendWith(LocalServersExtension.class)
abstract class XmppTransportContractTest {
  static final Accounts ACCOUNTS = Accounts.existing("contract_{id}", "secret_{id}");
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** The client under test, as {@code --client} takes it. */
  abstract String client();

  /** The wire under test. */
  XmppSettings.Wire wire() {
    return XmppSettings.Wire.TCP;
  }

  /** Whether WebSocket and BOSH go over TLS ({@code wss}, {@code https}) in every test. */
  boolean urlsWithTls() {
    return false;
  }

  /** The test server's settings, for this test's client and wire. */
  XmppSettings using(LocalEjabberd ejabberd) {
    return on(ejabberd, ejabberd.xmppSettings(), urlsWithTls());
  }

  /** Prosody's settings, for this test's client and wire (WebSocket and BOSH without TLS). */
  XmppSettings using(LocalProsody prosody) {
    return onWire(withClient(prosody.xmppSettings()), prosody.webSocketUrl(), prosody.boshUrl());
  }

  /** {@code base} with this test's client and wire, reaching {@code ejabberd}'s endpoints. */
  XmppSettings on(LocalEjabberd ejabberd, XmppSettings base, boolean tlsUrls) {
    return onWire(withClient(base), ejabberd.webSocketUrl(tlsUrls), ejabberd.boshUrl(tlsUrls));
  }

  private XmppSettings onWire(XmppSettings base, URI ws, URI bosh) {
    return switch (wire()) {
      case TCP -> base;
      case WS -> base.withTransport(XmppSettings.Transport.WS, ws, null);
      case BOSH -> base.withTransport(XmppSettings.Transport.BOSH, null, bosh);
    };
  }

  private XmppSettings withClient(XmppSettings settings) {
    return settings.withClient(client());
  }

  /** The port this test's users connect to on {@code ejabberd}: c2s, or the HTTP listener's. */
  private int portOf(LocalEjabberd ejabberd) {
    return switch (wire()) {
      case TCP -> ejabberd.c2s().getPort();
      case WS -> ejabberd.webSocketUrl(urlsWithTls()).getPort();
      case BOSH -> ejabberd.boshUrl(urlsWithTls()).getPort();
    };
  }

  @Test
  void logsInWithPlainAndWithScramSha1(LocalEjabberd ejabberd) {
    int id = registered(ejabberd, 1);
    for (String sasl : List.of("PLAIN", "SCRAM-SHA-1")) {
      try (XmppTransport transport =
          XmppTransport.create(settings(ejabberd, XmppSettings.Tls.DISABLED, false, sasl))) {
        XmppClient client = transport.open(ACCOUNTS.forUser(id), new RecordingListener());
        ConnectTimes times = Await.done(client.connect());
        assertTrue(times.tcpNanos() > 0 && times.loginNanos() > 0, times.toString());
        Await.done(client.disconnect());
      }
    }
  }

  @Test
  void logsInOverRequiredStartTlsWhenNotVerifyingTheSelfSignedCertificate(LocalEjabberd ejabberd) {
    int id = registered(ejabberd, 1);
    try (XmppTransport transport =
        XmppTransport.create(settings(ejabberd, XmppSettings.Tls.REQUIRED, false, "PLAIN"))) {
      XmppClient client = transport.open(ACCOUNTS.forUser(id), new RecordingListener());
      Await.done(client.connect());
      assertSessionUsesTls(ejabberd, id);
      Await.done(client.disconnect());
    }
  }

  @Test
  void refusesTheSelfSignedCertificateWhenVerifyingWithKindTls(LocalEjabberd ejabberd) {
    int id = registered(ejabberd, 1);
    try (XmppTransport transport =
        XmppTransport.create(settings(ejabberd, XmppSettings.Tls.REQUIRED, true, "PLAIN"))) {
      XmppException failure =
          Await.failure(transport.open(ACCOUNTS.forUser(id), new RecordingListener()).connect());
      assertEquals("tls", failure.kind(), failure.getMessage());
    }
  }

  @Test
  void reportsASendAfterDisconnectingAsKindSend(LocalEjabberd ejabberd) {
    int id = registered(ejabberd, 1);
    RecordingListener listener = new RecordingListener();
    try (XmppTransport transport = XmppTransport.create(using(ejabberd))) {
      XmppClient client = transport.open(ACCOUNTS.forUser(id), listener);
      Await.done(client.connect());
      Await.done(client.disconnect());
      client.sendChat("user_1@" + ejabberd.domain(), "hello", new TtdStamp("run", 1));
      assertEquals("send", listener.nextSendFailure(Duration.ofSeconds(5)).kind());
    }
  }

  @Test
  void reportsAWrongPasswordAsKindAuthNamingTheUser(LocalEjabberd ejabberd) {
    int id = registered(ejabberd, 1);
    Account wrong = new Account(id, ACCOUNTS.forUser(id).username(), "not-the-password");
    try (XmppTransport transport = XmppTransport.create(using(ejabberd))) {
      XmppException failure =
          Await.failure(transport.open(wrong, new RecordingListener()).connect());
      assertEquals("auth", failure.kind());
      assertTrue(
          failure
              .getMessage()
              .contains("authentication failed for " + wrong.username() + "@localhost"),
          failure.getMessage());
    }
  }

  @Test
  void reportsAPortWithoutServerAsKindConnectQuickly() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    XmppSettings settings =
        onWire(
            withClient(
                new XmppSettings(
                    List.of(new InetSocketAddress("127.0.0.1", port)),
                    List.of(),
                    "localhost",
                    XmppSettings.Tls.DISABLED,
                    false,
                    "PLAIN",
                    Duration.ofSeconds(5),
                    "lean")),
            URI.create("ws://127.0.0.1:" + port + "/ws"),
            URI.create("http://127.0.0.1:" + port + "/bosh"));
    try (XmppTransport transport = XmppTransport.create(settings)) {
      long start = System.nanoTime();
      XmppException failure =
          Await.failure(transport.open(ACCOUNTS.forUser(1), new RecordingListener()).connect());
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertEquals("connect", failure.kind());
      assertTrue(failure.getMessage().contains("127.0.0.1:" + port), failure.getMessage());
      assertTrue(millis < 2000, "took " + millis + " ms");
    }
  }

  @Test
  void deliversAStampedChatWithRunIdIntendedTimeAndALaterReceiveTime(LocalEjabberd ejabberd) {
    int id = registered(ejabberd, 2);
    RecordingListener aliceHears = new RecordingListener();
    RecordingListener bobHears = new RecordingListener();
    try (XmppTransport transport = XmppTransport.create(using(ejabberd))) {
      XmppClient alice = transport.open(ACCOUNTS.forUser(id), aliceHears);
      XmppClient bob = transport.open(ACCOUNTS.forUser(id + 1), bobHears);
      Await.done(alice.connect());
      Await.done(bob.connect());
      bob.sendPresence();
      bobHears.nextStanza(
          s -> s.kind().equals("presence"), WAIT); // our own presence, back: available

      TtdStamp stamp = new TtdStamp("run-42", System.nanoTime());
      long sentAfter = System.nanoTime();
      alice.sendChat(jid(ejabberd, id + 1), "hello bob", stamp);
      Incoming incoming = bobHears.nextMessage(WAIT);

      assertEquals("hello bob", incoming.body());
      assertEquals(stamp, incoming.stamp());
      assertFalse(incoming.delayed());
      assertTrue(incoming.from().startsWith(jid(ejabberd, id) + "/"), incoming.from());
      assertTrue(incoming.receivedAtNanos() > sentAfter);
      Await.done(alice.disconnect());
      Await.done(bob.disconnect());
      assertEquals(
          0, aliceHears.lossCount() + bobHears.lossCount(), "a disconnect we asked for is no loss");
    }
  }

  @Test
  void sendsAChatGivenRightAfterConnectOnceLoggedIn(LocalEjabberd ejabberd) {
    int id = registered(ejabberd, 2);
    RecordingListener bobHears = new RecordingListener();
    try (XmppTransport transport = XmppTransport.create(using(ejabberd))) {
      XmppClient bob = transport.open(ACCOUNTS.forUser(id + 1), bobHears);
      Await.done(bob.connect());
      bob.sendPresence();
      bobHears.nextStanza(s -> s.kind().equals("presence"), WAIT);

      XmppClient alice = transport.open(ACCOUNTS.forUser(id), new RecordingListener());
      var login = alice.connect(); // not awaited: the chat must wait for the session
      alice.sendChat(jid(ejabberd, id + 1), "right away", new TtdStamp("run-early", 1));
      assertEquals("right away", bobHears.nextMessage(WAIT).body());
      Await.done(login);
      Await.done(alice.disconnect());
      Await.done(bob.disconnect());
    }
  }

  @Test
  void deliversAMessageForAnOfflineUserAsDelayedAtItsNextLogin(LocalEjabberd ejabberd) {
    int id = registered(ejabberd, 2);
    TtdStamp stamp = new TtdStamp("run-offline", System.nanoTime());
    try (XmppTransport transport = XmppTransport.create(using(ejabberd))) {
      XmppClient alice = transport.open(ACCOUNTS.forUser(id), new RecordingListener());
      Await.done(alice.connect());
      alice.sendChat(jid(ejabberd, id + 1), "while you were away", stamp);
      // a ping answered after the chat: the server has routed (stored) it. Over TCP and WebSocket
      // the stream's order alone promises that before the close, but ejabberd 23 may route the
      // last stanzas of a BOSH session after ending it, so bob would get this one live
      Await.done(
          alice.iq("<iq type='get' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>", WAIT));
      Await.done(alice.disconnect());

      RecordingListener bobHears = new RecordingListener();
      XmppClient bob = transport.open(ACCOUNTS.forUser(id + 1), bobHears);
      Await.done(bob.connect());
      bob.sendPresence(); // offline messages come with the initial presence
      Incoming incoming = bobHears.nextMessage(WAIT);
      assertEquals("while you were away", incoming.body());
      assertTrue(incoming.delayed());
      assertEquals(stamp, incoming.stamp());
      Await.done(bob.disconnect());
    }
  }

  @Test
  void registersInBandTwiceThenLogsIn(LocalEjabberd ejabberd) {
    int id = LocalServersExtension.freshUserIds(1);
    try (XmppTransport transport = XmppTransport.create(using(ejabberd))) {
      XmppClient client = transport.open(ACCOUNTS.forUser(id), new RecordingListener());
      assertTrue(Await.done(client.register()).created());
      assertFalse(Await.done(client.register()).created()); // exists already: fine, not created
      Await.done(client.connect());
      Await.done(client.disconnect());
    }
  }

  @Test
  void bindsEachUserToItsSourceAddress(LocalEjabberd ejabberd) throws Exception {
    int id = registered(ejabberd, 2);
    List<InetAddress> sources =
        List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.2"));
    XmppSettings base = ejabberd.xmppSettings();
    XmppSettings settings =
        on(
            ejabberd,
            new XmppSettings(
                base.endpoints(),
                sources,
                base.domain(),
                base.tls(),
                base.verifyTls(),
                base.sasl(),
                base.connectTimeout(),
                "lean"),
            urlsWithTls());
    try (XmppTransport transport = XmppTransport.create(settings)) {
      for (int user = id; user < id + 2; user++) {
        XmppClient client = transport.open(ACCOUNTS.forUser(user), new RecordingListener());
        Await.done(client.connect());
        String sessions =
            ejabberd
                .api()
                .call(
                    "user_sessions_info",
                    Map.of("user", ACCOUNTS.forUser(user).username(), "host", ejabberd.domain()));
        String expected = settings.sourceFor(user).getHostAddress();
        assertTrue(
            sessions.contains("\"" + expected + "\"") || sessions.contains(":" + expected + "\""),
            "user " + user + " should come from " + expected + ": " + sessions);
        Await.done(client.disconnect());
      }
    }
  }

  @Test
  void reportsAKilledServerAsKindConnectionLost() {
    try (LocalEjabberd own = LocalEjabberd.start(LocalEjabberd.Options.defaults());
        XmppTransport transport = XmppTransport.create(using(own))) {
      own.registerUsers(ACCOUNTS, 1, 1);
      RecordingListener hears = new RecordingListener();
      XmppClient client = transport.open(ACCOUNTS.forUser(1), hears);
      Await.done(client.connect());
      own.kill();
      XmppException lost = hears.nextLoss(WAIT);
      assertEquals("connection-lost", lost.kind(), lost.getMessage());
      assertTrue(lost.getMessage().contains(portOf(own) + ""), lost.getMessage());
    }
  }

  @Test
  void reportsAKickedSessionAsKindStreamError(LocalEjabberd ejabberd) {
    int id = registered(ejabberd, 1);
    RecordingListener hears = new RecordingListener();
    try (XmppTransport transport = XmppTransport.create(using(ejabberd))) {
      XmppClient client = transport.open(ACCOUNTS.forUser(id), hears);
      Await.done(client.connect());
      ejabberd
          .api()
          .call(
              "kick_session",
              Map.of(
                  "user",
                  ACCOUNTS.forUser(id).username(),
                  "host",
                  ejabberd.domain(),
                  "resource",
                  "murm",
                  "reason",
                  "contract test"));
      XmppException lost = hears.nextLoss(WAIT);
      assertEquals("stream-error", lost.kind(), lost.getMessage());
      assertTrue(lost.getMessage().contains(portOf(ejabberd) + ""), lost.getMessage());
    }
  }

  @Test
  void usesStartTlsWhenPossibleAndTheServerOffersIt(LocalEjabberd ejabberd) {
    int id = registered(ejabberd, 1);
    try (XmppTransport transport =
        XmppTransport.create(settings(ejabberd, XmppSettings.Tls.IF_POSSIBLE, false, "PLAIN"))) {
      XmppClient client = transport.open(ACCOUNTS.forUser(id), new RecordingListener());
      Await.done(client.connect());
      assertSessionUsesTls(ejabberd, id);
      Await.done(client.disconnect());
    }
  }

  @Test
  void answersIqsToTheServerAndTimesOutOnAPeerThatNeverAnswers(LocalEjabberd ejabberd) {
    int id = registered(ejabberd, 2);
    RecordingListener bobHears = new RecordingListener();
    try (XmppTransport transport = XmppTransport.create(using(ejabberd))) {
      XmppClient alice = transport.open(ACCOUNTS.forUser(id), new RecordingListener());
      XmppClient bob = transport.open(ACCOUNTS.forUser(id + 1), bobHears);
      Await.done(alice.connect());
      Await.done(bob.connect());

      Stanza pong =
          Await.done(
              alice.iq(
                  "<iq type='get' to='localhost' id='ping-1'><ping xmlns='urn:xmpp:ping'/></iq>",
                  WAIT));
      assertEquals("iq", pong.kind());
      assertEquals("result", pong.type());
      assertEquals("ping-1", pong.id());

      Stanza info =
          Await.done(
              alice.iq(
                  "<iq type='get' to='localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
                  WAIT));
      assertTrue(info.xml().contains("urn:xmpp:ping"), info.xml());

      Stanza error =
          Await.done(
              alice.iq(
                  "<iq type='get' to='localhost'><query xmlns='urn:murmuration:test:unknown'/></iq>",
                  WAIT));
      assertEquals("error", error.type(), error.xml());
      assertEquals(
          "service-unavailable",
          new IqReply(error, 0).error(),
          "the condition, read from the view");

      // bob's client passes the request on and, like a busy peer, never answers it
      String bobFull = jid(ejabberd, id + 1) + "/murm";
      long start = System.nanoTime();
      XmppException timeout =
          Await.failure(
              alice.iq(
                  "<iq type='get' to='"
                      + bobFull
                      + "' id='silent-1'><query xmlns='urn:murmuration:test:silent'/></iq>",
                  Duration.ofMillis(500)));
      assertEquals("iq-timeout", timeout.kind(), timeout.getMessage());
      assertTrue(System.nanoTime() - start >= 500_000_000L);
      Stanza request = bobHears.nextStanza(s -> s.kind().equals("iq"), WAIT);
      assertEquals("get", request.type());
      assertEquals("silent-1", request.id());
      Await.done(alice.disconnect());
      Await.done(bob.disconnect());
    }
  }

  @Test
  void passesMessagesWithoutBodyAndPresencesToOnStanza(LocalEjabberd ejabberd) {
    int id = registered(ejabberd, 2);
    RecordingListener bobHears = new RecordingListener();
    try (XmppTransport transport = XmppTransport.create(using(ejabberd))) {
      XmppClient alice = transport.open(ACCOUNTS.forUser(id), new RecordingListener());
      XmppClient bob = transport.open(ACCOUNTS.forUser(id + 1), bobHears);
      Await.done(alice.connect());
      Await.done(bob.connect());
      alice.sendStanza(
          "<message to='"
              + jid(ejabberd, id + 1)
              + "/murm' id='m1'>"
              + "<active xmlns='http://jabber.org/protocol/chatstates'/></message>");
      Stanza stanza = bobHears.nextStanza(s -> s.kind().equals("message"), WAIT);
      assertEquals("m1", stanza.id());
      assertNull(stanza.type());
      assertNotNull(stanza.from());
      assertTrue(stanza.xml().contains("chatstates"), stanza.xml());
    }
  }

  @Test
  void logsInUsersRegisteredInBulkOverTheHttpApi(LocalEjabberd ejabberd) {
    int first = LocalServersExtension.freshUserIds(50);
    ejabberd.registerUsers(ACCOUNTS, first, 50);
    try (XmppTransport transport = XmppTransport.create(using(ejabberd))) {
      List<XmppClient> clients = new ArrayList<>();
      List<CompletableFuture<?>> logins = new ArrayList<>();
      for (int id = first; id < first + 50; id++) {
        XmppClient client = transport.open(ACCOUNTS.forUser(id), new RecordingListener());
        clients.add(client);
        logins.add(client.connect().toCompletableFuture());
      }
      Await.done(CompletableFuture.allOf(logins.toArray(CompletableFuture[]::new)));
      List<CompletableFuture<?>> logouts = new ArrayList<>();
      clients.forEach(client -> logouts.add(client.disconnect().toCompletableFuture()));
      Await.done(CompletableFuture.allOf(logouts.toArray(CompletableFuture[]::new)));
    }
  }

  @Test
  void registersInBandOnProsodyAndExchangesAStampedMessage(LocalProsody prosody) {
    int id = LocalServersExtension.freshUserIds(2);
    RecordingListener bobHears = new RecordingListener();
    try (XmppTransport transport = XmppTransport.create(using(prosody))) {
      XmppClient alice = transport.open(ACCOUNTS.forUser(id), new RecordingListener());
      XmppClient bob = transport.open(ACCOUNTS.forUser(id + 1), bobHears);
      Await.done(alice.register());
      Await.done(bob.register());
      Await.done(alice.connect());
      Await.done(bob.connect());
      bob.sendPresence();
      bobHears.nextStanza(s -> s.kind().equals("presence"), WAIT);

      TtdStamp stamp = new TtdStamp("run-prosody", System.nanoTime());
      alice.sendChat(ACCOUNTS.forUser(id + 1).username() + "@" + prosody.domain(), "hi", stamp);
      Incoming incoming = bobHears.nextMessage(WAIT);
      assertEquals("hi", incoming.body());
      assertEquals(stamp, incoming.stamp());
      Await.done(alice.disconnect());
      Await.done(bob.disconnect());
    }
  }

  @Test
  void logsInOnProsodyOverStartTlsWithScramSha1(LocalProsody prosody) {
    int id = LocalServersExtension.freshUserIds(1);
    XmppSettings base = prosody.xmppSettings();
    XmppSettings tls =
        onWire(
            withClient(
                new XmppSettings(
                    base.endpoints(),
                    base.sourceAddresses(),
                    base.domain(),
                    XmppSettings.Tls.REQUIRED,
                    false,
                    "SCRAM-SHA-1",
                    base.connectTimeout(),
                    "lean")),
            prosody.webSocketUrl(),
            prosody.boshUrl());
    try (XmppTransport transport = XmppTransport.create(tls)) {
      XmppClient client = transport.open(ACCOUNTS.forUser(id), new RecordingListener());
      Await.done(client.register());
      Await.done(client.connect());
      Await.done(client.disconnect());
    }
  }

  /**
   * The server's own account of the user's session says it runs over TLS. It says so for c2s only;
   * a WebSocket or BOSH session ({@code "connection":"websocket"} or {@code "http_bind"}) came in
   * through the HTTPS listener, which speaks nothing but TLS.
   */
  private void assertSessionUsesTls(LocalEjabberd ejabberd, int id) {
    String sessions =
        ejabberd
            .api()
            .call(
                "user_sessions_info",
                Map.of("user", ACCOUNTS.forUser(id).username(), "host", ejabberd.domain()));
    switch (wire()) {
      case TCP -> assertTrue(sessions.contains("tls"), sessions);
      case WS -> assertTrue(sessions.contains("\"connection\":\"websocket\""), sessions);
      case BOSH -> assertTrue(sessions.contains("\"connection\":\"http_bind\""), sessions);
    }
  }

  static int registered(LocalEjabberd ejabberd, int count) {
    int first = LocalServersExtension.freshUserIds(count);
    ejabberd.registerUsers(ACCOUNTS, first, count);
    return first;
  }

  static String jid(LocalEjabberd ejabberd, int id) {
    return ACCOUNTS.forUser(id).username() + "@" + ejabberd.domain();
  }

  /**
   * Settings with STARTTLS policy {@code tls} on TCP; on WebSocket and BOSH, any policy but {@code
   * DISABLED} takes the TLS URL instead.
   */
  private XmppSettings settings(
      LocalEjabberd ejabberd, XmppSettings.Tls tls, boolean verify, String sasl) {
    return on(
        ejabberd,
        new XmppSettings(
            List.of(ejabberd.c2s()),
            List.of(),
            ejabberd.domain(),
            tls,
            verify,
            sasl,
            Duration.ofSeconds(10),
            "lean"),
        urlsWithTls() || tls != XmppSettings.Tls.DISABLED);
  }
}
