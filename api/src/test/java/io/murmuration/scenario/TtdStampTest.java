package io.murmuration.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TtdStampTest {

  /** A received element, as the runner's transports make them. */
  private record Node(
      String name,
      String namespace,
      Map<String, String> attributes,
      String text,
      List<Element> children)
      implements Element {
    static Node of(String name, Element... children) {
      return new Node(name, "jabber:client", Map.of(), "", List.of(children));
    }

    static Node text(String name, String text) {
      return new Node(name, "jabber:client", Map.of(), text, List.of());
    }

    @Override
    public String attribute(String name) {
      return attributes.get(name);
    }

    @Override
    public Element child(String name) {
      return children.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    @Override
    public Element child(String name, String namespace) {
      return children.stream()
          .filter(c -> c.name().equals(name) && c.namespace().equals(namespace))
          .findFirst()
          .orElse(null);
    }

    @Override
    public String xml() {
      StringBuilder out = new StringBuilder("<" + name + " xmlns='" + namespace + "'");
      attributes.forEach((k, v) -> out.append(' ').append(k).append("='").append(v).append('\''));
      out.append('>').append(text);
      children.forEach(c -> out.append(c.xml()));
      return out.append("</").append(name).append('>').toString();
    }
  }

  @Test
  void itsElementCarriesTheRunIdEscapedAsAnAttributeValue() {
    assertEquals(
        "<ttd xmlns='urn:murmuration:ttd:0' run='r&apos;1&amp;&lt;&quot;' t='42'/>",
        new TtdStamp("r'1&<\"", 42).xml());
    assertEquals(
        "x<ttd xmlns='urn:murmuration:ttd:0' run='20261205-run' t='-7'/>",
        new TtdStamp("20261205-run", -7).appendTo(new StringBuilder("x")).toString());
  }

  @Test
  void itsTextFormReadsBackFromAnywhereInABody() {
    TtdStamp stamp = new TtdStamp("20261205-101500-http-to-xmpp-1a2b", 123_456_789_012L);
    assertEquals("[ttd:20261205-101500-http-to-xmpp-1a2b:123456789012]", stamp.text());
    assertEquals(stamp, TtdStamp.inText(stamp.text()));
    assertEquals(stamp, TtdStamp.inText("http 17 " + stamp.text() + " and some words after"));
    TtdStamp negative = new TtdStamp("r", -7);
    assertEquals(negative, TtdStamp.inText(negative.text()));
    assertEquals(
        stamp,
        TtdStamp.inText(negative.text() + " quoted, then " + stamp.text()),
        "the last stamp counts");
  }

  @Test
  void hostileRunIdsArePercentEncodedIntoCharactersThatNeedNoEscapingAndComeBackExactly() {
    for (String run :
        new String[] {
          "a\"b\\c",
          "x:1]",
          "{\"json\":true}",
          "line\nbreak\u0000nul",
          "ünïcødé 🐦",
          "%41",
          "",
          "</body><script>",
          "\\u0022 \" '"
        }) {
      TtdStamp stamp = new TtdStamp(run, 99);
      String text = stamp.text();
      assertTrue(text.matches("\\[ttd:[A-Za-z0-9._%-]*:99]"), text);
      assertEquals(stamp, TtdStamp.inText(text), run);
    }
    assertEquals("[ttd:a%22b%5Cc:1]", new TtdStamp("a\"b\\c", 1).text());
  }

  @Test
  void textThatIsNotAWellFormedStampIsNoStamp() {
    for (String body :
        new String[] {
          "no stamp here",
          "[ttd:run]",
          "[ttd:run:12",
          "[ttd:run:twelve]",
          "[ttd:run:1.5]",
          "[ttd:r un:12]",
          "[ttd:r\"un:12]",
          "[ttd:r%2:12]",
          "[ttd:r%zz:12]",
          "[ttd:r%C3:12]", // half a UTF-8 character
          "[ttd:r%٣٣:12]", // digits, but not ASCII ones
          "[ttd:run:99999999999999999999]",
          "[ttd:run:12] [ttd:broken"
        }) {
      assertNull(TtdStamp.inText(body), body);
    }
    assertNull(TtdStamp.inText(null));
  }

  @Test
  void aStanzaWithoutAStampElementCarriesTheTextFormInItsBody() {
    TtdStamp stamp = new TtdStamp("run-1", 5);
    Stanza message =
        new Stanza(
            "message",
            "chat",
            null,
            "a@localhost",
            "b@localhost",
            Node.of("message", Node.text("body", "http 3 " + stamp.text())),
            0);
    assertEquals(stamp, message.stamp());
    Stanza both =
        new Stanza(
            "message",
            "chat",
            null,
            null,
            null,
            Node.of(
                "message",
                Node.text("body", new TtdStamp("text", 1).text()),
                new Node(
                    "ttd", TtdStamp.NAMESPACE, Map.of("run", "element", "t", "2"), "", List.of())),
            0);
    assertEquals(new TtdStamp("element", 2), both.stamp(), "the element first");
  }
}
