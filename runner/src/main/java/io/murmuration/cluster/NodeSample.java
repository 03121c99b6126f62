package io.murmuration.cluster;

import io.murmuration.metrics.Actions;
import io.murmuration.metrics.Metrics;
import io.murmuration.metrics.ScenarioMetrics;
import io.murmuration.metrics.SeriesPoint;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * One sampling interval of a worker node, as it crosses to the coordinator: its {@link
 * Metrics.Snapshot} (interval histograms compressed, counters as totals, so a lost or late sample
 * loses no count) and the node's own use of CPU and memory in the interval.
 *
 * @param timers the runner's interval histograms, by timer key ({@code ttd}, {@code lag}, …)
 * @param scenarioTimers the scenario's interval histograms, by name
 * @param cpuCores the node's CPU in the interval, in cores; null when unknown
 * @param rssMib the node's resident set size, MiB; null when unknown
 * @param intervalS the interval's length in seconds
 */
public record NodeSample(
    Map<String, byte[]> timers,
    long sent,
    long expected,
    long received,
    long late,
    long sendHolds,
    Map<String, Long> errors,
    int usersConnected,
    int usersPeak,
    int usersTarget,
    Map<String, Actions.Count> actions,
    Map<String, byte[]> scenarioTimers,
    Map<String, Long> scenarioCounters,
    Double cpuCores,
    Double rssMib,
    double intervalS) {

  /** The sample of one interval: its snapshot and the point the node's reporter drew of it. */
  public static NodeSample of(Metrics.Snapshot s, SeriesPoint point) {
    Map<String, byte[]> timers = new LinkedHashMap<>();
    for (Metrics.Timer t : Metrics.Timer.values()) {
      timers.put(t.key, encode(s.histogram(t)));
    }
    Map<String, byte[]> scenarioTimers = new LinkedHashMap<>();
    s.scenario().timers().forEach((name, h) -> scenarioTimers.put(name, encode(h)));
    return new NodeSample(
        timers,
        s.sent(),
        s.expected(),
        s.received(),
        s.late(),
        s.sendHolds(),
        s.errors(),
        s.usersConnected(),
        s.usersPeak(),
        s.usersTarget(),
        s.actions(),
        scenarioTimers,
        s.scenario().counters(),
        point.cpuCores(),
        point.rssMib(),
        point.intervalS());
  }

  /** The snapshot again, for {@link Metrics#add}. */
  public Metrics.Snapshot snapshot() {
    Histogram[] histograms = new Histogram[Metrics.Timer.values().length];
    for (Metrics.Timer t : Metrics.Timer.values()) {
      byte[] bytes = timers.get(t.key);
      histograms[t.ordinal()] =
          bytes == null ? new Histogram(Metrics.HIGHEST_NANOS, 3) : decode(bytes);
    }
    Map<String, Histogram> scenario = new LinkedHashMap<>();
    scenarioTimers.forEach((name, bytes) -> scenario.put(name, decode(bytes)));
    return new Metrics.Snapshot(
        histograms,
        sent,
        expected,
        received,
        late,
        errors,
        usersConnected,
        usersPeak,
        usersTarget,
        actions,
        new ScenarioMetrics.Snapshot(scenario, scenarioCounters),
        sendHolds);
  }

  static byte[] encode(Histogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buffer);
    return Arrays.copyOf(buffer.array(), length);
  }

  static Histogram decode(byte[] bytes) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("a node's sample holds a damaged histogram", e);
    }
  }
}
