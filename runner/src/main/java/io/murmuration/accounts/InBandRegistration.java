package io.murmuration.accounts;

import io.murmuration.xmpp.XmppClient;
import io.murmuration.xmpp.XmppSettings;
import io.murmuration.xmpp.XmppTransport;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Creates accounts before a run by in-band registration (XEP-0077), {@value #CONCURRENCY} at a time
 * over client connections: for a server that has no HTTP API for it, such as Prosody. The server
 * must allow registration from this address. An account that exists already counts as registered.
 */
public final class InBandRegistration {
  static final int CONCURRENCY = 32;

  private InBandRegistration() {}

  /**
   * Registers the accounts of users {@code firstId .. firstId+count-1}; blocks until all exist.
   *
   * @throws IllegalStateException with the server's answer to the first registration that failed
   */
  public static void register(XmppSettings xmpp, Accounts accounts, int firstId, int count) {
    Semaphore slots = new Semaphore(CONCURRENCY);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    try (XmppTransport transport = XmppTransport.create(xmpp)) {
      for (int i = 0; i < count && failure.get() == null; i++) {
        slots.acquire();
        transport
            .open(accounts.forUser(firstId + i), XmppClient.Listener.IGNORE)
            .register()
            .whenComplete(
                (ok, error) -> {
                  if (error != null) {
                    failure.compareAndSet(
                        null, error instanceof CompletionException c ? c.getCause() : error);
                  }
                  slots.release();
                });
      }
      slots.acquire(CONCURRENCY);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while registering accounts", e);
    }
    Throwable error = failure.get();
    if (error != null) {
      throw new IllegalStateException(error.getMessage(), error);
    }
  }
}
