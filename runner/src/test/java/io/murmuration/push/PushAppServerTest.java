package io.murmuration.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.scenario.PushNotification;
import io.murmuration.xmpp.lean.XmlElement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the app server reads from a publish, answers, and refuses to start with. */
class PushAppServerTest {
  @TempDir Path dir;

  /**
   * ejabberd 23.01's publish for a message with include_body and include_sender, as it sends it.
   */
  private static final String PUBLISH =
      "<iq xmlns='jabber:component:accept' type='set' id='5f3a' from='localhost'"
          + " to='push.localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
          + "<publish node='murm-2'><item><notification xmlns='urn:xmpp:push:0'>"
          + "<x xmlns='jabber:x:data' type='submit'>"
          + "<field var='FORM_TYPE'><value>urn:xmpp:push:summary</value></field>"
          + "<field var='last-message-sender'><value>user_1@localhost/murm</value></field>"
          + "<field var='last-message-body'><value>message 0 from 1 at 42</value></field>"
          + "<field var='last-message-body'><value>a second one</value></field>"
          + "</x></notification></item></publish></pubsub></iq>";

  @Test
  void aPublishYieldsItsNodeAndSummaryFieldsWithoutTheFormType() {
    PushNotification push = PushAppServer.notification(XmlElement.parse(PUBLISH), 7);
    assertEquals("murm-2", push.node());
    assertEquals(
        Map.of(
            "last-message-sender", "user_1@localhost/murm",
            "last-message-body", "message 0 from 1 at 42"),
        push.fields());
    assertEquals("message 0 from 1 at 42", push.body());
    assertEquals("user_1@localhost/murm", push.sender());
    assertEquals(7, push.receivedAtNanos());
  }

  @Test
  void aPublishWithoutASummaryIsANotificationWithoutFields() {
    String bare =
        "<iq type='set' id='1' from='localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
            + "<publish node='n'><item><notification xmlns='urn:xmpp:push:0'/></item></publish>"
            + "</pubsub></iq>";
    PushNotification push = PushAppServer.notification(XmlElement.parse(bare), 1);
    assertEquals("n", push.node());
    assertEquals(Map.of(), push.fields());
    assertNull(push.body());
  }

  @Test
  void anythingButAPushPublishIsNoNotification() {
    for (String iq :
        new String[] {
          "<iq type='get' id='1'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
          // no node
          "<iq type='set' id='1'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish><item>"
              + "<notification xmlns='urn:xmpp:push:0'/></item></publish></pubsub></iq>",
          // an item of another kind
          "<iq type='set' id='1'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
              + "<publish node='n'><item><entry xmlns='urn:x'/></item></publish></pubsub></iq>",
          // the notification in the wrong namespace
          "<iq type='set' id='1'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
              + "<publish node='n'><item><notification xmlns='urn:xmpp:push:1'/></item></publish>"
              + "</pubsub></iq>"
        }) {
      assertNull(PushAppServer.notification(XmlElement.parse(iq), 1), iq);
    }
  }

  @Test
  void theAnswerIsAResultFromTheComponentToTheAskerWithTheRequestsIdEscaped() {
    String iq = "<iq type='set' id='a&apos;&lt;b' from='localhost'/>";
    assertEquals(
        "<iq type='result' id='a&apos;&lt;b' from='push.localhost' to='localhost'/>",
        PushAppServer.result(XmlElement.parse(iq), "push.localhost"));
  }

  @Test
  void theComponentAddressIsHostColonPort() {
    assertEquals(5347, PushAppServer.address("127.0.0.1:5347").getPort());
    assertTrue(PushAppServer.address("::1:5347").getAddress().isLoopbackAddress());
    for (String bad : new String[] {"", "127.0.0.1", ":5347", "h:0", "h:65536", "h:x", "h:"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> PushAppServer.address(bad), bad);
      assertTrue(e.getMessage().contains("is not the HOST:PORT"), e.getMessage());
    }
  }

  @Test
  void theSecretIsTheFirstLineOfASmallFile() throws Exception {
    Path good = Files.writeString(dir.resolve("good"), "  c0ffee \nignored\n");
    assertEquals("c0ffee", PushAppServer.secret(good));
    assertSecretRefused(dir.resolve("missing"), "cannot be read (NoSuchFileException");
    assertSecretRefused(Files.writeString(dir.resolve("empty"), "\n"), "has no secret");
    assertSecretRefused(
        Files.writeString(dir.resolve("ctl"), "se\u0007cret\n"), "holds control characters");
    assertSecretRefused(
        Files.writeString(dir.resolve("big"), "x".repeat(5000)), "is larger than 4096 bytes");
  }

  private static void assertSecretRefused(Path file, String problem) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PushAppServer.secret(file));
    assertTrue(e.getMessage().contains(problem), e.getMessage());
    assertTrue(e.getMessage().contains("murm server ejabberd writes one"), e.getMessage());
  }

  @Test
  void aBadDomainIsRefusedBeforeConnecting() throws Exception {
    Path secret = Files.writeString(dir.resolve("s"), "s\n");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PushAppServer.start(
                    "127.0.0.1:1", "push'.x", secret, Duration.ofSeconds(1), p -> {}, r -> {}));
    assertTrue(e.getMessage().contains("'push'.x' is not a domain"), e.getMessage());
  }

  @Test
  void eachRefusalNamesItsFix() {
    assertTrue(
        PushAppServer.refusal("component p at h:1", "stream error not-authorized")
            .endsWith(
                "the secret (or the domain) does not match the server's component listener;"
                    + " give its secret file and domain (murm server ejabberd prints both)"));
    assertTrue(
        PushAppServer.refusal("c", "stream error conflict")
            .contains("one of the server's own hosts"));
    assertTrue(
        PushAppServer.refusal("c", "Connection refused")
            .endsWith(
                "start the server with a component listener (murm server ejabberd has one)"
                    + " or fix the address"));
  }
}
