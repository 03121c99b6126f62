package io.murmuration.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.scenario.Incoming;
import io.murmuration.scenario.TtdStamp;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.testing.Await;
import io.murmuration.testing.LocalServersExtension;
import io.murmuration.testing.RecordingListener;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stream management with resumption (XEP-0198) on {@code --client lean}, against the local ejabberd
 * (mod_stream_mgmt, resumable for 300 s).
 */
@ExtendWith(LocalServersExtension.class)
class LeanStreamResumptionTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void messagesSentWhileTheConnectionIsCutArriveResentAndDelayedAfterTheResumption(
      LocalEjabberd ejabberd) {
    int id = XmppTransportContractTest.registered(ejabberd, 2);
    RecordingListener aliceHears = new RecordingListener();
    RecordingListener bobHears = new RecordingListener();
    try (XmppTransport transport = XmppTransport.create(lean(ejabberd))) {
      XmppClient alice = transport.open(XmppTransportContractTest.ACCOUNTS.forUser(id), aliceHears);
      XmppClient bob = transport.open(XmppTransportContractTest.ACCOUNTS.forUser(id + 1), bobHears);
      Await.done(alice.connect());
      alice.sendPresence();
      aliceHears.nextStanza(s -> s.kind().equals("presence"), WAIT);
      Await.done(alice.enableResumption());
      Await.done(bob.connect());

      bob.sendChat(jid(ejabberd, id), "before", new TtdStamp("run", 1));
      assertFalse(aliceHears.nextMessage(WAIT).delayed());
      alice.cut();
      for (String body : List.of("during 1", "during 2", "during 3")) {
        bob.sendChat(jid(ejabberd, id), body, new TtdStamp("run", 2));
      }
      bob.sendChat(jid(ejabberd, id + 1) + "/murm", "to myself, as a barrier", null);
      bobHears.nextMessage(WAIT); // the server has routed bob's messages to alice by now

      long nanos = Await.done(alice.resume());
      assertTrue(nanos > 0, "resumed in " + nanos + " ns");
      for (String body : List.of("during 1", "during 2", "during 3")) {
        Incoming resent = aliceHears.nextMessage(WAIT);
        assertEquals(body, resent.body());
        assertTrue(resent.delayed(), "ejabberd marks a resent message with <delay/>");
      }

      alice.sendChat(jid(ejabberd, id + 1) + "/murm", "after", new TtdStamp("run", 3));
      assertEquals("after", bobHears.nextMessage(WAIT).body());
      Await.done(alice.disconnect());
      Await.done(bob.disconnect());
      assertEquals(0, aliceHears.lossCount(), "a cut we asked for is no loss");
    }
  }

  @Test
  void resumingAStreamTheServerNoLongerKnowsFailsWithKindResumeFailed(LocalEjabberd ejabberd) {
    int id = XmppTransportContractTest.registered(ejabberd, 1);
    Account account = XmppTransportContractTest.ACCOUNTS.forUser(id);
    try (XmppTransport transport = XmppTransport.create(lean(ejabberd))) {
      XmppClient alice = transport.open(account, new RecordingListener());
      Await.done(alice.connect());
      Await.done(alice.enableResumption());
      alice.cut();
      // a new login on the same resource replaces the detached session: its previd is unknown now
      XmppClient again = transport.open(account, new RecordingListener());
      Await.done(again.connect());

      XmppException failure = Await.failure(alice.resume());
      assertEquals("resume-failed", failure.kind(), failure.getMessage());
      Await.done(again.disconnect());
    }
  }

  @Test
  void resumingWithoutEnablingResumptionFailsWithKindResumeFailed(LocalEjabberd ejabberd) {
    int id = XmppTransportContractTest.registered(ejabberd, 1);
    try (XmppTransport transport = XmppTransport.create(lean(ejabberd))) {
      XmppClient alice =
          transport.open(XmppTransportContractTest.ACCOUNTS.forUser(id), new RecordingListener());
      Await.done(alice.connect());
      alice.cut();
      XmppException failure = Await.failure(alice.resume());
      assertEquals("resume-failed", failure.kind(), failure.getMessage());
    }
  }

  @Test
  void theSmackTransportRefusesStreamManagementWithKindUnsupported(LocalEjabberd ejabberd) {
    int id = XmppTransportContractTest.registered(ejabberd, 1);
    try (XmppTransport transport = XmppTransport.create(with(ejabberd, "smack"))) {
      XmppClient alice =
          transport.open(XmppTransportContractTest.ACCOUNTS.forUser(id), new RecordingListener());
      Await.done(alice.connect());
      XmppException failure = Await.failure(alice.enableResumption());
      assertEquals("unsupported", failure.kind());
      assertTrue(failure.getMessage().contains("--client lean"), failure.getMessage());
      Await.done(alice.disconnect());
    }
  }

  private static XmppSettings lean(LocalEjabberd ejabberd) {
    return with(ejabberd, "lean");
  }

  private static XmppSettings with(LocalEjabberd ejabberd, String client) {
    return ejabberd.xmppSettings().withClient(client);
  }

  private static String jid(LocalEjabberd ejabberd, int id) {
    return XmppTransportContractTest.ACCOUNTS.forUser(id).username() + "@" + ejabberd.domain();
  }
}
