package io.murmuration.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HttpTemplateTest {

  private static final String GRAPHQL =
      "{\"query\":\"mutation { stanza { sendMessage(from: \\\"{{from}}\\\", to: \\\"{{to}}\\\","
          + " body: \\\"{{body}}\\\") { id } } }\"}";

  @Test
  void fillsEveryPlaceholderAndLeavesTheRestAsWritten() {
    assertEquals(
        "{\"type\":\"chat\",\"from\":\"a@localhost\",\"to\":\"b@localhost\",\"subject\":\"\","
            + "\"body\":\"http 1 [ttd:r:5]\"}",
        HttpTemplate.body(HttpLoad.EJABBERD_SEND_MESSAGE)
            .render("a@localhost", "b@localhost", "http 1 [ttd:r:5]"));
    assertEquals(
        "{\"query\":\"mutation { stanza { sendMessage(from: \\\"a@x\\\", to: \\\"b@x\\\","
            + " body: \\\"hi\\\") { id } } }\"}",
        HttpTemplate.body(GRAPHQL).render("a@x", "b@x", "hi"));
    assertEquals(
        "http://h:5280/api/messages/b@x?from=a@x",
        HttpTemplate.url("http://h:5280/api/messages/{{to}}?from={{from}}")
            .render("a@x", "b@x", "unused"));
  }

  @Test
  void valuesThatWouldNeedEscapingAreRefusedNotEscaped() {
    HttpTemplate body = HttpTemplate.body(HttpLoad.EJABBERD_SEND_MESSAGE);
    for (String jid :
        new String[] {
          "a\"@x",
          "a\\@x",
          "a@x\",\"type\":\"headline",
          "a b@x",
          "a+b@x",
          "a%40@x",
          "é@x",
          "",
          "{{to}}"
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> body.render(jid, "b@x", "t"), jid);
      assertTrue(e.getMessage().contains("cannot stand for {{from}}"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
    for (String text :
        new String[] {"quote\"", "back\\slash", "line\nbreak", "tab\t", "{}", "<b>"}) {
      assertThrows(IllegalArgumentException.class, () -> body.render("a@x", "b@x", text), text);
    }
    assertThrows(IllegalArgumentException.class, () -> body.render(null, "b@x", "t"));
  }

  @Test
  void aTemplateWithAnUnknownOrBrokenPlaceholderIsRefusedWithTheKnownOnes() {
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class, () -> HttpTemplate.body("{\"x\":\"{{sender}}\"}"));
    assertEquals(
        "the request body has an unknown placeholder {{sender}}: it may hold {{from}}, {{to}},"
            + " {{body}}",
        unknown.getMessage());
    assertThrows(IllegalArgumentException.class, () -> HttpTemplate.body("{\"x\":\"{{to}\"}"));
    assertThrows(IllegalArgumentException.class, () -> HttpTemplate.body("{{ to }}"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> HttpTemplate.url("http://h/{{body}}"))
            .getMessage()
            .contains("unknown placeholder {{body}}: it may hold {{from}}, {{to}}"));
    assertThrows(IllegalArgumentException.class, () -> HttpTemplate.body("a\u0000b{{body}}"));
    assertTrue(HttpTemplate.body("{\n\t\"body\": \"{{body}}\"\r\n}").uses(HttpTemplate.Field.BODY));
  }

  @Test
  void aUrlIsHttpOrHttpsWithAHostAndNoCredentials() {
    for (String url :
        new String[] {
          "file:///etc/passwd",
          "ftp://h/send",
          "/api/send_message",
          "http://admin:secret@h/api",
          "http://h/a b",
          "http://h/api\r\nX-Injected: 1",
          "http://h/api#frag",
          "http:///nohost",
          "",
          "http://h/é"
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> HttpTemplate.url(url), url);
      assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
    }
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> HttpTemplate.url("http://u:p@h/x"))
            .getMessage()
            .contains("credentials never go on a command line"));
    assertEquals(
        "https://chat.example.org/api/graphql",
        HttpTemplate.url("https://chat.example.org/api/graphql").toString());
  }
}
