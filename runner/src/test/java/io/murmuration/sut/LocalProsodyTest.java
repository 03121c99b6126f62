package io.murmuration.sut;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.accounts.Accounts;
import io.murmuration.testing.Await;
import io.murmuration.testing.LocalServersExtension;
import io.murmuration.testing.RecordingListener;
import io.murmuration.xmpp.Incoming;
import io.murmuration.xmpp.TtdStamp;
import io.murmuration.xmpp.XmppClient;
import io.murmuration.xmpp.XmppSettings;
import io.murmuration.xmpp.XmppTransport;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalServersExtension.class)
class LocalProsodyTest {
  private static final Accounts ACCOUNTS = Accounts.existing("prosody_{id}", "secret_{id}");

  @Test
  void acceptsInBandRegisteredUsersWhoExchangeAStampedMessage(LocalProsody prosody) {
    assertTrue(ProcessHandle.of(prosody.osPid()).map(ProcessHandle::isAlive).orElse(false));
    int id = LocalServersExtension.freshUserIds(2);
    RecordingListener bobHears = new RecordingListener();
    try (XmppTransport transport = XmppTransport.create(prosody.xmppSettings())) {
      XmppClient alice = transport.open(ACCOUNTS.forUser(id), new RecordingListener());
      XmppClient bob = transport.open(ACCOUNTS.forUser(id + 1), bobHears);
      Await.done(alice.register());
      Await.done(bob.register());
      Await.done(alice.connect());
      Await.done(bob.connect());
      bob.sendPresence();
      bobHears.nextStanza(s -> s.kind().equals("presence"), Duration.ofSeconds(10));

      TtdStamp stamp = new TtdStamp("run-prosody", System.nanoTime());
      alice.sendChat(
          ACCOUNTS.forUser(id + 1).username() + "@" + prosody.domain(), "hi from alice", stamp);
      Incoming incoming = bobHears.nextMessage(Duration.ofSeconds(10));
      assertEquals("hi from alice", incoming.body());
      assertEquals(stamp, incoming.stamp());
      Await.done(alice.disconnect());
      Await.done(bob.disconnect());
    }
  }

  @Test
  void logsInOverStartTlsAndWithScramSha1(LocalProsody prosody) {
    int id = LocalServersExtension.freshUserIds(1);
    XmppSettings base = prosody.xmppSettings();
    XmppSettings tls =
        new XmppSettings(
            base.endpoints(),
            base.sourceAddresses(),
            base.domain(),
            XmppSettings.Tls.REQUIRED,
            false,
            "SCRAM-SHA-1",
            base.connectTimeout(),
            base.transport());
    try (XmppTransport transport = XmppTransport.create(tls)) {
      XmppClient client = transport.open(ACCOUNTS.forUser(id), new RecordingListener());
      Await.done(client.register());
      Await.done(client.connect());
      Await.done(client.disconnect());
    }
  }
}
