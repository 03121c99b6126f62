package io.murmuration.hook.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RepoConfigTest {
  private static final Map<String, String> VARS =
      Map.of("MURM_SUT_PORT", "31000", "MURM_SUT_HTTP_PORT", "31001", "MURM_JOB_DIR", "/jobs/1");

  private static RepoConfig parse(String text) {
    return RepoConfig.parse(text, "loadtest.conf", VARS);
  }

  private static String error(String text) {
    return assertThrows(RepoConfig.Invalid.class, () -> parse(text)).getMessage();
  }

  @Test
  void theExampleOfTheDocumentationReadsAsWritten() {
    RepoConfig c =
        parse(
            """
            build = "make rel"
            build-timeout = 20m
            start = "rel/bin/server foreground"
            stop = "rel/bin/server stop"
            ready { tcp = "127.0.0.1:${?MURM_SUT_PORT}", timeout = 120s }
            xmpp { target = ["127.0.0.1:"${MURM_SUT_PORT}], domain = "localhost" }
            accounts { mode = http-api, http-api = "http://127.0.0.1:${MURM_SUT_HTTP_PORT}/api" }
            scenarios = [ { scenario = one-to-one, users = 50, arrival-rate = 50, duration = 20s,
                            params { interval = 1s, messages = 0 },
                            assert = ["ttd.p99 < 50ms", "messages.lost == 0"] } ]
            """);
    assertEquals("make rel", c.build());
    assertEquals(Duration.ofMinutes(20), c.buildTimeout());
    assertEquals("127.0.0.1:31000", c.ready().tcp());
    assertEquals(List.of("127.0.0.1:31000"), c.targets());
    assertEquals("http://127.0.0.1:31001/api", c.accounts().httpApi());
    RepoConfig.ScenarioRun s = c.scenarios().get(0);
    assertEquals(50, s.users());
    assertEquals(Duration.ofSeconds(20), s.duration());
    assertEquals(Map.of("interval", "1s", "messages", "0"), s.params());
    assertEquals(List.of("ttd.p99 < 50ms", "messages.lost == 0"), s.asserts());
    assertEquals(Duration.ofSeconds(20).plusMinutes(5), s.timeout());
  }

  @Test
  void withoutReadyOrXmppTheServerIsExpectedOnTheSutPort() {
    RepoConfig c = parse("start = \"run\"\nscenarios = [ { scenario = one-to-one } ]\n");
    assertNull(c.build());
    assertEquals(List.of("127.0.0.1:31000"), c.targets());
    assertEquals("127.0.0.1:31000", c.ready().tcp());
    assertEquals("register", c.accounts().mode());
  }

  @Test
  void anUnknownKeyIsNamedWithItsFileAndLine() {
    String message =
        error("start = \"run\"\n\nbuidl = \"make\"\nscenarios = [ { scenario = one-to-one } ]\n");
    assertTrue(message.startsWith("loadtest.conf:3: unknown key 'buidl'"), message);
  }

  @Test
  void anUnknownScenarioIsNamedWithItsLine() {
    String message = error("start = \"run\"\nscenarios = [\n  { scenario = one-to-none }\n]\n");
    assertTrue(message.startsWith("loadtest.conf:3: scenario: unknown scenario"), message);
  }

  @Test
  void aMissingStartOrScenarioListIsSaid() {
    assertTrue(error("scenarios = [ { scenario = one-to-one } ]").contains("'start' is missing"));
    assertTrue(error("start = run").contains("'scenarios' is missing"));
  }

  @Test
  void aSyntaxErrorNamesTheLine() {
    String message = error("start = \"run\"\nready { tcp = = }\nscenarios = []\n");
    assertTrue(message.startsWith("loadtest.conf:2: "), message);
  }

  @Test
  void readyTakesEitherATcpAddressOrACommand() {
    String message =
        error(
            "start = run\nready { tcp = \"127.0.0.1:1\", command = \"true\" }\n"
                + "scenarios = [ { scenario = one-to-one } ]");
    assertTrue(message.contains("either tcp or command"), message);
    assertTrue(
        error("start = run\nready.tcp = nowhere\nscenarios = [ { scenario = one-to-one } ]")
            .contains("is not HOST:PORT"));
  }
}
