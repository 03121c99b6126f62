package io.murmuration.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {

  @Test
  void theVerificationHashIsTheOneOfXep0115sSimpleExample() {
    // XEP-0115 §5.2: Exodus 0.9.1 with four features
    String ver =
        Capabilities.ver(
            List.of(new Capabilities.Identity("client", "pc", "", "Exodus 0.9.1")),
            List.of(
                "http://jabber.org/protocol/disco#info",
                "http://jabber.org/protocol/disco#items",
                "http://jabber.org/protocol/muc",
                "http://jabber.org/protocol/caps"));
    assertEquals("QgayPKawpkPSDYmwT/WM94uAlu0=", ver);
  }

  @Test
  void declaredFeaturesAreAnsweredBesideTheBaseOnesAndAnnouncedWithTheirHash() {
    Capabilities caps = Capabilities.with(List.of("urn:xmpp:tune+notify"));
    assertEquals(
        List.of("http://jabber.org/protocol/disco#info", "urn:xmpp:ping", "urn:xmpp:tune+notify"),
        caps.features());
    String expected =
        Capabilities.ver(
            List.of(new Capabilities.Identity("client", "pc", "", "Murmuration")), caps.features());
    assertEquals(expected, caps.ver());
    assertEquals(
        "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='"
            + Capabilities.NODE
            + "' ver='"
            + expected
            + "'/>",
        caps.capsElement());
    String answer = caps.discoInfo(Capabilities.NODE + "#" + caps.ver());
    assertTrue(answer.contains(" node='" + Capabilities.NODE + "#" + caps.ver() + "'"), answer);
    assertTrue(answer.contains("<feature var='urn:xmpp:tune+notify'/>"), answer);
    assertTrue(
        answer.contains("<identity category='client' type='pc' name='Murmuration'/>"), answer);
  }

  @Test
  void withoutDeclaredFeaturesPresenceCarriesNoCaps() {
    assertEquals("", Capabilities.with(List.of()).capsElement());
    assertEquals(2, Capabilities.BASE.features().size());
  }

  @Test
  void aFeatureThatWouldNeedEscapingIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Capabilities.with(List.of("a'b")));
    assertThrows(IllegalArgumentException.class, () -> Capabilities.with(List.of(" ")));
  }
}
