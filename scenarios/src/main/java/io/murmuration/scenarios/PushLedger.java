package io.murmuration.scenarios;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The push scenario's books: for each sleeper's push node, the intended send times of the messages
 * written to it that no push notification has answered yet, oldest first. Writers enter a message
 * before they send it; the push app server takes one out per notification.
 *
 * <p>Thread-safe: writers call it from their users' callbacks, the app server from its network
 * thread; each node's queue has a lock of its own.
 */
final class PushLedger {

  /**
   * A notification matched to a message.
   *
   * @param intendedNanos the message's intended send time
   * @param inOrder false when the notification's body named a message other than the oldest one
   *     waiting (which stays waiting)
   */
  record Match(long intendedNanos, boolean inOrder) {}

  private final Map<String, Deque<Long>> waiting = new ConcurrentHashMap<>();

  /** Opens the books of a sleeper's node, before anything is written to it. */
  void sleeper(String node) {
    waiting.putIfAbsent(node, new ArrayDeque<>());
  }

  /** A message intended at {@code intendedNanos} is about to be written to {@code node}. */
  void expect(String node, long intendedNanos) {
    Deque<Long> q = waiting.get(node);
    synchronized (q) {
      q.addLast(intendedNanos);
    }
  }

  /** The message just entered was not sent after all. */
  void unsent(String node, long intendedNanos) {
    Deque<Long> q = waiting.get(node);
    synchronized (q) {
      q.removeLastOccurrence(intendedNanos);
    }
  }

  /** Messages to {@code node} still waiting for their notification. */
  int waiting(String node) {
    Deque<Long> q = waiting.get(node);
    synchronized (q) {
      return q.size();
    }
  }

  /** Messages to any node still waiting for their notification. */
  long waiting() {
    long all = 0;
    for (Deque<Long> q : waiting.values()) {
      synchronized (q) {
        all += q.size();
      }
    }
    return all;
  }

  /**
   * Takes the message a notification to {@code node} answers: the one intended at {@code stamped}
   * when the notification's body names one, else the oldest waiting. Returns null when the
   * notification answers none: a node of no sleeper, nothing waiting, or a named message that is
   * not (or no longer) waiting.
   */
  Match take(String node, Long stamped) {
    Deque<Long> q = waiting.get(node);
    if (q == null) {
      return null;
    }
    synchronized (q) {
      if (q.isEmpty()) {
        return null;
      }
      if (stamped == null || stamped.equals(q.peekFirst())) {
        return new Match(q.pollFirst(), true);
      }
      return q.removeFirstOccurrence(stamped) ? new Match(stamped, false) : null;
    }
  }
}
