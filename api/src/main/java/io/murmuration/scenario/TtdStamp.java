package io.murmuration.scenario;

/**
 * The time-to-delivery stamp a sender puts into each timed message, as {@code <ttd
 * xmlns='urn:murmuration:ttd:0' run='RUN-ID' t='NANOS'/>}.
 *
 * <p>{@code t} is the <em>intended</em> send time on the sending process's monotonic clock ({@link
 * System#nanoTime()}), so a late scheduler makes delivery look slower, never faster (no coordinated
 * omission). Because that clock means nothing in another process, the receiver only computes a
 * delay when {@code run} is its own run id.
 *
 * <p>Chat messages get it from the runner ({@link User#sendChat}, {@link User#sendGroupChat});
 * scenario code that times other stanzas (a PubSub item, say) embeds {@link #xml()} of {@link
 * User#stamp()} and times the arrival with {@link User#recordDelivery}.
 */
public record TtdStamp(String runId, long intendedNanos) {
  public static final String ELEMENT = "ttd";
  public static final String NAMESPACE = "urn:murmuration:ttd:0";

  /** The stamp read from a {@code <ttd/>} element, or null when an attribute is missing or bad. */
  public static TtdStamp of(Element ttd) {
    String run = ttd.attribute("run");
    String t = ttd.attribute("t");
    if (run == null || t == null) {
      return null;
    }
    try {
      return new TtdStamp(run, Long.parseLong(t));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** This stamp as its XML element, to put inside a stanza. */
  public String xml() {
    return appendTo(new StringBuilder(96)).toString();
  }

  /**
   * Appends {@link #xml()} to {@code out}, the run id escaped as an attribute value; returns it.
   */
  public StringBuilder appendTo(StringBuilder out) {
    out.append('<').append(ELEMENT).append(" xmlns='").append(NAMESPACE).append("' run='");
    for (int i = 0; i < runId.length(); i++) {
      char c = runId.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '\'' -> out.append("&apos;");
        case '"' -> out.append("&quot;");
        default -> out.append(c);
      }
    }
    return out.append("' t='").append(intendedNanos).append("'/>");
  }
}
