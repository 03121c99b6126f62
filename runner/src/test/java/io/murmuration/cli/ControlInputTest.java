package io.murmuration.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.murmuration.accounts.Accounts;
import io.murmuration.engine.LoadProfile;
import io.murmuration.engine.Run;
import io.murmuration.engine.RunPlan;
import io.murmuration.metrics.Metrics;
import io.murmuration.scenario.Param;
import io.murmuration.scenario.ParamValues;
import io.murmuration.scenario.RunSetup;
import io.murmuration.scenario.Scenario;
import io.murmuration.scenario.User;
import io.murmuration.xmpp.XmppSettings;
import io.murmuration.xmpp.XmppTransport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The console's parsing and answers; the verbs' effect on a live run is covered by RunVerbsTest.
 */
class ControlInputTest {
  private final ControlInput input = new ControlInput(null, System.out);

  @Test
  void answersHelpAndUnknownCommandsWithTheCommandList() {
    assertEquals(ControlInput.HELP, input.apply("help"));
    assertEquals(ControlInput.HELP, input.apply("launch 5"));
  }

  @Test
  void saysWhatItCouldNotRead() {
    assertEquals("cannot read 'add lots': " + ControlInput.HELP, input.apply("add lots"));
    assertEquals(
        "cannot read 'throttle messages': " + ControlInput.HELP, input.apply("throttle messages"));
  }

  @Test
  void readsLinesUntilTheInputEnds() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new ControlInput(null, new PrintStream(out, true, StandardCharsets.UTF_8))
        .readAll(new StringReader("help\n\nadd x\n"));
    assertEquals(
        ControlInput.HELP + "\ncannot read 'add x': " + ControlInput.HELP + "\n",
        out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aThrottleTheScenarioDidNotDeclareIsRefusedWithTheDeclaredOnes() throws Exception {
    Scenario scenario =
        new Scenario() {
          public String name() {
            return "throttled";
          }

          public String description() {
            return "declares two throttles";
          }

          public List<Param<?>> params() {
            return List.of();
          }

          public void init(RunSetup run) {
            run.throttle("messages", 10);
            run.throttle("logins", 0);
          }

          public void start(User user) {
            user.finish();
          }
        };
    XmppSettings nowhere =
        new XmppSettings(
            List.of(new InetSocketAddress("127.0.0.1", 1)),
            List.of(),
            "localhost",
            XmppSettings.Tls.DISABLED,
            false,
            "PLAIN",
            Duration.ofSeconds(1),
            "lean");
    // one user due in 1,000 s: the run goes, nobody connects
    LoadProfile load = LoadProfile.constant(1, 1, 0.001);
    try (XmppTransport transport = XmppTransport.create(nowhere);
        Run run =
            Run.start(
                new RunPlan(
                    "console",
                    scenario,
                    ParamValues.defaults(scenario),
                    load,
                    Accounts.existing("user_{id}", "password_{id}"),
                    nowhere,
                    transport,
                    new Metrics(),
                    null))) {
      ControlInput console = new ControlInput(run, System.out);
      assertEquals(
          "unknown throttle 'mesages': use one the scenario declares: messages, logins",
          console.apply("throttle mesages 5"));
      assertEquals(
          "throttle messages: rate must be 0 (no limit) or more, not -1.0",
          console.apply("throttle messages -1"));
      assertEquals("throttle messages set to 5/s", console.apply("throttle messages 5"));
      assertEquals(
          "add: give a number of users and an arrival rate, both more than 0 (add 100 50)",
          console.apply("add 0"));
    }
  }
}
