package io.murmuration.metrics;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The run's books of planned work: for each kind of action (a login, a presence, a message, a
 * repeat step, a timer, a throttle slot, a coordinator group), how many were planned, how many were
 * done, and how many were not, by {@link Reason}. Written from any thread without locks; read by
 * the reporter and, at the end, by the run controller, which fails a run whose books do not balance
 * or that left work undone with no stop to explain it ({@link #shortfall}).
 *
 * <p>Kinds are plain words ({@code message}, {@code throttled messages}); each user keeps what it
 * still owes and closes it, with the reason it ended, when it ends — so {@code planned − done − not
 * done} is 0 unless a user vanished without closing its books.
 */
public final class Actions {

  /** Why a planned action was not done. */
  public enum Reason {
    /** The run stopped (duration over, stop command, Ctrl-C) before it was due. */
    RUN_STOPPED("run stopped", true),
    /**
     * Its user was removed from the run (remove command) first; or, for a chat message, the user it
     * was for was being removed.
     */
    USER_REMOVED("user removed", true),
    /** Its user ended on an error first; the error is counted and fails the run by itself. */
    USER_FAILED("user ended on an error", true),
    /** A coordinator group was handed out incomplete after its timeout; its action still ran. */
    GROUP_TIMED_OUT("group timed out incomplete", true),
    /**
     * The scenario finished its user while the action was still planned (a timeout that became
     * moot, say): its own decision, shown but not failing.
     */
    USER_FINISHED("user finished before it", true),
    /** A send while the user was not connected. */
    NOT_CONNECTED("user not connected", false);

    /** The reason as written in {@code summary.json} and the report. */
    public final String text;

    /** Whether a stop (or a failure counted elsewhere) accounts for it. */
    public final boolean explained;

    Reason(String text, boolean explained) {
      this.text = text;
      this.explained = explained;
    }
  }

  /**
   * One kind's totals.
   *
   * @param notDone by reason text, only reasons that occurred, sorted
   */
  public record Count(long planned, long done, Map<String, Long> notDone) {

    /** Planned, neither done nor not done: lost track of. */
    public long unaccounted() {
      return planned - done - notDone.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private static final class Tally {
    final LongAdder planned = new LongAdder();
    final LongAdder done = new LongAdder();
    final Map<Reason, LongAdder> notDone = new EnumMap<>(Reason.class);

    Tally() {
      for (Reason r : Reason.values()) {
        notDone.put(r, new LongAdder());
      }
    }
  }

  private final Map<String, Tally> kinds = new ConcurrentHashMap<>();

  public void planned(String kind, long count) {
    tally(kind).planned.add(count);
  }

  public void done(String kind) {
    tally(kind).done.increment();
  }

  public void notDone(String kind, Reason reason, long count) {
    tally(kind).notDone.get(reason).add(count);
  }

  /**
   * Adds how much another runner's books grew from {@code before} to {@code now} (by kind; a kind
   * missing from {@code before} grew from zero): a cluster's coordinator keeps the run's books so.
   */
  public void add(Map<String, Count> now, Map<String, Count> before) {
    now.forEach(
        (kind, c) -> {
          Count was = before.getOrDefault(kind, new Count(0, 0, Map.of()));
          Tally t = tally(kind);
          t.planned.add(c.planned() - was.planned());
          t.done.add(c.done() - was.done());
          for (Reason r : Reason.values()) {
            t.notDone
                .get(r)
                .add(c.notDone().getOrDefault(r.text, 0L) - was.notDone().getOrDefault(r.text, 0L));
          }
        });
  }

  /** Every kind's totals so far, sorted by kind. */
  public Map<String, Count> snapshot() {
    Map<String, Count> all = new TreeMap<>();
    kinds.forEach(
        (kind, t) -> {
          Map<String, Long> notDone = new TreeMap<>();
          t.notDone.forEach(
              (reason, n) -> {
                if (n.sum() > 0) {
                  notDone.put(reason.text, n.sum());
                }
              });
          all.put(kind, new Count(t.planned.sum(), t.done.sum(), Map.copyOf(notDone)));
        });
    return all;
  }

  /**
   * What no stop explains, as one line ({@code "2 message not done (user not connected)"}), or null
   * when every planned action was done or explained.
   */
  public static String shortfall(Map<String, Count> books) {
    List<String> parts = new ArrayList<>();
    books.forEach(
        (kind, c) -> {
          for (Reason r : Reason.values()) {
            Long n = c.notDone().get(r.text);
            if (!r.explained && n != null) {
              parts.add(n + " " + kind + " not done (" + r.text + ")");
            }
          }
          if (c.unaccounted() != 0) {
            parts.add(c.unaccounted() + " " + kind + " unaccounted for");
          }
        });
    return parts.isEmpty() ? null : String.join(", ", parts);
  }

  private Tally tally(String kind) {
    return kinds.computeIfAbsent(kind, k -> new Tally());
  }
}
