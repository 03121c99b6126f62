package io.murmuration.hook.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code coordinator} block of the service's settings, with real token files. */
class CoordinatorTest {
  private static final String TOKEN = "a-test-token-of-24-chars";

  @TempDir Path tmp;

  @Test
  void aBlockWithAPrivateTokenFileGivesTheCoordinatorAndNeverShowsTheToken() throws Exception {
    Path token = file("token", TOKEN + "\n", "rw-------");

    Coordinator all = of("url = \"http://127.0.0.1:8086\", token-file = \"" + token + "\"");
    Coordinator two =
        of("url = \"https://coordinator.example/\", token-file = \"" + token + "\", nodes = 2");

    assertEquals(URI.create("http://127.0.0.1:8086"), all.url());
    assertEquals(TOKEN, all.token());
    assertNull(all.nodes());
    assertEquals(2, two.nodes());
    assertFalse(all.toString().contains(TOKEN), all.toString());
    assertEquals("https://coordinator.example/ (2 workers)", two.toString());
  }

  @Test
  void aTokenFileIsRefusedAsTheCoordinatorRefusesItsOwnNamingTheKeyAndTheFix() throws Exception {
    Path missing = tmp.resolve("missing");
    Path shared = file("shared", TOKEN, "rw-r--r--");
    Path shortToken = file("short", "tooshort", "rw-------");
    Path twoLines = file("two", TOKEN + "\n" + TOKEN, "rw-------");

    assertEquals(
        "coordinator.token-file "
            + missing
            + " does not exist: copy the coordinator's --api-token-file there (chmod 600)",
        refused("url = \"http://127.0.0.1:8086\", token-file = \"" + missing + "\""));
    assertEquals(
        "coordinator.token-file " + shared + " is readable by others: chmod 600 " + shared,
        refused("url = \"http://127.0.0.1:8086\", token-file = \"" + shared + "\""));
    assertEquals(
        "coordinator.token-file "
            + shortToken
            + " holds fewer than 16 characters: put the coordinator's token in it",
        refused("url = \"http://127.0.0.1:8086\", token-file = \"" + shortToken + "\""));
    assertEquals(
        "coordinator.token-file " + twoLines + " holds more than one line: keep the token only",
        refused("url = \"http://127.0.0.1:8086\", token-file = \"" + twoLines + "\""));
  }

  @Test
  void aUrlThatIsNotHttpWithAHostAndOtherMistakesAreOneLineNamingTheKey() throws Exception {
    Path token = file("token", TOKEN, "rw-------");
    String file = "token-file = \"" + token + "\"";

    for (String url : new String[] {"ftp://h:21", "127.0.0.1:8086", "http:///x", "http://u:p@h"}) {
      assertEquals(
          "coordinator.url '"
              + url
              + "' is not an http(s) URL with a host: give the coordinator's --api address,"
              + " e.g. http://127.0.0.1:8086",
          refused("url = \"" + url + "\", " + file));
    }
    assertEquals(
        "coordinator.url is missing: give the coordinator's control API, e.g. url ="
            + " \"http://127.0.0.1:8086\"",
        refused(file));
    assertEquals(
        "coordinator.token-file is missing: give the file holding the token of its"
            + " --api-token-file",
        refused("url = \"http://127.0.0.1:8086\""));
    assertEquals(
        "coordinator.nodes must be 1 or more, not 0 (leave it out: all workers)",
        refused("url = \"http://127.0.0.1:8086\", " + file + ", nodes = 0"));
    assertEquals(
        "coordinator.token: unknown setting; known are nodes, token-file, url",
        refused("url = \"http://127.0.0.1:8086\", token = \"" + TOKEN + "\""));
  }

  private Path file(String name, String text, String permissions) throws Exception {
    Path f = Files.writeString(tmp.resolve(name), text);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(permissions));
    return f;
  }

  private static Coordinator of(String block) {
    return Coordinator.of(ConfigFactory.parseString(block));
  }

  private static String refused(String block) {
    return assertThrows(IllegalArgumentException.class, () -> of(block)).getMessage();
  }
}
