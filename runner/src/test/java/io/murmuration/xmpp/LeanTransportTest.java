package io.murmuration.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.scenario.Incoming;
import io.murmuration.scenario.TtdStamp;
import io.murmuration.sut.DelayProxy;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.testing.Await;
import io.murmuration.testing.RecordingListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The transport contract for {@code --client lean} on TCP, and what only the lean client promises.
 */
class LeanTransportTest extends XmppTransportContractTest {
  @Override
  String client() {
    return "lean";
  }

  @Test
  void tellsTheWriterToHoldWhileTheServerReadsNothingThenDeliversEverything(LocalEjabberd ejabberd)
      throws Exception {
    int id = registered(ejabberd, 2);
    XmppSettings direct = using(ejabberd);
    RecordingListener aliceHears = new RecordingListener();
    RecordingListener bobHears = new RecordingListener();
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    try (DelayProxy proxy = DelayProxy.start(loopback, direct.endpoints().get(0), Duration.ZERO);
        XmppTransport viaProxy = XmppTransport.create(direct.withEndpoint(proxy.address()));
        XmppTransport transport = XmppTransport.create(direct)) {
      XmppClient alice = viaProxy.open(ACCOUNTS.forUser(id), aliceHears);
      XmppClient bob = transport.open(ACCOUNTS.forUser(id + 1), bobHears);
      Await.done(alice.connect());
      Await.done(bob.connect());
      bob.sendPresence();
      bobHears.nextStanza(s -> s.kind().equals("presence"), Duration.ofSeconds(10));

      proxy.pauseUpstream(true); // the server reads nothing more from alice
      String body = "x".repeat(8 * 1024);
      int sent = 0; // until held: the kernel's buffers (a few MB) and Netty's 64 KiB are full
      while (aliceHears.writabilityChanges() == 0 && sent < 4000) {
        for (int k = 0; k < 50; k++, sent++) {
          alice.sendChat(jid(ejabberd, id + 1), sent + " " + body, new TtdStamp("run-bp", sent));
        }
        Thread.sleep(20);
      }
      assertFalse(aliceHears.nextWritability(Duration.ofSeconds(10)), "held while unread");
      assertEquals(0, aliceHears.writabilityChanges(), "held once, until released");

      proxy.pauseUpstream(false);
      assertTrue(aliceHears.nextWritability(Duration.ofSeconds(10)), "released once read");
      for (int i = 0; i < sent; i++) {
        Incoming message = bobHears.nextMessage(Duration.ofSeconds(10));
        assertEquals(i + " " + body, message.body(), "every message, in order");
      }
      assertEquals(0, aliceHears.lossCount());
      Await.done(alice.disconnect());
      Await.done(bob.disconnect());
    }
  }

  @Test
  void servesAHundredSessionsFromNoMoreThreadsThanCores(LocalEjabberd ejabberd) {
    int first = registered(ejabberd, 100);
    try (XmppTransport transport = XmppTransport.create(using(ejabberd))) {
      List<XmppClient> clients = new ArrayList<>();
      List<CompletableFuture<?>> logins = new ArrayList<>();
      for (int id = first; id < first + 100; id++) {
        XmppClient client = transport.open(ACCOUNTS.forUser(id), new RecordingListener());
        clients.add(client);
        logins.add(client.connect().toCompletableFuture());
      }
      Await.done(CompletableFuture.allOf(logins.toArray(CompletableFuture[]::new)));
      long threads =
          Thread.getAllStackTraces().keySet().stream()
              .filter(thread -> thread.getName().startsWith("murm-xmpp"))
              .count();
      assertTrue(
          threads <= Runtime.getRuntime().availableProcessors(),
          threads + " event-loop threads for 100 sessions");
      List<CompletableFuture<?>> logouts = new ArrayList<>();
      clients.forEach(client -> logouts.add(client.disconnect().toCompletableFuture()));
      Await.done(CompletableFuture.allOf(logouts.toArray(CompletableFuture[]::new)));
    }
  }
}
