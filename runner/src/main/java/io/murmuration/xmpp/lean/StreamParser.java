package io.murmuration.xmpp.lean;

import com.fasterxml.aalto.AsyncByteBufferFeeder;
import com.fasterxml.aalto.AsyncXMLInputFactory;
import com.fasterxml.aalto.AsyncXMLStreamReader;
import com.fasterxml.aalto.stax.InputFactoryImpl;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;

/**
 * Turns the bytes of one XMPP stream into events, without ever waiting for more input: Aalto's
 * non-blocking parser is fed each chunk as it is read, and every top-level element (a stanza,
 * stream features, a SASL or TLS nonza, a stream error) is handed to the {@link Handler} as an
 * {@link XmlElement} tree as soon as its end tag is parsed. Chunks may split the input anywhere,
 * also inside a tag or a multi-byte UTF-8 character.
 *
 * <p>After STARTTLS and SASL success the stream starts over as a new XML document: {@link
 * #restart()} (called from a handler callback) drops the rest of the current chunk and gives the
 * next chunk to a fresh parser.
 *
 * <p>Not thread-safe: one instance per connection, used on its event loop. The Aalto factory is
 * shared (it is thread-safe once configured).
 */
final class StreamParser {
  private static final AsyncXMLInputFactory FACTORY = newFactory();

  /** What the parser found. Callbacks run inside {@link #feed}. */
  interface Handler {
    /** The server's {@code <stream:stream>} start tag, with its attributes and no content. */
    void streamOpened(XmlElement header);

    /** A complete top-level element of the stream. */
    void element(XmlElement element);

    /** The server's {@code </stream:stream>}. */
    void streamClosed();
  }

  private final Handler handler;
  private final TreeBuilder tree = new TreeBuilder(1);
  private AsyncXMLStreamReader<AsyncByteBufferFeeder> reader;
  private boolean restartRequested;

  StreamParser(Handler handler) {
    this.handler = handler;
    this.reader = FACTORY.createAsyncForByteBuffer();
  }

  /** Asks for a new document from the next chunk on; the rest of the current one is dropped. */
  void restart() {
    restartRequested = true;
  }

  /**
   * Parses {@code bytes} (read from position to limit, not kept after this call) and calls the
   * handler for everything completed by them.
   *
   * @throws XMLStreamException when the stream is not well-formed XML
   */
  void feed(ByteBuffer bytes) throws XMLStreamException {
    if (restartRequested) {
      reset();
    }
    reader.getInputFeeder().feedInput(bytes);
    int event;
    while ((event = reader.next()) != AsyncXMLStreamReader.EVENT_INCOMPLETE) {
      if (event == XMLStreamConstants.START_ELEMENT && tree.depth() == 0) {
        handler.streamOpened(tree.start(reader));
        continue;
      }
      switch (event) {
        case XMLStreamConstants.START_ELEMENT -> tree.start(reader);
        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
            tree.text(reader.getText());
        case XMLStreamConstants.END_ELEMENT -> {
          XmlElement done = tree.end();
          if (tree.depth() == 1) {
            handler.element(done);
          } else if (tree.depth() == 0) {
            handler.streamClosed();
            return;
          }
        }
        case XMLStreamConstants.END_DOCUMENT -> {
          return;
        }
        default -> {} // XML declaration, comments, processing instructions
      }
      if (restartRequested) {
        reset();
        return;
      }
    }
  }

  private void reset() {
    restartRequested = false;
    tree.clear();
    try {
      reader.close();
    } catch (XMLStreamException ignored) {
      // nothing to release
    }
    reader = FACTORY.createAsyncForByteBuffer();
  }

  /**
   * Parses a string holding exactly one element (e.g. a stanza a scenario wants to send).
   *
   * @throws IllegalArgumentException when it is not one well-formed element
   */
  static XmlElement parseElement(String xml) {
    AsyncXMLStreamReader<AsyncByteBufferFeeder> reader = FACTORY.createAsyncForByteBuffer();
    TreeBuilder tree = new TreeBuilder(0);
    XmlElement root = null;
    try {
      reader.getInputFeeder().feedInput(ByteBuffer.wrap(xml.getBytes(StandardCharsets.UTF_8)));
      reader.getInputFeeder().endOfInput();
      int event;
      while ((event = reader.next()) != XMLStreamConstants.END_DOCUMENT) {
        switch (event) {
          case XMLStreamConstants.START_ELEMENT -> {
            if (root != null && tree.depth() == 0) {
              throw new IllegalArgumentException("more than one element: " + xml);
            }
            XmlElement element = tree.start(reader);
            if (root == null) {
              root = element;
            }
          }
          case XMLStreamConstants.CHARACTERS,
              XMLStreamConstants.CDATA,
              XMLStreamConstants.SPACE -> {
            if (tree.depth() > 0) {
              tree.text(reader.getText());
            }
          }
          case XMLStreamConstants.END_ELEMENT -> tree.end();
          case AsyncXMLStreamReader.EVENT_INCOMPLETE ->
              throw new IllegalArgumentException("incomplete XML: " + xml);
          default -> {}
        }
      }
      reader.close();
    } catch (XMLStreamException e) {
      throw new IllegalArgumentException("not well-formed XML: " + e.getMessage() + ": " + xml, e);
    }
    if (root == null) {
      throw new IllegalArgumentException("no element: " + xml);
    }
    return root;
  }

  private static AsyncXMLInputFactory newFactory() {
    InputFactoryImpl factory = new InputFactoryImpl();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    return factory;
  }

  /**
   * The elements open at the current position, building the tree of each element below {@code
   * rootDepth} (1 for a stream, whose header is not the parent of its stanzas; 0 for one element).
   */
  private static final class TreeBuilder {
    private final ArrayDeque<XmlElement> open = new ArrayDeque<>();
    private final int rootDepth;

    TreeBuilder(int rootDepth) {
      this.rootDepth = rootDepth;
    }

    int depth() {
      return open.size();
    }

    XmlElement start(AsyncXMLStreamReader<?> reader) {
      XmlElement element = new XmlElement(reader.getLocalName(), reader.getNamespaceURI());
      for (int i = 0; i < reader.getAttributeCount(); i++) {
        element.addAttribute(
            reader.getAttributeNamespace(i),
            reader.getAttributeLocalName(i),
            reader.getAttributeValue(i));
      }
      if (open.size() > rootDepth) {
        open.peek().addChild(element);
      }
      open.push(element);
      return element;
    }

    void text(String text) {
      if (open.size() > rootDepth) {
        open.peek().addText(text); // whitespace between stanzas is dropped
      }
    }

    XmlElement end() {
      return open.pop();
    }

    void clear() {
      open.clear();
    }
  }
}
