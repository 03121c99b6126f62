package io.murmuration.xmpp.lean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.murmuration.scenario.Element;
import io.murmuration.xmpp.Capabilities;
import io.murmuration.xmpp.XmppClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lean client's disco#info answer, as a server verifying entity capabilities reads it. */
class InboxDiscoTest {

  private static XmlElement ask(Inbox inbox, String node) {
    List<String> replies = new ArrayList<>();
    String query =
        "<query xmlns='http://jabber.org/protocol/disco#info'"
            + (node == null ? "" : " node='" + node + "'")
            + "/>";
    inbox.receive(
        XmlElement.parse(
            "<iq xmlns='jabber:client' type='get' id='d1' from='localhost' to='u@localhost/r'>"
                + query
                + "</iq>"),
        0,
        replies::add);
    assertEquals(1, replies.size(), replies.toString());
    return XmlElement.parse(replies.get(0));
  }

  /** The hash a verifier computes from the answer (XEP-0115 §5.4). */
  private static String verOf(XmlElement result) {
    XmlElement query = result.child("query", Capabilities.DISCO_INFO);
    List<Capabilities.Identity> identities = new ArrayList<>();
    List<String> features = new ArrayList<>();
    for (Element child : query.children()) {
      if (child.name().equals("identity")) {
        String name = child.attribute("name");
        identities.add(
            new Capabilities.Identity(
                child.attribute("category"), child.attribute("type"), "", name));
      } else if (child.name().equals("feature")) {
        features.add(child.attribute("var"));
      }
    }
    return Capabilities.ver(identities, features);
  }

  @Test
  void aQueryForTheAnnouncedNodeIsAnsweredWithFeaturesMatchingItsHash() {
    Inbox inbox = new Inbox(XmppClient.Listener.IGNORE, "u@localhost");
    Capabilities caps = Capabilities.with(List.of("urn:xmpp:murmuration:pep:0+notify"));
    inbox.advertise(caps);
    XmlElement result = ask(inbox, Capabilities.NODE + "#" + caps.ver());
    assertEquals("result", result.attribute("type"));
    assertEquals("d1", result.attribute("id"));
    XmlElement query = result.child("query", Capabilities.DISCO_INFO);
    assertEquals(Capabilities.NODE + "#" + caps.ver(), query.attribute("node"));
    assertEquals(caps.ver(), verOf(result));
    assertNotNull(
        query.children().stream()
            .filter(f -> "urn:xmpp:murmuration:pep:0+notify".equals(f.attribute("var")))
            .findFirst()
            .orElse(null));
  }

  @Test
  void beforeAnyPresenceTheBaseFeaturesAreAnswered() {
    Inbox inbox = new Inbox(XmppClient.Listener.IGNORE, "u@localhost");
    XmlElement result = ask(inbox, null);
    assertEquals(null, result.child("query", Capabilities.DISCO_INFO).attribute("node"));
    assertEquals(Capabilities.BASE.ver(), verOf(result));
  }
}
