package io.murmuration.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.sut.LocalEjabberd;
import io.murmuration.testing.Await;
import io.murmuration.testing.LocalServersExtension;
import io.murmuration.testing.RecordingListener;
import io.murmuration.xmpp.XmppClient;
import io.murmuration.xmpp.XmppTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalServersExtension.class)
class EjabberdHttpApiTest {
  private static final Accounts ACCOUNTS = Accounts.existing("bulk_{id}", "bulk_secret_{id}");

  @Test
  void registersFiveHundredUsersConcurrentlyWhoCanThenLogIn(LocalEjabberd ejabberd) {
    int first = LocalServersExtension.freshUserIds(500);
    AtomicInteger lastDone = new AtomicInteger();
    AtomicInteger calls = new AtomicInteger();
    long start = System.nanoTime();
    EjabberdHttpApi.Registered registered =
        ejabberd
            .api()
            .register(
                ACCOUNTS,
                ejabberd.domain(),
                first,
                500,
                (done, total) -> {
                  calls.incrementAndGet();
                  lastDone.set(done);
                });
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "HTTP API registered 500 users in %.2f s: %.0f users/s%n", seconds, 500 / seconds);
    assertEquals(new EjabberdHttpApi.Registered(500, 0), registered);
    assertEquals(500, calls.get());
    assertEquals(500, lastDone.get());

    try (XmppTransport transport = XmppTransport.create(ejabberd.xmppSettings())) {
      List<XmppClient> clients = new ArrayList<>();
      List<CompletableFuture<?>> logins = new ArrayList<>();
      for (int id = first; id < first + 500; id++) {
        XmppClient client = transport.open(ACCOUNTS.forUser(id), new RecordingListener());
        clients.add(client);
        logins.add(client.connect().toCompletableFuture());
      }
      Await.done(CompletableFuture.allOf(logins.toArray(CompletableFuture[]::new)));
      clients.forEach(XmppClient::disconnect);
    }
  }

  @Test
  void countsAccountsThatExistAlreadyAsRegistered(LocalEjabberd ejabberd) {
    int first = LocalServersExtension.freshUserIds(10);
    ejabberd.registerUsers(ACCOUNTS, first, 5);
    assertEquals(new EjabberdHttpApi.Registered(5, 5), ejabberd.registerUsers(ACCOUNTS, first, 10));
  }

  @Test
  void failsWithOneLineNamingTheUrlAndTheStatus(LocalEjabberd ejabberd) {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                ejabberd
                    .api()
                    .register(
                        ACCOUNTS,
                        "no-such-host.example",
                        LocalServersExtension.freshUserIds(1),
                        1));
    assertTrue(e.getMessage().contains(ejabberd.httpApi() + "/register"), e.getMessage());
    assertTrue(e.getMessage().contains("HTTP 500"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void retriesARefusedConnectionThenFailsNamingTheUrl() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    URI base = URI.create("http://127.0.0.1:" + port + "/api");
    try (EjabberdHttpApi api = new EjabberdHttpApi(base)) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class, () -> api.register(ACCOUNTS, "localhost", 1, 3));
      assertTrue(e.getMessage().contains(base + "/register"), e.getMessage());
      assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
    }
  }
}
