package io.murmuration.xmpp;

import java.util.Map;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.UnparsedIQ;
import org.jivesoftware.smack.parsing.StandardExtensionElementProvider;
import org.jivesoftware.smack.util.PacketParserUtils;

/**
 * An IQ request whose child element Smack has no provider for, made sendable. Smack parses such an
 * IQ into an {@link UnparsedIQ}, which cannot be sent (it writes its raw child escaped, inside a
 * second copy of the child's start tag); this IQ carries the child as a {@link
 * StandardExtensionElement} (attributes, text and nested elements) instead.
 */
final class SmackRawIq extends IQ {
  private final StandardExtensionElement child;

  private SmackRawIq(StandardExtensionElement child) {
    super(child.getElementName(), child.getNamespace());
    this.child = child;
  }

  /** {@code parsed} as a sendable IQ with the same type, id, from and to. */
  static IQ of(UnparsedIQ parsed) {
    StandardExtensionElement child;
    try {
      child =
          StandardExtensionElementProvider.INSTANCE.parse(
              PacketParserUtils.getParserFor(parsed.getContent().toString()));
    } catch (Exception e) {
      throw new IllegalArgumentException(
          "cannot read the IQ's child element: " + parsed.getContent(), e);
    }
    SmackRawIq iq = new SmackRawIq(child);
    iq.setType(parsed.getType());
    iq.setStanzaId(parsed.getStanzaId());
    iq.setTo(parsed.getTo());
    iq.setFrom(parsed.getFrom());
    return iq;
  }

  @Override
  protected IQChildElementXmlStringBuilder getIQChildElementBuilder(
      IQChildElementXmlStringBuilder xml) {
    for (Map.Entry<String, String> attribute : child.getAttributes().entrySet()) {
      xml.attribute(attribute.getKey(), attribute.getValue());
    }
    if (child.getText() == null && child.getElements().isEmpty()) {
      xml.setEmptyElement();
      return xml;
    }
    xml.rightAngleBracket();
    if (child.getText() != null) {
      xml.text(child.getText());
    }
    for (StandardExtensionElement element : child.getElements()) {
      xml.append(element.toXML(child.getNamespace()));
    }
    return xml;
  }
}
