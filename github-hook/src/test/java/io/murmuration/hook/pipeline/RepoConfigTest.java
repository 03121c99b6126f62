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
  void theGateBlockSetsRoundsTolerancesAndBounds() {
    RepoConfig c =
        parse(
            """
            start = "run"
            scenarios = [ { scenario = one-to-one, duration = 60s, warm-up = 10s } ]
            gate {
              rounds = 8
              tolerance { ttd.p99 = 15%, messages_per_s = 0.02, timers.muc_join.p99 = 20% }
              alpha = 0.01
              max-lag = 25ms
              max-error-rate = 0.01
            }
            """);
    assertEquals(8, c.gate().rounds());
    io.murmuration.gate.Settings g = c.gate().settings();
    assertEquals(0.15, g.tolerance(io.murmuration.gate.Metric.TTD_P99), 1e-12);
    assertEquals(0.02, g.tolerance(io.murmuration.gate.Metric.MESSAGES_PER_S), 1e-12);
    assertEquals(0.05, g.tolerance(io.murmuration.gate.Metric.TTD_P50), 1e-12, "default kept");
    assertEquals(
        0.20,
        g.tolerance(io.murmuration.gate.Metric.byKey("timers.muc_join.p99")),
        1e-12,
        "a scenario timer named is compared too");
    assertEquals(0.01, g.alpha(), 1e-12);
    assertEquals(25.0, g.maxLagMs(), 1e-12);
    assertEquals(0.01, g.maxErrorRate(), 1e-12);
    assertEquals(Duration.ofSeconds(10), c.scenarios().get(0).warmUp());
  }

  @Test
  void withoutAGateBlockAPullRequestGetsTenRoundsAndTheDefaultTolerances() {
    RepoConfig c = parse("start = \"run\"\nscenarios = [ { scenario = one-to-one } ]\n");
    assertEquals(10, c.gate().rounds());
    assertEquals(io.murmuration.gate.Settings.defaults(), c.gate().settings());
    assertNull(c.scenarios().get(0).warmUp());
  }

  @Test
  void aWrongGateValueIsNamedWithItsLine() {
    String head = "start = \"run\"\nscenarios = [ { scenario = one-to-one } ]\n";
    assertEquals(
        "loadtest.conf:3: gate.tolerance: unknown metric 'ttd.p95'; known: ttd.p50, ttd.p99,"
            + " messages_per_s or a scenario timer's timers.<name>.p50|p90|p99|p99_9|mean|max",
        error(head + "gate { tolerance { ttd.p95 = 5% } }\n"));
    assertEquals(
        "loadtest.conf:3: gate.tolerance.ttd.p50: expected a percentage above 0 and below 100,"
            + " e.g. 10%",
        error(head + "gate { tolerance { ttd.p50 = 150% } }\n"));
    assertEquals(
        "loadtest.conf:3: gate.rounds: must be 0 (head only) to 100, not -1",
        error(head + "gate { rounds = -1 }\n"));
    assertTrue(error(head + "gate { roundz = 3 }\n").contains("unknown key 'gate.roundz'"));
    assertEquals(
        "loadtest.conf:1: warm-up: must be shorter than the duration, or no sample would count",
        error(
            "scenarios = [ { scenario = one-to-one, duration = 5s, warm-up = 5s } ]\nstart = x\n"));
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

  @Test
  void valuesThatBecomeRunnerArgumentsAreCheckedWithTheirLine() {
    String scenarios = "scenarios = [ { scenario = one-to-one } ]\n";
    assertEquals(
        "loadtest.conf:2: xmpp.domain: not a domain name: letters, digits, '.' and '-' (not first)",
        error("start = \"run\"\nxmpp.domain = \"--influx=http://evil\"\n" + scenarios));
    assertTrue(
        error("start = \"run\"\nxmpp.target = \"-x:5222\"\n" + scenarios)
            .startsWith("loadtest.conf:2: xmpp.target: '-x:5222' is not HOST:PORT"));
    assertEquals(
        "loadtest.conf:2: accounts.username: has a control character (a newline, a tab, a NUL)",
        error("start = \"run\"\naccounts.username = \"user\\n{id}\"\n" + scenarios));
    assertEquals(
        "loadtest.conf:2: accounts.password: starts with '-', which the runner would read as an"
            + " option",
        error("start = \"run\"\naccounts.password = \"--influx=http://evil\"\n" + scenarios));
    assertEquals(
        "loadtest.conf:2: params: parameter names are letters, digits, '.', '_' and '-'",
        error(
            "start = \"run\"\nscenarios = [ { scenario = one-to-one,"
                + " params { \"a=b -x\" = 1 } } ]\n"));
    assertEquals(
        "loadtest.conf:2: assert: has a control character (a newline, a tab, a NUL)",
        error(
            "start = \"run\"\nscenarios = [ { scenario = one-to-one,"
                + " assert = [\"ttd.p99 < 5ms\\u0000\"] } ]\n"));
  }
}
