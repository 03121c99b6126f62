package io.murmuration.scenario;

/**
 * A stanza handed to scenario code: the usual attributes, and the whole {@link Element} to read
 * anything else.
 *
 * @param kind {@code message}, {@code presence} or {@code iq}
 * @param type the {@code type} attribute, or {@code null} for the default ({@code normal} messages
 *     and {@code available} presences have a null type)
 * @param element the stanza as received
 * @param receivedAtNanos {@link System#nanoTime()} when its bytes were read
 */
public record Stanza(
    String kind,
    String type,
    String id,
    String from,
    String to,
    Element element,
    long receivedAtNanos) {

  private static final String STANZA_ERRORS = "urn:ietf:params:xml:ns:xmpp-stanzas";
  private static final String CLIENT = "jabber:client";

  /** The stanza as XML (written back from {@link #element()}). */
  public String xml() {
    return element.xml();
  }

  /** The bare JID of {@link #from()} (without {@code /resource}), or null. */
  public String fromBare() {
    if (from == null) {
      return null;
    }
    int slash = from.indexOf('/');
    return slash < 0 ? from : from.substring(0, slash);
  }

  /**
   * The {@link TtdStamp} anywhere in this stanza (a message's child, a PubSub item's payload, a
   * forwarded archive entry), or, when it carries no stamp element, the stamp's text form in its
   * body (a message sent through an HTTP API); null when it carries none or a malformed one.
   */
  public TtdStamp stamp() {
    Element ttd =
        element.name().equals(TtdStamp.ELEMENT)
            ? element
            : element.find(TtdStamp.ELEMENT, TtdStamp.NAMESPACE);
    if (ttd != null) {
      return TtdStamp.of(ttd);
    }
    Element body = element.child("body", CLIENT);
    if (body == null) {
      body = element.find("body", CLIENT);
    }
    return body == null ? null : TtdStamp.inText(body.text());
  }

  /**
   * The condition of this stanza's {@code <error/>} (RFC 6120 §8.3: {@code item-not-found}, {@code
   * conflict}, …), {@code undefined-condition} when the error names none, or null when the stanza
   * carries no error.
   */
  public String errorCondition() {
    return errorCondition(element);
  }

  /** {@link #errorCondition()} of any stanza element. */
  public static String errorCondition(Element stanza) {
    Element error = stanza.child("error");
    if (error == null) {
      return null;
    }
    for (Element condition : error.children()) {
      if (condition.namespace().equals(STANZA_ERRORS) && !condition.name().equals("text")) {
        return condition.name();
      }
    }
    return "undefined-condition";
  }

  /**
   * True when the server marked it delivered late (XEP-0203 {@code <delay/>} on the stanza itself,
   * e.g. offline storage, MUC history, a stream-management resend).
   */
  public boolean delayed() {
    return element.child("delay", "urn:xmpp:delay") != null
        || element.child("x", "jabber:x:delay") != null;
  }
}
