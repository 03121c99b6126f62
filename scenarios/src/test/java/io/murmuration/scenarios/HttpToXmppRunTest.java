package io.murmuration.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.murmuration.httpload.HttpInterval;
import io.murmuration.httpload.HttpLoadPlan;
import io.murmuration.scenario.TtdStamp;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.testing.Cli;
import io.murmuration.testing.LocalServersExtension;
import io.murmuration.testing.MurmProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * http-to-xmpp from the command line: a real Gatling child posting to the local ejabberd's {@code
 * send_message} while real XMPP users receive, and the same load against an API that answers badly
 * or not at all.
 */
@ExtendWith(LocalServersExtension.class)
class HttpToXmppRunTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path runs;

  private Cli run(LocalEjabberd ejabberd, int users, String... more) {
    int first = LocalServersExtension.freshUserIds(users);
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
   * MongooseIM's REST shape with basic authentication against a fake API that answers 404, and
   * never answers every fifth request: the errors are counted by kind, the assertion on them fails
   * (exit 1), and each request was what the templates and the password file say.
   */
  @Test
  void anApiThatAnswers404OrNothingGivesErrorsByKindAndAFailingAssertion(
      LocalEjabberd ejabberd, @TempDir Path secrets) throws Exception {
    Path password = secrets.resolve("api-password");
    Files.writeString(password, "s3cr3t-pa55\n");
    List<String[]> seen = new CopyOnWriteArrayList<>();
    List<HttpExchange> unanswered = new CopyOnWriteArrayList<>();
    Pattern send = Pattern.compile("\"body\":\"http (\\d+) ");
    HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    ExecutorService threads = Executors.newCachedThreadPool();
    api.setExecutor(threads);
    api.createContext(
        "/api/messages",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          seen.add(
              new String[] {
                exchange.getRequestMethod(),
                exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestHeaders().getFirst("Content-Type"),
                body
              });
          Matcher k = send.matcher(body);
          if (k.find() && Long.parseLong(k.group(1)) % 5 == 4) {
            unanswered.add(exchange); // until the client gives up
            return;
          }
          exchange.sendResponseHeaders(404, -1);
          exchange.close();
        });
    api.start();
    Cli run;
    try {
      run =
          run(
              ejabberd,
              2,
              "-Prate=20",
              "-Phold=1s",
              "-Ptimeout=1s",
              "-Purl=http://127.0.0.1:" + api.getAddress().getPort() + "/api/messages",
              "-Pbody={\"caller\":\"{{from}}\",\"to\":\"{{to}}\",\"body\":\"{{body}}\"}",
              "-Pbasic_auth=admin",
              "-Ppassword_file=" + password,
              "--assert",
              "errors.total == 0");
    } finally {
      api.stop(0);
      threads.shutdownNow();
      unanswered.forEach(HttpExchange::close);
    }
    assertEquals(1, run.code(), run.toString());
    assertTrue(run.out().matches("(?s).*assert errors.total == 0 +FAIL.*"), run.out());
    JsonNode s = run.summary();
    assertEquals("finished", s.get("state").asText(), "HTTP errors are counted, not fatal");
    assertEquals(16, s.at("/errors/http-404").asLong(), s.toString());
    assertEquals(4, s.at("/errors/http-timeout").asLong(), s.toString());
    assertEquals(20, s.at("/counters/http_requests").asLong());
    assertEquals(0, s.at("/counters/http_2xx").asLong());
    assertEquals(16, s.at("/timers_ms/http_response/count").asLong(), "answered ones only");
    assertEquals(0, s.at("/messages/sent").asLong(), "the API accepted none");
    assertFalse(
        Files.readString(run.runFolder().resolve("gatling/http-load.properties"))
            .contains("s3cr3t"),
        "the password stays out of the run folder");

    assertEquals(20, seen.size());
    String runId = s.get("run_id").asText();
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString("admin:s3cr3t-pa55".getBytes(StandardCharsets.UTF_8));
    for (String[] request : seen) {
      assertEquals("POST", request[0]);
      assertEquals(basic, request[1]);
      assertEquals("application/json", request[2]);
      JsonNode body = JSON.readTree(request[3]);
      assertTrue(body.get("to").asText().matches("user_\\d+@localhost"), request[3]);
      assertNotEquals(body.get("to").asText(), body.get("caller").asText(), request[3]);
      TtdStamp stamp = TtdStamp.inText(body.get("body").asText());
      assertEquals(runId, stamp.runId(), request[3]);
    }
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
