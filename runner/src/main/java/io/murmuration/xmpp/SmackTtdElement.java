package io.murmuration.xmpp;

import io.murmuration.scenario.TtdStamp;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.ExtensionElementProvider;
import org.jivesoftware.smack.util.XmlStringBuilder;
import org.jivesoftware.smack.xml.XmlPullParser;

/**
 * A {@link TtdStamp} as a Smack extension element, {@code <ttd xmlns='urn:murmuration:ttd:0'
 * run='..' t='..'/>}, and its {@link Provider} (registered once by {@link SmackTransport}).
 *
 * @param stamp the stamp, or {@code null} when a received element lacked {@code run} or a numeric
 *     {@code t}: such a message counts as unstamped rather than being dropped as unparseable
 */
record SmackTtdElement(TtdStamp stamp) implements ExtensionElement {

  @Override
  public String getElementName() {
    return TtdStamp.ELEMENT;
  }

  @Override
  public String getNamespace() {
    return TtdStamp.NAMESPACE;
  }

  @Override
  public CharSequence toXML(XmlEnvironment enclosing) {
    XmlStringBuilder xml = new XmlStringBuilder(this);
    if (stamp != null) {
      xml.attribute("run", stamp.runId()).attribute("t", Long.toString(stamp.intendedNanos()));
    }
    return xml.closeEmptyElement();
  }

  /** Parses the element on Smack's reader thread; never fails. */
  static final class Provider extends ExtensionElementProvider<SmackTtdElement> {
    @Override
    public SmackTtdElement parse(
        XmlPullParser parser, int initialDepth, XmlEnvironment environment) {
      String run = parser.getAttributeValue("", "run");
      String t = parser.getAttributeValue("", "t");
      try {
        return new SmackTtdElement(
            run == null || t == null ? null : new TtdStamp(run, Long.parseLong(t)));
      } catch (NumberFormatException e) {
        return new SmackTtdElement(null);
      }
    }
  }
}
