package io.murmuration.xmpp.lean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.scenario.TtdStamp;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.junit.jupiter.api.Test;

class StreamParserTest {
  private static final String STREAM =
      "<?xml version='1.0'?>"
          + "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
          + " id='s1' from='localhost' version='1.0' xml:lang='en'>"
          + "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
          + "<mechanism>PLAIN</mechanism><mechanism>SCRAM-SHA-1</mechanism></mechanisms>"
          + "</stream:features>\n  "
          + "<message from='a@localhost/murm' to='b@localhost' type='chat' xml:lang='fr'>"
          + "<body>héllo 日本 😀 &amp; &lt;tag&gt; &#x263A; <![CDATA[<raw & stuff>]]></body>"
          + "<ttd xmlns='urn:murmuration:ttd:0' run='r-1' t='123456789'/>"
          + "<delay xmlns='urn:xmpp:delay' stamp='2026-01-01T00:00:00Z'/></message> "
          + "<iq type='get' id='p1' from='localhost'><ping xmlns='urn:xmpp:ping'/></iq>"
          + "<presence from='b@localhost/murm'><x:c xmlns:x='urn:test' x:a='1'><x:d>ü</x:d></x:c>"
          + "</presence>"
          + "</stream:stream>";

  @Test
  void yieldsTheSameStanzasAndXmlHoweverTheBytesAreSplit() throws Exception {
    byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
    Recorder whole = parse(bytes, new int[] {bytes.length});
    assertEquals(4, whole.elements.size(), whole.elements.toString());
    assertTrue(whole.opened && whole.closed);

    int[] oneByte = new int[bytes.length];
    Arrays.fill(oneByte, 1);
    assertEquals(whole.elements, parse(bytes, oneByte).elements);

    Random random = new Random(42);
    for (int run = 0; run < 300; run++) {
      List<Integer> sizes = new ArrayList<>();
      for (int left = bytes.length; left > 0; ) {
        int size = Math.min(left, 1 + random.nextInt(run % 2 == 0 ? 8 : 64));
        sizes.add(size);
        left -= size;
      }
      Recorder split = parse(bytes, sizes.stream().mapToInt(Integer::intValue).toArray());
      assertEquals(whole.elements, split.elements, "chunks " + sizes);
      assertTrue(split.closed);
    }
  }

  @Test
  void splitsInsideAMultiByteCharacterAndKeepsIt() throws Exception {
    String text =
        "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
            + "<message><body>€😀</body></message>";
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int euro = text.indexOf('€');
    int cut = text.substring(0, euro).getBytes(StandardCharsets.UTF_8).length + 1; // inside €
    Recorder recorder = parse(bytes, new int[] {cut, 2, 2, bytes.length - cut - 4});
    XmlElement message = recorder.parsed.get(0);
    assertEquals("€😀", message.child("body", "jabber:client").text());
  }

  @Test
  void keepsAttributesTextNamespacesAndXmlLangInTheXml() throws Exception {
    byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
    Recorder recorder = parse(bytes, new int[] {bytes.length});
    XmlElement message = recorder.parsed.get(1);
    assertEquals("héllo 日本 😀 & <tag> ☺ <raw & stuff>", message.child("body", Xml.CLIENT).text());
    assertEquals("123456789", message.child("ttd", TtdStamp.NAMESPACE).attribute("t"));
    assertEquals(
        "<message xmlns='jabber:client' from='a@localhost/murm' to='b@localhost' type='chat'"
            + " xml:lang='fr'><body>héllo 日本 😀 &amp; &lt;tag&gt; ☺ &lt;raw &amp; stuff&gt;</body>"
            + "<ttd xmlns='urn:murmuration:ttd:0' run='r-1' t='123456789'/>"
            + "<delay xmlns='urn:xmpp:delay' stamp='2026-01-01T00:00:00Z'/></message>",
        recorder.elements.get(1));
    assertEquals(
        "<presence xmlns='jabber:client' from='b@localhost/murm'><c xmlns='urn:test' a='1'>"
            + "<d>ü</d></c></presence>",
        recorder.elements.get(3));
  }

  @Test
  void startsANewDocumentAfterARestart() throws Exception {
    Recorder recorder = new Recorder();
    StreamParser parser = new StreamParser(recorder);
    recorder.onElement =
        element -> {
          if (element.name.equals("success")) {
            parser.restart();
          }
        };
    parser.feed(
        utf8(
            "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
                + " xmlns:stream='http://etherx.jabber.org/streams'>"
                + "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"));
    parser.feed(
        utf8(
            "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
                + " xmlns:stream='http://etherx.jabber.org/streams'><stream:features/>"));
    assertEquals(2, recorder.elements.size(), recorder.elements.toString());
    assertEquals("<features xmlns='http://etherx.jabber.org/streams'/>", recorder.elements.get(1));
  }

  @Test
  void refusesMalformedXml() {
    StreamParser parser = new StreamParser(new Recorder());
    assertThrows(
        XMLStreamException.class,
        () -> parser.feed(utf8("<stream:stream xmlns:stream='x'><a></b><c/>")));
  }

  @Test
  void parsesOneElementAndRefusesFragments() {
    XmlElement iq = StreamParser.parseElement("<iq type='get'><query xmlns='q'/></iq>");
    assertEquals("<iq type='get'><query xmlns='q'/></iq>", iq.xml());
    assertThrows(IllegalArgumentException.class, () -> StreamParser.parseElement("<a/><b/>"));
    assertThrows(IllegalArgumentException.class, () -> StreamParser.parseElement("<a>"));
    assertThrows(IllegalArgumentException.class, () -> StreamParser.parseElement("text"));
  }

  @Test
  void escapesWhatItSendsSoThatItParsesBackToTheSameText() {
    String body = "a < b && c > 'd' \"e\" \u0001 😀 ]]>";
    String xml = Xml.chat("x@y", "chat", body, new TtdStamp("r'un", 7));
    XmlElement message = StreamParser.parseElement(xml);
    assertEquals("a < b && c > 'd' \"e\" \uFFFD 😀 ]]>", message.child("body", "").text());
    assertEquals("r'un", message.child("ttd", TtdStamp.NAMESPACE).attribute("run"));
  }

  @Test
  void agreesWithTheJdkParserOnRandomDocumentsSplitAnywhere() throws Exception {
    Random random = new Random(7);
    for (int doc = 0; doc < 300; doc++) {
      StringBuilder xml =
          new StringBuilder(
              "<?xml version='1.0'?><!-- c --><stream:stream xmlns='jabber:client'"
                  + " xmlns:stream='http://etherx.jabber.org/streams' id='d"
                  + doc
                  + "'>");
      int stanzas = 1 + random.nextInt(6);
      for (int i = 0; i < stanzas; i++) {
        randomElement(xml, random, 0);
        xml.append(random.nextBoolean() ? " \n" : random.nextBoolean() ? "<!-- between -->" : "");
      }
      xml.append("</stream:stream>");
      byte[] bytes = xml.toString().getBytes(StandardCharsets.UTF_8);
      List<String> expected = jdkElements(xml.toString());
      List<Integer> sizes = new ArrayList<>();
      for (int left = bytes.length; left > 0; ) {
        int size = Math.min(left, 1 + random.nextInt(doc % 3 == 0 ? 4 : 200));
        sizes.add(size);
        left -= size;
      }
      Recorder split = parse(bytes, sizes.stream().mapToInt(Integer::intValue).toArray());
      assertEquals(expected, split.elements, xml + " in chunks " + sizes);
      assertTrue(split.closed, xml.toString());
    }
  }

  /** A random element: prefixes, namespaces, entities, CDATA, comments, multi-byte text. */
  private static void randomElement(StringBuilder xml, Random random, int depth) {
    String[] names = {"message", "body", "x", "item", "é", "q"};
    String name = names[random.nextInt(names.length)];
    boolean prefixed = random.nextInt(4) == 0;
    String tag = prefixed ? "p:" + name : name;
    xml.append('<').append(tag);
    if (prefixed) {
      xml.append(" xmlns:p='urn:p").append(random.nextInt(3)).append('\'');
    } else if (random.nextInt(3) == 0) {
      xml.append(" xmlns='urn:d").append(random.nextInt(3)).append('\'');
    }
    String[] values = {"a>b", "x&amp;y", "&#x263A;", "line\nbreak", "\"q\"", "日本", "", "t\tab"};
    int attributes = random.nextInt(3);
    for (int i = 0; i < attributes; i++) {
      char quote = random.nextBoolean() ? '\'' : '"';
      String value = values[random.nextInt(values.length)].replace(String.valueOf(quote), "&quot;");
      xml.append(i == 0 && random.nextBoolean() ? " xml:lang=" : " a" + i + "=");
      xml.append(quote).append(value).append(quote);
    }
    if (depth > 3 || random.nextInt(4) == 0) {
      xml.append(random.nextBoolean() ? "/>" : " />");
      return;
    }
    xml.append('>');
    String[] texts = {
      "héllo 😀", " &lt;&gt; ", "<![CDATA[<raw>&]]>", "<!-- note -->", "a\r\nb", "7"
    };
    int parts = random.nextInt(4);
    for (int i = 0; i < parts; i++) {
      if (random.nextBoolean()) {
        xml.append(texts[random.nextInt(texts.length)]);
      } else {
        randomElement(xml, random, depth + 1);
      }
    }
    xml.append("</").append(tag).append(random.nextBoolean() ? ">" : " >");
  }

  /** The stream's top-level elements as the JDK's own StAX parser reads them, as XML. */
  private static List<String> jdkElements(String xml) throws XMLStreamException {
    XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
    factory.setProperty(XMLInputFactory.IS_COALESCING, true);
    XMLStreamReader reader = factory.createXMLStreamReader(new java.io.StringReader(xml));
    List<String> elements = new ArrayList<>();
    ArrayDeque<XmlElement> open = new ArrayDeque<>();
    while (reader.hasNext()) {
      switch (reader.next()) {
        case XMLStreamConstants.START_ELEMENT -> {
          XmlElement element =
              new XmlElement(
                  reader.getLocalName(), reader.getNamespaceURI(), reader.getAttributeCount());
          for (int i = 0; i < reader.getAttributeCount(); i++) {
            element.addAttribute(
                reader.getAttributeNamespace(i),
                reader.getAttributeLocalName(i),
                reader.getAttributeValue(i));
          }
          if (open.size() > 1) {
            open.peek().addChild(element);
          }
          open.push(element);
        }
        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
          if (open.size() > 1) {
            open.peek().addText(reader.getText());
          }
        }
        case XMLStreamConstants.END_ELEMENT -> {
          XmlElement done = open.pop();
          if (open.size() == 1) {
            elements.add(done.xml());
          }
        }
        default -> {}
      }
    }
    return elements;
  }

  @Test
  void keepsAnElementThatSpansManyReads() throws Exception {
    StringBuilder roster = new StringBuilder("<iq type='result'><query xmlns='jabber:iq:roster'>");
    for (int i = 0; i < 2000; i++) {
      roster.append("<item jid='user_").append(i).append("@localhost' subscription='both'/>");
    }
    roster.append("</query></iq>");
    String stream = STREAM.substring(0, STREAM.indexOf("<stream:features>")) + roster;
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    int[] chunks = new int[(bytes.length + 999) / 1000];
    Arrays.fill(chunks, 1000);
    chunks[chunks.length - 1] = bytes.length - 1000 * (chunks.length - 1);
    Recorder recorder = parse(bytes, chunks);
    assertEquals(1, recorder.parsed.size());
    List<XmlElement> items = recorder.parsed.get(0).child("query", "jabber:iq:roster").elements();
    assertEquals(2000, items.size());
    assertEquals("user_1999@localhost", items.get(1999).attribute("jid"));
  }

  @Test
  void opensAndClosesASelfClosedRootAndIgnoresWhatFollows() throws Exception {
    Recorder recorder = new Recorder();
    StreamParser parser = new StreamParser(recorder);
    parser.feed(utf8("<body xmlns='http://jabber.org/protocol/httpbind' type='terminate'/><x/>"));
    assertTrue(recorder.opened && recorder.closed);
    assertEquals(List.of(), recorder.elements);
  }

  @Test
  void refusesWhatXmppForbidsOrXmlDoesNotAllow() {
    String head = "<stream:stream xmlns='jabber:client' xmlns:stream='x'>";
    for (String bad :
        List.of(
            "<!DOCTYPE stream SYSTEM 'x'>" + head,
            head + "<a:b/>",
            head + "<m b:c='1'/>",
            head + "<m>&bogus;</m>",
            head + "<m a='<'/>",
            head + "<m a=1/>",
            head + "<m></n>",
            head + "</stream:other>")) {
      StreamParser parser = new StreamParser(new Recorder());
      assertThrows(XMLStreamException.class, () -> parser.feed(utf8(bad)), bad);
    }
  }

  private static ByteBuffer utf8(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  private static Recorder parse(byte[] bytes, int[] chunks) throws XMLStreamException {
    Recorder recorder = new Recorder();
    StreamParser parser = new StreamParser(recorder);
    byte[] readBuffer = new byte[bytes.length]; // reused, as a pooled read buffer is
    int offset = 0;
    for (int size : chunks) {
      Arrays.fill(readBuffer, (byte) '#'); // what the parser kept must not live in the buffer
      System.arraycopy(bytes, offset, readBuffer, 0, size);
      parser.feed(ByteBuffer.wrap(readBuffer, 0, size));
      offset += size;
    }
    return recorder;
  }

  private static final class Recorder implements StreamParser.Handler {
    final List<String> elements = new ArrayList<>();
    final List<XmlElement> parsed = new ArrayList<>();
    java.util.function.Consumer<XmlElement> onElement = element -> {};
    boolean opened;
    boolean closed;

    @Override
    public void streamOpened(XmlElement header) {
      opened = true;
    }

    @Override
    public void element(XmlElement element) {
      parsed.add(element);
      elements.add(element.xml());
      onElement.accept(element);
    }

    @Override
    public void streamClosed() {
      closed = true;
    }
  }
}
