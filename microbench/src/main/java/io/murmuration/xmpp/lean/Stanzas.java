package io.murmuration.xmpp.lean;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLStreamException;

/**
 * The bytes the benchmarks parse, as ejabberd 23.01 sends them to a lean TCP client in the
 * one-to-one scenario (captured from a local {@code murm server ejabberd}, message archive on): the
 * restarted stream's header after SASL, and chat messages. ejabberd adds {@code xml:lang} and the
 * sender's full JID as {@code from}, keeps the bare {@code to} and the missing id of what the
 * runner sent, adds the archive's {@code <archived/>} and {@code <stanza-id/>}, and puts the {@code
 * <ttd/>} stamp before the body.
 */
final class Stanzas {
  static final String RUN_ID = "20261205-180000-one-to-one-abcd";

  /** The header of the stream ejabberd restarts after SASL success. */
  static final String HEADER =
      "<?xml version='1.0'?><stream:stream id='15340453737231002865' version='1.0'"
          + " xml:lang='en' xmlns:stream='http://etherx.jabber.org/streams' from='localhost'"
          + " xmlns='jabber:client'>";

  private Stanzas() {}

  /** Chat message {@code i} (0 to 9) from user_3 to user_17: 382 bytes. */
  static String message(int i) {
    String archiveId = Long.toString(1796494274826063L + i * 40_000L);
    return "<message xml:lang='en' to='user_17@localhost' from='user_3@localhost/murm'"
        + " type='chat'><archived by='user_17@localhost' id='"
        + archiveId
        + "' xmlns='urn:xmpp:mam:tmp'/><stanza-id by='user_17@localhost' id='"
        + archiveId
        + "' xmlns='urn:xmpp:sid:0'/><ttd xmlns='urn:murmuration:ttd:0' run='"
        + RUN_ID
        + "' t='"
        + (123456789012345L + i * 1_000_000L)
        + "'/><body>message "
        + (42 + i)
        + " from 3</body></message>";
  }

  /** Messages {@code 0 … count-1}, back to back, UTF-8 in a direct buffer (as Netty reads them). */
  static ByteBuffer messages(int count) {
    StringBuilder xml = new StringBuilder();
    for (int i = 0; i < count; i++) {
      xml.append(message(i));
    }
    return direct(xml.toString());
  }

  static ByteBuffer direct(String xml) {
    byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
  }

  /** A new parser for {@code handler}, fed {@link #HEADER}. */
  static StreamParser openedParser(StreamParser.Handler handler) throws XMLStreamException {
    StreamParser parser = new StreamParser(handler);
    parser.feed(direct(HEADER));
    return parser;
  }

  /** The elements one parse of {@code bytes} yields on a freshly opened stream. */
  static List<XmlElement> parse(ByteBuffer bytes) throws XMLStreamException {
    List<XmlElement> elements = new ArrayList<>();
    openedParser(
            new StreamParser.Handler() {
              @Override
              public void streamOpened(XmlElement header) {}

              @Override
              public void element(XmlElement element) {
                elements.add(element);
              }

              @Override
              public void streamClosed() {
                throw new IllegalStateException("stream closed");
              }
            })
        .feed(bytes.duplicate());
    return elements;
  }
}
