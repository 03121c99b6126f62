package io.murmuration.xmpp.lean;

import java.nio.ByteBuffer;
import java.util.List;
import javax.xml.stream.XMLStreamException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The lean TCP transport's receive path: one read's bytes fed to the connection's {@link
 * StreamParser} (as {@code TcpConnection.channelRead} does), each complete stanza handed to the
 * handler as an {@link XmlElement}. The parser lives as long as the trial, fed the server's stream
 * header once, like a connection's parser.
 *
 * <p>{@code message}: one read holding one chat message. {@code tenMessages}: one read holding ten;
 * its figures are per message ({@code @OperationsPerInvocation(10)}).
 */
@State(Scope.Thread)
public class ParseBench {
  private ByteBuffer one;
  private ByteBuffer ten;
  private StreamParser parser;

  @Setup(Level.Trial)
  public void setUp(Blackhole blackhole) throws XMLStreamException {
    one = Stanzas.messages(1);
    ten = Stanzas.messages(10);
    check(one, 1);
    check(ten, 10);
    parser =
        Stanzas.openedParser(
            new StreamParser.Handler() {
              private boolean opened;

              @Override
              public void streamOpened(XmlElement header) {
                if (opened) {
                  throw new IllegalStateException("a second stream header");
                }
                opened = true;
              }

              @Override
              public void element(XmlElement element) {
                blackhole.consume(element);
              }

              @Override
              public void streamClosed() {
                throw new IllegalStateException("stream closed");
              }
            });
  }

  /** The input holds {@code count} messages with a body and a stamp, nothing else. */
  private static void check(ByteBuffer bytes, int count) throws XMLStreamException {
    List<XmlElement> elements = Stanzas.parse(bytes);
    if (elements.size() != count) {
      throw new IllegalStateException(elements.size() + " elements, not " + count);
    }
    for (XmlElement message : elements) {
      if (!message.name().equals("message")
          || !message.namespace().equals("jabber:client")
          || message.child("body", "jabber:client") == null
          || message.child("ttd", "urn:murmuration:ttd:0") == null) {
        throw new IllegalStateException("not a stamped chat message: " + message);
      }
    }
  }

  @Benchmark
  public void message() throws XMLStreamException {
    one.position(0);
    parser.feed(one);
  }

  @Benchmark
  @OperationsPerInvocation(10)
  public void tenMessages() throws XMLStreamException {
    ten.position(0);
    parser.feed(ten);
  }
}
