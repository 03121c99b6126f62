package io.murmuration.metrics;

import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Recording one time to delivery as the runner does ({@code UserActor.time}): {@link
 * Metrics#record} on {@link Metrics.Timer#TTD}, an HdrHistogram {@link org.HdrHistogram.Recorder}
 * of 3 significant digits up to one hour, the value clamped to it. One thread records, nobody
 * reads: uncontended. Values cycle through 1,024 TTDs of 0.5 to 50 ms.
 */
@State(Scope.Thread)
public class HistogramRecordBench {
  private final Metrics metrics = new Metrics();
  private final long[] values = new long[1024];
  private int next;

  public HistogramRecordBench() {
    SplittableRandom random = new SplittableRandom(17);
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextLong(500_000, 50_000_000);
    }
  }

  @Benchmark
  public void ttd() {
    metrics.record(Metrics.Timer.TTD, values[next++ & (values.length - 1)]);
  }
}
