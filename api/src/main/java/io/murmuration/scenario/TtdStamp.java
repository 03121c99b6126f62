package io.murmuration.scenario;

/**
 * The time-to-delivery stamp a sender puts into each timed message, as {@code <ttd
 * xmlns='urn:murmuration:ttd:0' run='RUN-ID' t='NANOS'/>}.
 *
 * <p>{@code t} is the <em>intended</em> send time on the sending process's monotonic clock ({@link
 * System#nanoTime()}), so a late scheduler makes delivery look slower, never faster (no coordinated
 * omission). Because that clock means nothing in another process, the receiver only computes a
 * delay when {@code run} is its own run id.
 */
public record TtdStamp(String runId, long intendedNanos) {
  public static final String ELEMENT = "ttd";
  public static final String NAMESPACE = "urn:murmuration:ttd:0";
}
