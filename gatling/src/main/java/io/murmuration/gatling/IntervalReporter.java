package io.murmuration.gatling;

import io.murmuration.httpload.HttpInterval;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The child's side of {@link HttpInterval}: virtual users record into it from Gatling's event loops
 * without locks (HdrHistogram {@link Recorder}s and adders), and one line a second goes to standard
 * output, plus a last one at {@link #finish}, so that the runner has every count once the child has
 * finished. Counts read while requests complete may be a request apart from each other (totals: the
 * next line settles it); the last line, with no request left, is exact.
 */
final class IntervalReporter {
  /** As the runner's timers: nanoseconds up to one hour, 3 significant digits. */
  private static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);

  private final Recorder response = new Recorder(HIGHEST_NANOS, 3);
  private final Recorder lag = new Recorder(HIGHEST_NANOS, 3);
  private final LongAdder requests = new LongAdder();
  private final LongAdder ok = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final PrintStream out;
  private final ScheduledExecutorService ticks =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "murm-http-report");
            thread.setDaemon(true);
            return thread;
          });

  IntervalReporter(PrintStream out) {
    this.out = out;
  }

  /** Starts the line a second. */
  void start() {
    ticks.scheduleAtFixedRate(this::report, 1, 1, TimeUnit.SECONDS);
  }

  /** A request went out {@code lagNanos} after it was due. */
  void wentOut(long lagNanos) {
    lag.recordValue(clamp(lagNanos));
  }

  /** A request was answered with {@code status}, {@code nanos} after it was due. */
  void answered(int status, long nanos) {
    response.recordValue(clamp(nanos));
    count(status >= 200 && status < 300 ? null : "http-" + status);
  }

  /** A request failed without a response, for the reason {@code kind}. */
  void failed(String kind) {
    count(kind);
  }

  private void count(String errorKind) {
    if (errorKind == null) {
      ok.increment();
    } else {
      errors.computeIfAbsent(errorKind, k -> new LongAdder()).increment();
    }
    requests.increment();
  }

  /** Stops the line a second and writes the last one. */
  void finish() {
    ticks.shutdown();
    try {
      ticks.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    report();
  }

  private synchronized void report() {
    Map<String, Long> errorTotals = new TreeMap<>();
    errors.forEach((kind, n) -> errorTotals.put(kind, n.sum()));
    String line =
        new HttpInterval(
                requests.sum(),
                ok.sum(),
                errorTotals,
                encode(response.getIntervalHistogram()),
                encode(lag.getIntervalHistogram()))
            .line();
    out.println(line);
    out.flush();
  }

  /** HdrHistogram's compressed encoding in base64, or {@code -} when empty. */
  private static String encode(Histogram h) {
    if (h.getTotalCount() == 0) {
      return "-";
    }
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buffer);
    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
  }

  private static long clamp(long nanos) {
    return Math.min(Math.max(nanos, 0), HIGHEST_NANOS);
  }
}
