package io.murmuration.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The chat messages on their way to each user of this runner, and which users are leaving (removed
 * from the run while it goes on): so that a removed user stays online until what was sent to it has
 * arrived, and nobody sends to it once it is leaving. Safe to use from any thread.
 *
 * <p>A sender counts a message for its recipient before it looks whether the recipient is leaving,
 * and the run controller marks a user leaving before it reads its count: so either the sender sees
 * the mark and does not send, or the controller sees the message counted and waits for it.
 *
 * <p>Only messages that expect a delivery ({@link io.murmuration.scenario.User#sendChat}) are
 * counted on their way; every message stamped by this run that arrives is taken off, on time or
 * late — the same reading as the drain at the stop ({@code delivered ≥ expected}). Messages to a
 * user this runner did not spawn are counted nowhere.
 */
final class InFlight {

  private static final class Inbox {
    final AtomicLong due = new AtomicLong();
    volatile boolean leaving;
  }

  private final Map<Integer, Inbox> inboxes = new ConcurrentHashMap<>();

  /** User {@code userId} arrives: nothing due to it, not leaving (also when its id came before). */
  void arrive(int userId) {
    inboxes.put(userId, new Inbox());
  }

  /**
   * A message is about to be sent to {@code toUserId}: counts it on its way and answers true, or,
   * when that user is leaving, counts nothing and answers false (the message must not be sent).
   */
  boolean send(int toUserId) {
    Inbox inbox = inboxes.get(toUserId);
    if (inbox == null) {
      return true;
    }
    inbox.due.incrementAndGet();
    if (inbox.leaving) {
      inbox.due.decrementAndGet();
      return false;
    }
    return true;
  }

  /** A message stamped by this run arrived at {@code userId}. */
  void delivered(int userId) {
    Inbox inbox = inboxes.get(userId);
    if (inbox != null) {
      inbox.due.decrementAndGet();
    }
  }

  /** User {@code userId} is leaving: from now on, and after it is gone, nothing is sent to it. */
  void leave(int userId) {
    Inbox inbox = inboxes.get(userId);
    if (inbox != null) {
      inbox.leaving = true;
    }
  }

  /** Whether {@code userId} is leaving and every message counted on its way to it has arrived. */
  boolean drained(Integer userId) {
    Inbox inbox = inboxes.get(userId);
    return inbox != null && inbox.leaving && inbox.due.get() <= 0;
  }
}
