package io.murmuration.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.murmuration.httpload.HttpInterval;
import io.murmuration.httpload.HttpLoadPlan;
import io.murmuration.sut.DelayProxy;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.testing.Cli;
import io.murmuration.testing.LocalServersExtension;
import io.murmuration.testing.MurmProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * http-to-xmpp from the command line: a real Gatling child posting to the local ejabberd's {@code
 * send_message} while real XMPP users receive, and the same load refused, answered with errors,
 * answered too late or not at all.
 */
@ExtendWith(LocalServersExtension.class)
class HttpToXmppRunTest {
  @TempDir Path runs;

  private Cli run(LocalEjabberd ejabberd, int users, String... more) {
    return run(ejabberd, users, LocalServersExtension.freshUserIds(users), more);
  }

  private Cli run(LocalEjabberd ejabberd, int users, int first, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "http-to-xmpp",
                "--target",
                ejabberd.c2s().getHostString() + ":" + ejabberd.c2s().getPort(),
                "--domain",
                ejabberd.domain(),
                "--users",
                Integer.toString(users),
                "--first-user",
                Integer.toString(first),
                "--arrival-rate",
                "100",
                "--accounts",
                "http-api",
                "--http-api",
                ejabberd.httpApi().toString(),
                "--runs-dir",
                runs.toString(),
                "--quiet"));
    args.addAll(List.of(more));
    return Cli.murm(args.toArray(String[]::new));
  }

  @Test
  void twentyReceiversGetEveryMessageTheApiAcceptedEachTimedFromItsDueTime(LocalEjabberd ejabberd)
      throws Exception {
    Cli run =
        run(
            ejabberd,
            20,
            "-Prate=50",
            "-Phold=3s",
            "-Purl=" + ejabberd.httpApi() + "/send_message",
            "--assert",
            "messages.lost == 0",
            "--assert",
            "errors.total == 0",
            "--assert",
            "timers.http_response.count == 150");
    assertEquals(0, run.code(), run.toString());
    JsonNode s = run.summary();
    assertEquals("finished", s.get("state").asText(), s.toString());
    // 50/s for 3 s: 150 sends, each accepted (2xx), each received and timed once
    assertEquals(150, s.at("/counters/http_requests").asLong(), s.toString());
    assertEquals(150, s.at("/counters/http_2xx").asLong());
    assertEquals(150, s.at("/messages/sent").asLong());
    assertEquals(150, s.at("/messages/received").asLong(), s.toString());
    assertEquals(0, s.at("/messages/late").asLong());
    assertEquals(0, s.at("/messages/lost").asLong());
    assertEquals(150, s.at("/ttd_ms/count").asLong());
    assertEquals(150, s.at("/timers_ms/http_response/count").asLong());
    assertEquals(0, s.get("errors_total").asLong());
    double ttd = s.at("/ttd_ms/p50").asDouble();
    double response = s.at("/timers_ms/http_response/p50").asDouble();
    assertTrue(ttd > 0 && response > 0 && ttd < 1_000 && response < 1_000, s.toString());
    assertTrue(
        s.at("/metric_descriptions/http_response").asText().contains("due time"), s.toString());
    assertTrue(run.out().contains("counters  http_requests 150, http_2xx 150"), run.out());

    Path gatling = run.runFolder().resolve("gatling");
    try (Stream<Path> reports = Files.list(gatling)) {
      assertTrue(
          reports.anyMatch(d -> Files.isRegularFile(d.resolve("index.html"))),
          "Gatling's HTML report in " + gatling);
    }
    String console = Files.readString(gatling.resolve("gatling.log"));
    assertTrue(console.contains("Simulation " + HttpLoadPlan.SIMULATION + " started"), console);
    assertFalse(console.contains(HttpInterval.PREFIX), "report lines are counted, not logged");
  }

  /**
   * Basic authentication as one of the run's own accounts, through a body template of our own (the
   * fields in another order, a subject): ejabberd checks the password and accepts every send. The
   * same with a wrong password: every request is a 401, counted by kind, and the assertion on
   * errors fails (exit 1). The password never reaches the run folder.
   */
  @Test
  void basicAuthAsAnAccountIsCheckedByTheServerAndAWrongPasswordIsCountedAs401(
      LocalEjabberd ejabberd, @TempDir Path secrets) throws Exception {
    int first = LocalServersExtension.freshUserIds(2);
    String account = "user_" + first + "@" + ejabberd.domain();
    Path right = Files.writeString(secrets.resolve("right"), "password_" + first + "\n");
    Path wrong = Files.writeString(secrets.resolve("wrong"), "s3cr3t-pa55\n");
    String[] load = {
      "-Prate=10",
      "-Phold=1s",
      "-Purl=" + ejabberd.httpApi() + "/send_message",
      "-Pbody={\"to\":\"{{to}}\",\"subject\":\"load\",\"from\":\"{{from}}\",\"body\":\"{{body}}\","
          + "\"type\":\"chat\"}",
      "-Pbasic_auth=" + account,
      "--assert",
      "errors.total == 0"
    };

    Cli accepted = run(ejabberd, 2, first, with(load, "-Ppassword_file=" + right));
    assertEquals(0, accepted.code(), accepted.toString());
    JsonNode s = accepted.summary();
    assertEquals(10, s.at("/counters/http_2xx").asLong(), s.toString());
    assertEquals(10, s.at("/messages/sent").asLong());
    assertEquals(10, s.at("/messages/received").asLong(), s.toString());
    assertEquals(10, s.at("/ttd_ms/count").asLong(), "each body's stamp timed");
    assertFalse(
        Files.readString(accepted.runFolder().resolve("gatling/http-load.properties"))
            .contains("password_" + first),
        "the password stays out of the run folder");

    Cli refused = run(ejabberd, 2, first, with(load, "-Ppassword_file=" + wrong));
    assertEquals(1, refused.code(), refused.toString());
    assertTrue(refused.out().matches("(?s).*assert errors.total == 0 +FAIL.*"), refused.out());
    s = refused.summary();
    assertEquals("finished", s.get("state").asText(), "HTTP errors are counted, not fatal");
    assertEquals(10, s.at("/errors/http-401").asLong(), s.toString());
    assertEquals(10, s.get("errors_total").asLong(), s.toString());
    assertEquals(10, s.at("/counters/http_requests").asLong());
    assertEquals(0, s.at("/counters/http_2xx").asLong());
    assertEquals(10, s.at("/timers_ms/http_response/count").asLong(), "answered, if refused");
    assertEquals(0, s.at("/messages/sent").asLong(), "the API accepted none");
    assertEquals(0, s.at("/messages/received").asLong());
  }

  /**
   * A command the server does not have is a 404 by kind; replies held past the time-out (a delay
   * proxy in front of the server's HTTP listener) are time-outs, not responses, and none counts as
   * a message sent.
   */
  @Test
  void anUnknownCommandIs404AndRepliesHeldPastTheTimeOutAreTimeouts(LocalEjabberd ejabberd)
      throws Exception {
    Cli unknown =
        run(
            ejabberd,
            2,
            "-Prate=10",
            "-Phold=1s",
            "-Purl=" + ejabberd.httpApi() + "/no_such_command");
    assertEquals(0, unknown.code(), unknown.toString());
    JsonNode s = unknown.summary();
    assertEquals(10, s.at("/errors/http-404").asLong(), s.toString());
    assertEquals(10, s.get("errors_total").asLong(), s.toString());
    assertEquals(0, s.at("/messages/sent").asLong());

    URI api = ejabberd.httpApi();
    try (DelayProxy slow =
        DelayProxy.start(
            new InetSocketAddress("127.0.0.1", 0),
            new InetSocketAddress(api.getHost(), api.getPort()),
            Duration.ofSeconds(2))) {
      Cli late =
          run(
              ejabberd,
              2,
              "-Prate=10",
              "-Phold=1s",
              "-Ptimeout=500ms",
              "-Purl=http://127.0.0.1:" + slow.address().getPort() + "/api/send_message");
      assertEquals(0, late.code(), late.toString());
      s = late.summary();
      assertEquals(10, s.at("/errors/http-timeout").asLong(), s.toString());
      assertEquals(10, s.get("errors_total").asLong(), s.toString());
      assertEquals(0, s.at("/timers_ms/http_response/count").asLong(), "no response came");
      assertEquals(0, s.at("/messages/sent").asLong());
    }
  }

  private static String[] with(String[] args, String more) {
    String[] all = Arrays.copyOf(args, args.length + 1);
    all[args.length] = more;
    return all;
  }

  @Test
  void anApiThatRefusesConnectionsGivesRefusedErrors(LocalEjabberd ejabberd) throws Exception {
    Cli run =
        run(
            ejabberd,
            2,
            "-Prate=10",
            "-Phold=1s",
            "-Purl=http://127.0.0.1:" + MurmProcess.freePort() + "/api/send_message",
            "--assert",
            "errors.http-refused == 0");
    assertEquals(1, run.code(), run.toString());
    JsonNode s = run.summary();
    assertEquals(10, s.at("/errors/http-refused").asLong(), s.toString());
    assertEquals(10, s.get("errors_total").asLong(), s.toString());
    assertEquals(0, s.at("/timers_ms/http_response/count").asLong());
  }

  /**
   * A run that stops before its load is over (here at --duration) stops Gatling, which ends sending
   * at once, still writes its report and exits; the messages it had sent drain.
   */
  @Test
  void aRunThatStopsFirstStopsGatlingWhichStillWritesItsReport(LocalEjabberd ejabberd)
      throws Exception {
    long started = System.nanoTime();
    Cli run =
        run(
            ejabberd,
            4,
            "-Prate=20",
            "-Phold=2m",
            "-Purl=" + ejabberd.httpApi() + "/send_message",
            "--duration",
            "10s",
            "--assert",
            "messages.lost == 0");
    long seconds = (System.nanoTime() - started) / 1_000_000_000;
    assertEquals(0, run.code(), run.toString());
    assertTrue(seconds < 30, "took " + seconds + "s: Gatling was not stopped, it was killed");
    JsonNode s = run.summary();
    long sent = s.at("/messages/sent").asLong();
    assertTrue(sent > 0 && sent < 20 * 10, "sent " + sent + " of the 2,400 due in 2 min");
    assertEquals(sent, s.at("/counters/http_2xx").asLong());
    assertTrue(s.at("/messages/received").asLong() >= sent, s.toString());
    try (Stream<Path> reports = Files.list(run.runFolder().resolve("gatling"))) {
      assertTrue(reports.anyMatch(d -> Files.isRegularFile(d.resolve("index.html"))));
    }
  }

  /** A child that cannot run (its class path lacks Gatling) fails the run, naming its log. */
  @Test
  void aGatlingChildThatCannotRunFailsTheRun(LocalEjabberd ejabberd, @TempDir Path empty)
      throws Exception {
    Path classpath = empty.resolve("gatling.classpath");
    Files.writeString(classpath, empty.toString());
    String real = System.setProperty(HttpLoadPlan.CLASSPATH_FILE_PROPERTY, classpath.toString());
    Cli run;
    try {
      run = run(ejabberd, 2, "-Prate=10", "-Phold=1s");
    } finally {
      System.setProperty(HttpLoadPlan.CLASSPATH_FILE_PROPERTY, real);
    }
    assertEquals(3, run.code(), run.toString());
    JsonNode s = run.summary();
    assertEquals("failed", s.get("state").asText());
    assertTrue(
        s.get("failure").asText().startsWith("the HTTP load (Gatling) ended with exit code 1: see ")
            && s.get("failure").asText().endsWith("gatling.log"),
        s.toString());
    assertTrue(
        Files.readString(run.runFolder().resolve("gatling/gatling.log"))
            .contains("io.gatling.app.Gatling"),
        "the JVM's complaint is in the log");
  }

  /** Bad settings end the run before anything connects, with one line naming the fix. */
  @Test
  void badParametersAreOneLineSetupErrorsBeforeAnythingRuns() throws Exception {
    assertSetupError(
        "parameter url: the URL 'ftp://h/send' is not http or https", "-Purl=ftp://h/send");
    assertSetupError(
        "credentials never go on a command line", "-Purl=http://admin:pw@h/api/send_message");
    assertSetupError(
        "has no {{body}}", "-Pbody={\"type\":\"chat\",\"to\":\"{{to}}\",\"body\":\"hello\"}");
    assertSetupError(
        "parameter body: the request body has an unknown placeholder {{recipient}}",
        "-Pbody={\"to\":\"{{recipient}}\",\"body\":\"{{body}}\"}");
    assertSetupError("parameter rate: '0' must be more than zero", "-Prate=0");
    assertSetupError("give --users 2 or more", "--users", "1");
    assertSetupError("cannot stand for {{to}} in an HTTP request", "--username", "us\"er_{id}");
    assertSetupError("parameter basic_auth needs its password", "-Pbasic_auth=admin");
    assertSetupError(
        "parameter password_file: cannot read /no/such/file: no such file",
        "-Pbasic_auth=admin",
        "-Ppassword_file=/no/such/file");
    assertSetupError(
        "cannot run over worker nodes (--nodes)",
        "--nodes",
        "1",
        "--cluster-bind",
        "127.0.0.1:" + MurmProcess.freePort());
    String classpath = System.clearProperty(HttpLoadPlan.CLASSPATH_FILE_PROPERTY);
    try {
      assertSetupError(
          "system property murm.gatling.classpath.file is not set: run murm through ./murm");
      System.setProperty(HttpLoadPlan.CLASSPATH_FILE_PROPERTY, "/no/gatling.classpath");
      assertSetupError(
          "the HTTP load's class path file /no/gatling.classpath (murm.gatling.classpath.file) is"
              + " missing");
    } finally {
      System.setProperty(HttpLoadPlan.CLASSPATH_FILE_PROPERTY, classpath);
    }
  }

  private void assertSetupError(String expected, String... more) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "http-to-xmpp",
                "--target",
                "127.0.0.1:1", // never reached: the scenario refuses first
                "--runs-dir",
                runs.toString(),
                "--quiet"));
    args.addAll(List.of(more));
    Cli run = Cli.murm(args.toArray(String[]::new));
    assertEquals(2, run.code(), run.toString());
    String err = run.err().strip();
    assertFalse(err.contains("\n"), "more than one line:\n" + err);
    assertTrue(err.startsWith("murm: ") && err.contains(expected), err);
    assertFalse(err.contains("Exception") || err.contains("\tat "), err);
    try (Stream<Path> folders = Files.list(runs)) {
      assertEquals(0, folders.count(), "a run folder was written although nothing ran");
    }
  }
}
