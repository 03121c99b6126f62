package io.murmuration.engine;

import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Delivers messages to actors at a given {@link System#nanoTime()}, to within about 0.1 ms, from
 * one daemon thread per run. Users' send times go through here rather than Pekko's scheduler, whose
 * timer wheel advances in ticks (10 ms by default, 1 ms at best) and so added 1–3 ms of scheduling
 * lag — and of time-to-delivery, which is measured from the intended send time — to every message.
 *
 * <p>Thread-safe; {@link #schedule} never blocks. Entries due at the same time are delivered in the
 * order they were scheduled.
 */
final class PreciseTimer implements AutoCloseable {
  private final DelayQueue<Entry> queue = new DelayQueue<>();
  private final AtomicLong sequence = new AtomicLong();
  private final Thread thread;

  private record Entry(long dueNanos, long seq, Runnable deliver) implements Delayed {
    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      Entry o = (Entry) other;
      int byTime = Long.compare(dueNanos - o.dueNanos, 0); // overflow-safe nanoTime order
      return byTime != 0 ? byTime : Long.compare(seq, o.seq);
    }
  }

  PreciseTimer() {
    thread = new Thread(this::deliverWhenDue, "murmuration-timer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Tells {@code message} to {@code target} at {@code dueNanos} (at once if that has passed). */
  <T> void schedule(long dueNanos, ActorRef<T> target, T message) {
    queue.put(new Entry(dueNanos, sequence.getAndIncrement(), () -> target.tell(message)));
  }

  private void deliverWhenDue() {
    try {
      while (true) {
        queue.take().deliver().run();
      }
    } catch (InterruptedException e) {
      // closed
    }
  }

  @Override
  public void close() {
    thread.interrupt();
    queue.clear();
  }
}
