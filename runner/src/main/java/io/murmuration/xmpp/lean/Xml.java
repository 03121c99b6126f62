package io.murmuration.xmpp.lean;

import io.murmuration.scenario.TtdStamp;

/**
 * Builds the XML this transport sends, as strings: stream headers, negotiation elements and
 * stanzas, with text and attribute values escaped. Characters XML 1.0 forbids (most control
 * characters, lone surrogates) are replaced by U+FFFD so that a scenario's odd body can never break
 * the stream.
 *
 * <p>Stateless and thread-safe.
 */
public final class Xml {
  static final String STREAMS = "http://etherx.jabber.org/streams";
  static final String CLIENT = "jabber:client";
  static final String TLS = "urn:ietf:params:xml:ns:xmpp-tls";
  static final String SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
  static final String BIND = "urn:ietf:params:xml:ns:xmpp-bind";
  static final String SESSION = "urn:ietf:params:xml:ns:xmpp-session";
  static final String STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";
  static final String REGISTER = "jabber:iq:register";
  static final String PING = "urn:xmpp:ping";
  static final String DISCO_INFO = "http://jabber.org/protocol/disco#info";
  static final String DELAY = "urn:xmpp:delay";
  static final String LEGACY_DELAY = "jabber:x:delay";

  static final String STREAM_END = "</stream:stream>";

  private Xml() {}

  /** The opening of a client stream to {@code domain}, with the XML declaration. */
  static String streamHeader(String domain) {
    StringBuilder xml = new StringBuilder(200);
    xml.append("<?xml version='1.0'?><stream:stream to='");
    escapeAttribute(xml, domain);
    return xml.append("' version='1.0' xml:lang='en' xmlns='jabber:client'")
        .append(" xmlns:stream='http://etherx.jabber.org/streams'>")
        .toString();
  }

  /** RFC 7395's stream opening for {@code domain}: one WebSocket frame, no XML declaration. */
  static String open(String domain) {
    StringBuilder xml = new StringBuilder(120);
    xml.append("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='");
    escapeAttribute(xml, domain);
    return xml.append("' version='1.0' xml:lang='en'/>").toString();
  }

  /**
   * {@code stanza} with {@code xmlns='jabber:client'} on its root unless it names a namespace:
   * inside a BOSH {@code <body/>} the default namespace is BOSH's own (XEP-0206), and a WebSocket
   * frame has no enclosing stream to inherit one from (RFC 7395, 3.3.3). Negotiation elements name
   * theirs already.
   */
  static String inClientNamespace(String stanza) {
    int nameEnd = 1;
    while (nameEnd < stanza.length() && " \t\r\n/>".indexOf(stanza.charAt(nameEnd)) < 0) {
      nameEnd++;
    }
    int tagEnd = stanza.indexOf('>');
    String startTag = tagEnd < 0 ? stanza : stanza.substring(0, tagEnd);
    if (startTag.contains("xmlns=") || startTag.contains("xmlns =")) {
      return stanza;
    }
    return stanza.substring(0, nameEnd) + " xmlns='" + CLIENT + "'" + stanza.substring(nameEnd);
  }

  /**
   * A message of {@code type} ({@code chat} or {@code groupchat}) with a body and, unless {@code
   * stamp} is null, the {@code <ttd/>} element.
   */
  static String chat(String to, String type, String body, TtdStamp stamp) {
    int stampLength = stamp == null ? 0 : 72 + stamp.runId().length(); // sized not to grow
    StringBuilder xml = new StringBuilder(64 + to.length() + body.length() + stampLength);
    xml.append("<message to='");
    escapeAttribute(xml, to);
    xml.append("' type='").append(type).append("'><body>");
    escapeText(xml, body);
    xml.append("</body>");
    if (stamp != null) {
      stamp.appendTo(xml);
    }
    return xml.append("</message>").toString();
  }

  /** An IQ of {@code type} with one child element given as XML (or none when null). */
  static String iq(String type, String id, String to, String childXml) {
    StringBuilder xml = new StringBuilder(120);
    xml.append("<iq type='").append(type).append("' id='");
    escapeAttribute(xml, id);
    xml.append('\'');
    if (to != null) {
      xml.append(" to='");
      escapeAttribute(xml, to);
      xml.append('\'');
    }
    if (childXml == null) {
      return xml.append("/>").toString();
    }
    return xml.append('>').append(childXml).append("</iq>").toString();
  }

  /** {@code <name>text</name>}, in the parent's namespace. */
  static String simple(String name, String text) {
    StringBuilder xml = new StringBuilder(32);
    xml.append('<').append(name).append('>');
    escapeText(xml, text);
    return xml.append("</").append(name).append('>').toString();
  }

  static void escapeText(StringBuilder out, String text) {
    escape(out, text, false);
  }

  public static void escapeAttribute(StringBuilder out, String value) {
    escape(out, value, true);
  }

  static String escapeAttribute(String value) {
    StringBuilder out = new StringBuilder(value.length() + 8);
    escape(out, value, true);
    return out.toString();
  }

  private static void escape(StringBuilder out, String s, boolean attribute) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '\'' -> out.append(attribute ? "&apos;" : "'");
        case '"' -> out.append(attribute ? "&quot;" : "\"");
        case '\t', '\n', '\r' -> {
          if (attribute) {
            out.append("&#").append((int) c).append(';');
          } else {
            out.append(c);
          }
        }
        default -> {
          if (c < 0x20 || c == 0xFFFE || c == 0xFFFF) {
            out.append('\uFFFD');
          } else if (Character.isHighSurrogate(c)
              && i + 1 < n
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            out.append('\uFFFD');
          } else {
            out.append(c);
          }
        }
      }
    }
  }
}
