package io.murmuration.xmpp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.sut.LocalEjabberd;
import io.murmuration.testing.Await;
import io.murmuration.testing.RecordingListener;
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
