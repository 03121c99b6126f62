package io.murmuration.testing;

import io.murmuration.scenario.Incoming;
import io.murmuration.scenario.Stanza;
import io.murmuration.xmpp.XmppClient;
import io.murmuration.xmpp.XmppException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** An {@link XmppClient.Listener} that keeps what arrives, for tests to wait on. */
public final class RecordingListener implements XmppClient.Listener {
  private final BlockingQueue<Incoming> messages = new LinkedBlockingQueue<>();
  private final BlockingQueue<Stanza> stanzas = new LinkedBlockingQueue<>();
  private final BlockingQueue<XmppException> lost = new LinkedBlockingQueue<>();
  private final BlockingQueue<XmppException> sendFailures = new LinkedBlockingQueue<>();
  private final BlockingQueue<Boolean> writability = new LinkedBlockingQueue<>();

  @Override
  public void onMessage(Incoming message) {
    messages.add(message);
  }

  @Override
  public void onStanza(Stanza stanza) {
    stanzas.add(stanza);
  }

  @Override
  public void onConnectionLost(XmppException cause) {
    lost.add(cause);
  }

  /** The next message; fails the test when none arrives within {@code timeout}. */
  public Incoming nextMessage(Duration timeout) {
    return next(messages, timeout, "message");
  }

  /**
   * The next stanza matching {@code filter}, skipping others; fails the test after {@code timeout}.
   */
  public Stanza nextStanza(Predicate<Stanza> filter, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Stanza stanza =
          next(stanzas, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())), "stanza");
      if (filter.test(stanza)) {
        return stanza;
      }
    }
  }

  /** Why the connection was lost; fails the test when it is not lost within {@code timeout}. */
  @Override
  public void onSendFailed(XmppException failure) {
    sendFailures.add(failure);
  }

  public XmppException nextSendFailure(Duration timeout) {
    return next(sendFailures, timeout, "send failure");
  }

  public XmppException nextLoss(Duration timeout) {
    return next(lost, timeout, "connection loss");
  }

  /** Losses reported so far, without waiting. */
  @Override
  public void onWritable(boolean writable) {
    writability.add(writable);
  }

  /** The next back-pressure change; fails the test when none comes within {@code timeout}. */
  public boolean nextWritability(Duration timeout) {
    return next(writability, timeout, "writability change");
  }

  /** Back-pressure changes so far, not yet taken. */
  public int writabilityChanges() {
    return writability.size();
  }

  public int lossCount() {
    return lost.size();
  }

  private static <T> T next(BlockingQueue<T> queue, Duration timeout, String what) {
    try {
      T item = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (item == null) {
        throw new AssertionError("no " + what + " within " + timeout.toMillis() + " ms");
      }
      return item;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a " + what, e);
    }
  }
}
