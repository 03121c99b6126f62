package io.murmuration.sut;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.accounts.Accounts;
import io.murmuration.scenario.Incoming;
import io.murmuration.scenario.TtdStamp;
import io.murmuration.testing.Await;
import io.murmuration.testing.RecordingListener;
import io.murmuration.xmpp.XmppClient;
import io.murmuration.xmpp.XmppTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A real 2-node cluster: accounts registered on node 1 log in on node 2, and a chat from a user on
 * node 1 reaches a user on node 2 live. Without the join, both fail (node 2 knows no account).
 */
class LocalEjabberdClusterTest {
  private static final Accounts ACCOUNTS = Accounts.existing("cluster_{id}", "secret_{id}");
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void routesAChatFromAUserOnNodeOneToAUserOnNodeTwo() throws Exception {
    long start = System.nanoTime();
    LocalEjabberdCluster cluster =
        LocalEjabberdCluster.start(LocalServer.Options.defaults().withDomain("cluster.test"), 2);
    System.out.println(
        "2-node cluster started in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    LocalEjabberd one = cluster.nodes().get(0);
    LocalEjabberd two = cluster.nodes().get(1);
    List<Path> folders = List.of(one.folder(), two.folder());
    List<Long> pids = List.of(one.osPid(), two.osPid());
    try {
      assertTrue(one.nodeName().endsWith("@127.0.0.1"), one.nodeName());
      assertTrue(two.nodeName().endsWith("@127.0.0.2"), two.nodeName());
      assertEquals(
          Set.of(one.nodeName(), two.nodeName()),
          Set.copyOf(cluster.listCluster()),
          "list_cluster on node 1");
      assertEquals(List.of(one.c2s(), two.c2s()), cluster.xmppSettings().endpoints());
      Path cookie = one.folder().resolve("home/.erlang.cookie");
      assertEquals(
          "r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cookie)));
      assertEquals(
          Files.readString(cookie), Files.readString(two.folder().resolve("home/.erlang.cookie")));
      if (RunAs.isRoot()) {
        assertEquals("ejabberd", Files.getOwner(cookie).getName());
        assertEquals(
            Optional.of("ejabberd"), ProcessHandle.of(pids.get(1)).flatMap(p -> p.info().user()));
      }

      cluster.registerUsers(ACCOUNTS, 1, 2); // node 1's HTTP API
      RecordingListener aliceHears = new RecordingListener();
      RecordingListener bobHears = new RecordingListener();
      try (XmppTransport toOne = XmppTransport.create(one.xmppSettings());
          XmppTransport toTwo = XmppTransport.create(two.xmppSettings())) {
        XmppClient alice = toOne.open(ACCOUNTS.forUser(1), aliceHears);
        XmppClient bob = toTwo.open(ACCOUNTS.forUser(2), bobHears);
        Await.done(alice.connect());
        Await.done(bob.connect()); // the account is on node 2 too: Mnesia replicated it
        bob.sendPresence();
        bobHears.nextStanza(s -> s.kind().equals("presence"), WAIT);

        TtdStamp stamp = new TtdStamp("cluster", System.nanoTime());
        alice.sendChat(jid(cluster, 2), "across the cluster", stamp);
        Incoming incoming = bobHears.nextMessage(WAIT);

        assertEquals("across the cluster", incoming.body());
        assertEquals(stamp, incoming.stamp());
        assertFalse(incoming.delayed(), "routed live to node 2, not stored offline");
        assertTrue(incoming.from().startsWith(jid(cluster, 1) + "/"), incoming.from());
        Await.done(alice.disconnect());
        Await.done(bob.disconnect());
      }
    } finally {
      long stop = System.nanoTime();
      cluster.close();
      System.out.println(
          "2-node cluster stopped in " + (System.nanoTime() - stop) / 1_000_000 + " ms");
    }
    for (long pid : pids) {
      assertFalse(
          ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
          "beam " + pid + " still runs");
    }
    for (Path folder : folders) {
      assertFalse(Files.exists(folder), folder + " left behind");
    }
  }

  @Test
  void refusesANodeCountOutsideOneToEight() {
    for (int count : new int[] {0, 9, -1}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> LocalEjabberdCluster.start(LocalServer.Options.defaults(), count));
      assertTrue(e.getMessage().contains("1..8 nodes, not " + count), e.getMessage());
    }
  }

  private static String jid(LocalEjabberdCluster cluster, int id) {
    return ACCOUNTS.forUser(id).username() + "@" + cluster.domain();
  }
}
