package io.murmuration.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.Recorder;

/**
 * Everything one run measures, recorded from any thread without locks: user actors, connection
 * threads and the scheduler all write here, and one reader ({@link MetricsReporter}) takes {@link
 * Snapshot}s at a fixed interval.
 *
 * <p>Timers are HdrHistogram {@link Recorder}s in nanoseconds (3 significant digits, up to one
 * hour; longer values are clamped to one hour). Counters are cumulative; snapshots carry them as
 * totals so that a missed or late snapshot never loses a count.
 */
public final class Metrics {

  /** The timed metrics, by their name in summaries, logs and assertions. */
  public enum Timer {
    /** Time to delivery: receive time minus the sender's intended send time. */
    TTD("ttd"),
    /** TCP connect, from socket open to established. */
    CONNECT("connect"),
    /** Stream negotiation, authentication and resource binding after TCP connect. */
    LOGIN("login"),
    /** Runner scheduling lag: actual minus intended time of a scheduled action. */
    LAG("lag");

    public final String key;

    Timer(String key) {
      this.key = key;
    }
  }

  public static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);

  private final Recorder[] recorders = new Recorder[Timer.values().length];

  /** The previous snapshot's histograms, handed back to the recorders at the next snapshot. */
  private Histogram[] lastInterval = new Histogram[Timer.values().length];

  private final LongAdder sent = new LongAdder();
  private final LongAdder expected = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final LongAdder late = new LongAdder();
  private final LongAdder sendHolds = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final AtomicInteger connected = new AtomicInteger();
  private final AtomicInteger peakConnected = new AtomicInteger();
  private final AtomicInteger usersTarget = new AtomicInteger();
  private final Actions actions = new Actions();
  private final ScenarioMetrics scenario = new ScenarioMetrics();

  /** The same timers for the users of each wire, when a run mixes wires; empty otherwise. */
  private final Map<String, Metrics> wires;

  public Metrics() {
    this(List.of());
  }

  /**
   * Metrics that also keep, for each of {@code wires} (a run with {@code --transport mix}), the
   * timers and connected users of the users on that wire: {@link #wire}.
   */
  public Metrics(List<String> wires) {
    Map<String, Metrics> byWire = new LinkedHashMap<>();
    if (wires.size() > 1) {
      wires.forEach(w -> byWire.put(w, new Metrics()));
    }
    this.wires = Collections.unmodifiableMap(byWire);
    for (Timer t : Timer.values()) {
      recorders[t.ordinal()] = new Recorder(HIGHEST_NANOS, 3);
    }
  }

  public void record(Timer timer, long nanos) {
    recorders[timer.ordinal()].recordValue(Math.min(Math.max(nanos, 0), HIGHEST_NANOS));
  }

  /**
   * Records every value of {@code interval}, measured elsewhere with the same settings (the HTTP
   * load's child process), on {@code timer}; values beyond one hour are clamped to it.
   */
  public void add(Timer timer, Histogram interval) {
    add(recorders[timer.ordinal()], interval);
  }

  /** A timed message was sent, to be delivered {@code deliveries} times (a room's occupants). */
  public void messageSent(int deliveries) {
    sent.increment();
    expected.add(deliveries);
  }

  /** A timed message arrived on time: its TTD was recorded. */
  public void messageReceived() {
    received.increment();
  }

  /** A message arrived marked delayed by the server, or stamped by another run: not timed. */
  public void messageLate() {
    late.increment();
  }

  public void error(String kind) {
    errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  public void userConnected() {
    peakConnected.accumulateAndGet(connected.incrementAndGet(), Math::max);
  }

  public void userDisconnected() {
    connected.decrementAndGet();
  }

  public void usersTarget(int target) {
    usersTarget.set(target);
  }

  /** The timers and counters the scenario declared. */
  public ScenarioMetrics scenario() {
    return scenario;
  }

  /** The metrics of the users on {@code wire}, or null when the run does not keep them apart. */
  public Metrics wire(String wire) {
    return wires.get(wire);
  }

  /** The per-wire metrics, by wire; empty unless the run mixes wires. */
  public Map<String, Metrics> wires() {
    return wires;
  }

  /** Declares a scenario timer here and on every wire. */
  public io.murmuration.scenario.Timer declare(io.murmuration.scenario.Timer timer) {
    wires.values().forEach(w -> w.scenario.declare(timer));
    return scenario.declare(timer);
  }

  /** Declares a scenario counter here and on every wire. */
  public io.murmuration.scenario.Counter declare(io.murmuration.scenario.Counter counter) {
    wires.values().forEach(w -> w.scenario.declare(counter));
    return scenario.declare(counter);
  }

  /** Ends the scenario's declarations, here and on every wire. */
  public void freezeDeclarations() {
    wires.values().forEach(w -> w.scenario.freeze());
    scenario.freeze();
  }

  /** The books of planned work. */
  public Actions actions() {
    return actions;
  }

  public long sent() {
    return sent.sum();
  }

  /** Deliveries the messages sent should make (see {@link #messageSent}). */
  public long expected() {
    return expected.sum();
  }

  /** Messages delivered, on time or late. */
  public long delivered() {
    return received.sum() + late.sum();
  }

  public int connected() {
    return connected.get();
  }

  /**
   * Adds what another runner of the same run measured between two of its snapshots: the interval
   * histograms of {@code now}, and how much its counters grew since {@code before} (null: since
   * zero). A cluster's coordinator keeps the run's metrics this way, fed by its workers' samples,
   * so that the reporter, the summary and InfluxDB see one run. Users connected add up across
   * runners; the peak is the highest sum seen.
   */
  public void add(Snapshot now, Snapshot before) {
    for (Timer t : Timer.values()) {
      add(recorders[t.ordinal()], now.histogram(t));
    }
    sent.add(now.sent() - (before == null ? 0 : before.sent()));
    expected.add(now.expected() - (before == null ? 0 : before.expected()));
    received.add(now.received() - (before == null ? 0 : before.received()));
    late.add(now.late() - (before == null ? 0 : before.late()));
    sendHolds.add(now.sendHolds() - (before == null ? 0 : before.sendHolds()));
    now.errors()
        .forEach(
            (kind, total) -> {
              long grew = total - (before == null ? 0 : before.errors().getOrDefault(kind, 0L));
              if (grew != 0) {
                errors.computeIfAbsent(kind, k -> new LongAdder()).add(grew);
              }
            });
    usersGone((before == null ? 0 : before.usersConnected()) - now.usersConnected());
    actions.add(now.actions(), before == null ? Map.of() : before.actions());
    scenario.add(now.scenario(), before == null ? null : before.scenario());
  }

  /** A user's sending was held: its connection's outbound buffer went above the high mark. */
  public void sendHeld() {
    sendHolds.increment();
  }

  /** {@code users} connected users are gone at once (their runner was lost); negative: arrived. */
  public void usersGone(int users) {
    peakConnected.accumulateAndGet(connected.addAndGet(-users), Math::max);
  }

  /**
   * Records every value of {@code interval} into {@code into} (same settings: exact); a value
   * beyond {@link #HIGHEST_NANOS} counts as that.
   */
  static void add(Recorder into, Histogram interval) {
    for (HistogramIterationValue v : interval.recordedValues()) {
      into.recordValueWithCount(
          Math.min(v.getValueIteratedTo(), HIGHEST_NANOS), v.getCountAtValueIteratedTo());
    }
  }

  /**
   * Takes the histograms recorded since the previous call and the current totals. Only one thread
   * may call this (the reporter). The previous snapshot's histograms are reused for this one: read
   * a snapshot's histograms before the next call, never after (a recorder's histogram is ~260 KiB,
   * and a new one per timer per interval was most of the runner's garbage).
   */
  public Snapshot snapshot() {
    Histogram[] interval = new Histogram[recorders.length];
    for (int i = 0; i < recorders.length; i++) {
      interval[i] = recorders[i].getIntervalHistogram(lastInterval[i]);
    }
    lastInterval = interval;
    Map<String, Long> errorTotals = new TreeMap<>();
    errors.forEach((k, v) -> errorTotals.put(k, v.sum()));
    return new Snapshot(
        interval,
        sent.sum(),
        expected.sum(),
        received.sum(),
        late.sum(),
        errorTotals,
        connected.get(),
        peakConnected.get(),
        usersTarget.get(),
        actions.snapshot(),
        scenario.snapshot(),
        sendHolds.sum());
  }

  /**
   * What was measured in one interval (histograms) and in total so far (counters).
   *
   * @param histograms interval histograms indexed by {@link Timer#ordinal()}, each with its start
   *     and end timestamps (epoch ms) set by HdrHistogram
   * @param expected deliveries the sent messages should make: one per chat message (none for one to
   *     a user offline on purpose), one per occupant a groupchat message reaches
   * @param actions the {@link Actions} books so far, by kind
   * @param scenario the scenario's own timers (interval) and counters (totals)
   * @param sendHolds times a user's sending was held by back-pressure ({@link #sendHeld})
   */
  public record Snapshot(
      Histogram[] histograms,
      long sent,
      long expected,
      long received,
      long late,
      Map<String, Long> errors,
      int usersConnected,
      int usersPeak,
      int usersTarget,
      Map<String, Actions.Count> actions,
      ScenarioMetrics.Snapshot scenario,
      long sendHolds) {

    public Histogram histogram(Timer timer) {
      return histograms[timer.ordinal()];
    }

    public long errorTotal() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Errors by kind since {@code before} (null: since the start); kinds without any left out. */
    public Map<String, Long> errorsSince(Snapshot before) {
      Map<String, Long> since = new java.util.TreeMap<>();
      errors.forEach(
          (kind, total) -> {
            long earlier = before == null ? 0 : before.errors.getOrDefault(kind, 0L);
            if (total > earlier) {
              since.put(kind, total - earlier);
            }
          });
      return since;
    }
  }
}
