package io.murmuration.scenario;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The time-to-delivery stamp a sender puts into each timed message: as an element, {@code <ttd
 * xmlns='urn:murmuration:ttd:0' run='RUN-ID' t='NANOS'/>}, or, where the sender can only write a
 * message's body (a chat server's HTTP send API), as text at the end of the body, {@code
 * [ttd:RUN-ID:NANOS]} ({@link #text()}).
 *
 * <p>{@code t} is the <em>intended</em> send time on the sending process's monotonic clock ({@link
 * System#nanoTime()}), so a late scheduler makes delivery look slower, never faster (no coordinated
 * omission). That clock is the machine's {@code CLOCK_MONOTONIC} on Linux, the same for every
 * process of one machine, so a stamp from another process (the HTTP load's Gatling child) is valid
 * in the runner on the same machine, and means nothing on another; the receiver only computes a
 * delay when {@code run} is its own run id.
 *
 * <p>Chat messages get it from the runner ({@link User#sendChat}, {@link User#sendGroupChat});
 * scenario code that times other stanzas (a PubSub item, say) embeds {@link #xml()} of {@link
 * User#stamp()} and times the arrival with {@link User#recordDelivery}. Receivers read the element
 * first and the text form only when a message has no element.
 */
public record TtdStamp(String runId, long intendedNanos) {
  public static final String ELEMENT = "ttd";
  public static final String NAMESPACE = "urn:murmuration:ttd:0";

  private static final String TEXT_OPEN = "[ttd:";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

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

  /**
   * This stamp as text, {@code [ttd:RUN-ID:NANOS]}, for a message body: the run id's UTF-8 bytes
   * other than letters, digits, {@code .}, {@code _} and {@code -} are percent-encoded ({@code %3A}
   * for {@code :}). So the text holds ASCII letters, digits and {@code . _ - : [ ] %} alone, which
   * need no escaping inside a JSON or GraphQL string, a form value or XML text.
   */
  public String text() {
    StringBuilder out = new StringBuilder(TEXT_OPEN.length() + runId.length() + 24);
    out.append(TEXT_OPEN);
    for (byte b : runId.getBytes(StandardCharsets.UTF_8)) {
      if (plain(b)) {
        out.append((char) b);
      } else {
        out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
      }
    }
    return out.append(':').append(intendedNanos).append(']').toString();
  }

  /**
   * The stamp in text form ({@link #text()}) in {@code text}: the one the last {@code [ttd:}
   * starts, or null when there is none or it is malformed (unclosed, a character or escape that
   * {@link #text()} never writes, bytes that are not UTF-8, a time that is not a number).
   */
  public static TtdStamp inText(String text) {
    if (text == null) {
      return null;
    }
    int open = text.lastIndexOf(TEXT_OPEN);
    if (open < 0) {
      return null;
    }
    int from = open + TEXT_OPEN.length();
    int close = text.indexOf(']', from);
    int colon = close < 0 ? -1 : text.lastIndexOf(':', close);
    if (colon < from) {
      return null;
    }
    String run = decode(text, from, colon);
    if (run == null) {
      return null;
    }
    try {
      return new TtdStamp(run, Long.parseLong(text.substring(colon + 1, close)));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean plain(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '-';
  }

  private static int hex(char c) {
    return c >= '0' && c <= '9'
        ? c - '0'
        : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  }

  /**
   * The run id written in {@code text[from, to)}, or null when it is not as {@link #text()} writes.
   */
  private static String decode(String text, int from, int to) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (plain(c)) {
        bytes.write(c);
      } else if (c == '%' && i + 2 < to) {
        int high = hex(text.charAt(i + 1));
        int low = hex(text.charAt(i + 2));
        if (high < 0 || low < 0) {
          return null;
        }
        bytes.write(high << 4 | low);
        i += 2;
      } else {
        return null;
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
