package io.murmuration.metrics;

import io.murmuration.scenario.Counter;
import io.murmuration.scenario.Timer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The timers and counters a scenario declares in its {@code init} ({@link Timer}, {@link Counter}),
 * recorded like the runner's own: timers into HdrHistogram {@link Recorder}s of nanoseconds (the
 * same settings as {@link Metrics.Timer}s, so they merge with any other runner's), counters into
 * {@link LongAdder}s read as totals.
 *
 * <p>Declarations happen on one thread before any user starts, and are frozen by {@link #freeze}
 * then; recording is wait-free from any thread afterwards, and only declared metrics can be
 * recorded.
 */
public final class ScenarioMetrics {
  private final Map<String, Recorder> timers = new LinkedHashMap<>();

  /** The previous snapshot's histograms by timer, handed back to the recorders at the next one. */
  private Map<String, Histogram> lastInterval = Map.of();

  private final Map<String, LongAdder> counters = new LinkedHashMap<>();
  private final Map<String, String> descriptions = new LinkedHashMap<>();
  private volatile boolean frozen;

  /** Declares a timer; refused after {@link #freeze} or when the name is taken. */
  public synchronized Timer declare(Timer timer) {
    claim(timer.name(), timer.description());
    timers.put(timer.name(), new Recorder(Metrics.HIGHEST_NANOS, 3));
    return timer;
  }

  /** Declares a counter; refused after {@link #freeze} or when the name is taken. */
  public synchronized Counter declare(Counter counter) {
    claim(counter.name(), counter.description());
    counters.put(counter.name(), new LongAdder());
    return counter;
  }

  private void claim(String name, String description) {
    if (frozen) {
      throw new IllegalStateException(
          "metric " + name + ": declare metrics in the scenario's init");
    }
    if (descriptions.putIfAbsent(name, description == null ? "" : description) != null) {
      throw new IllegalArgumentException("metric " + name + " is declared twice");
    }
  }

  /** Ends declarations: from now on the maps are only read. */
  public synchronized void freeze() {
    frozen = true;
  }

  public void record(Timer timer, long nanos) {
    Recorder r = timers.get(timer.name());
    if (r == null) {
      throw new IllegalArgumentException("timer " + timer.name() + " was not declared in init");
    }
    r.recordValue(Math.min(Math.max(nanos, 0), Metrics.HIGHEST_NANOS));
  }

  /**
   * Records every value of {@code interval}, measured elsewhere with the same settings (the HTTP
   * load's child process), on {@code timer}.
   */
  public void add(Timer timer, Histogram interval) {
    Recorder r = timers.get(timer.name());
    if (r == null) {
      throw new IllegalArgumentException("timer " + timer.name() + " was not declared in init");
    }
    Metrics.add(r, interval);
  }

  public void add(Counter counter, long n) {
    LongAdder c = counters.get(counter.name());
    if (c == null) {
      throw new IllegalArgumentException("counter " + counter.name() + " was not declared in init");
    }
    c.add(n);
  }

  /**
   * Adds another runner's interval histograms and how much its counters grew since {@code before}
   * (null: since zero); metrics this run did not declare are ignored.
   */
  public void add(Snapshot now, Snapshot before) {
    now.timers()
        .forEach(
            (name, h) -> {
              Recorder r = timers.get(name);
              if (r != null) {
                Metrics.add(r, h);
              }
            });
    now.counters()
        .forEach(
            (name, total) -> {
              LongAdder c = counters.get(name);
              if (c != null) {
                c.add(total - (before == null ? 0 : before.counters().getOrDefault(name, 0L)));
              }
            });
  }

  /** Each declared metric's description, timers first, in declaration order. */
  public Map<String, String> descriptions() {
    return Collections.unmodifiableMap(descriptions);
  }

  /**
   * The timers' histograms since the previous call and the counters' totals. Only one thread may
   * call this (the reporter); before {@link #freeze} it sees no metric. As {@link
   * Metrics#snapshot}, it reuses the previous snapshot's histograms: read them before the next
   * call.
   */
  public Snapshot snapshot() {
    if (!frozen) {
      return Snapshot.EMPTY;
    }
    Map<String, Histogram> t = new LinkedHashMap<>();
    timers.forEach((name, r) -> t.put(name, r.getIntervalHistogram(lastInterval.get(name))));
    lastInterval = t;
    Map<String, Long> c = new LinkedHashMap<>();
    counters.forEach((name, a) -> c.put(name, a.sum()));
    return new Snapshot(t, c);
  }

  /**
   * One interval of a scenario's metrics: interval histograms and counter totals, by name. Two
   * snapshots of the same interval from different runners merge with {@link #plus} (histograms add,
   * totals add), so a run spread over nodes reports as one.
   */
  public record Snapshot(Map<String, Histogram> timers, Map<String, Long> counters) {
    public static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of());

    public Snapshot {
      timers = Collections.unmodifiableMap(new LinkedHashMap<>(timers));
      counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
    }

    /** This snapshot and {@code other} merged; neither changes. */
    public Snapshot plus(Snapshot other) {
      Map<String, Histogram> t = new LinkedHashMap<>();
      timers.forEach((name, h) -> t.put(name, h.copy()));
      other.timers.forEach(
          (name, h) -> {
            Histogram mine = t.get(name);
            if (mine == null) {
              t.put(name, h.copy());
            } else {
              mine.add(h);
              mine.setStartTimeStamp(Math.min(mine.getStartTimeStamp(), h.getStartTimeStamp()));
              mine.setEndTimeStamp(Math.max(mine.getEndTimeStamp(), h.getEndTimeStamp()));
            }
          });
      Map<String, Long> c = new LinkedHashMap<>(counters);
      other.counters.forEach((name, n) -> c.merge(name, n, Long::sum));
      return new Snapshot(t, c);
    }
  }
}
