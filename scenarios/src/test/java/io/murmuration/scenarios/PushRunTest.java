package io.murmuration.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.sut.LocalServer;
import io.murmuration.testing.Cli;
import io.murmuration.testing.LocalServersExtension;
import io.murmuration.testing.MurmProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push scenario from the command line against the local ejabberd's mod_push, with the runner's
 * push app server connected to its component listener: 10 writers each send 5 messages to their
 * sleeper while it is away, and every message gets exactly one push notification.
 */
@ExtendWith(LocalServersExtension.class)
class PushRunTest {
  private static final int PAIRS = 10;
  private static final int MESSAGES = 5;
  private static final int SENT = PAIRS * MESSAGES;

  @TempDir Path runs;

  @Test
  void sleepersWhoClosedTheirStreamGetOnePushWithTheTextPerMessage(LocalEjabberd ejabberd)
      throws Exception {
    Cli run = run(ejabberd, "offline", "--assert", "errors.total == 0");
    JsonNode s = finished(run);
    assertOnePushPerMessage(s, ejabberd.pushBody() ? SENT : 0);
    // offline on purpose: nothing is expected to be delivered, so nothing is lost
    assertEquals(0, s.at("/messages/expected").asLong(), s.toString());
    assertEquals(0, s.at("/messages/lost").asLong(), s.toString());
    assertEquals(0, s.at("/timers_ms/resume/count").asLong(), s.toString());
  }

  @Test
  void sleepersAwaitingResumptionGetOnePushPerMessageAndEveryMessageAfterResuming(
      LocalEjabberd ejabberd) throws Exception {
    Cli run = run(ejabberd, "resume", "--assert", "messages.lost == 0");
    JsonNode s = finished(run);
    assertOnePushPerMessage(s, ejabberd.pushBody() ? SENT : 0);
    // each message was held for the away sleeper and resent after <resumed/>, marked delayed
    assertEquals(SENT, s.at("/messages/expected").asLong(), s.toString());
    assertEquals(SENT, s.at("/messages/late").asLong(), s.toString());
    assertEquals(0, s.at("/messages/lost").asLong(), s.toString());
    assertEquals(PAIRS, s.at("/timers_ms/resume/count").asLong(), s.toString());
  }

  @Test
  void withoutTheTextOrTheArchiveTheServerStillPushesOncePerMessage() throws Exception {
    // without the archive, ejabberd pushes from its offline storage hook instead of its archive's
    LocalServer.Options options =
        LocalServer.Options.defaults().withPushBody(false).withArchive(false);
    try (LocalEjabberd ejabberd = LocalEjabberd.start(options)) {
      JsonNode s = finished(run(ejabberd, "offline"));
      assertOnePushPerMessage(s, 0);
    }
  }

  @Test
  void aWrongSecretIsASetupErrorNamingTheSecret(LocalEjabberd ejabberd) throws Exception {
    Path wrong = runs.resolve("wrong.secret");
    Files.writeString(wrong, "not-the-secret\n");
    Cli run = run(ejabberd, "offline", "-Pcomponent_secret_file=" + wrong);
    assertSetupError(run, "stream error not-authorized");
    assertTrue(run.err().contains("the secret (or the domain) does not match"), run.err());
  }

  @Test
  void aClosedComponentPortIsASetupErrorNamingTheAddress(LocalEjabberd ejabberd) throws Exception {
    String closed = "127.0.0.1:" + MurmProcess.freePort();
    Cli run = run(ejabberd, "offline", "-Pcomponent=" + closed);
    assertSetupError(run, "component push.localhost at " + closed + " failed (Connection refused");
  }

  @Test
  void aMissingSecretFileIsASetupError(LocalEjabberd ejabberd) throws Exception {
    Cli run = run(ejabberd, "offline", "-Pcomponent_secret_file=" + runs.resolve("none"));
    assertSetupError(run, "the component secret file " + runs.resolve("none") + " cannot be read");
  }

  @Test
  void aRunOverWorkerNodesIsRefused(LocalEjabberd ejabberd) throws Exception {
    Cli run =
        run(
            ejabberd,
            "offline",
            "--nodes",
            "2",
            "--cluster-bind",
            "127.0.0.1:" + MurmProcess.freePort());
    assertSetupError(
        run, "scenario push runs one, which must share a process with its users: run it without");
  }

  @Test
  void losingTheAppServersConnectionMidRunFailsTheRun(LocalEjabberd ejabberd) throws Exception {
    // a component listener of our own that accepts any handshake, then hangs up after a second
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual()
          .start(
              () -> {
                try (Socket s = listener.accept()) {
                  InputStream in = s.getInputStream();
                  readUntil(in, "'>");
                  s.getOutputStream()
                      .write(
                          ("<stream:stream xmlns='jabber:component:accept' xmlns:stream="
                                  + "'http://etherx.jabber.org/streams' id='x'><handshake/>")
                              .getBytes(StandardCharsets.UTF_8));
                  Thread.sleep(1_000);
                } catch (Exception e) {
                  // the run's assertions say what went wrong
                }
              });
      Cli run = run(ejabberd, "offline", "-Pcomponent=127.0.0.1:" + listener.getLocalPort());
      assertEquals(3, run.code(), run.toString());
      JsonNode s = run.summary();
      assertEquals("failed", s.get("state").asText(), s.toString());
      assertEquals(
          "push app server: connection of component push.localhost lost: the server closed the"
              + " connection",
          s.get("failure").asText(),
          s.toString());
    }
  }

  private static void readUntil(InputStream in, String end) throws IOException {
    StringBuilder read = new StringBuilder();
    while (read.indexOf(end) < 0) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before " + end);
      }
      read.append((char) b);
    }
  }

  private static JsonNode finished(Cli run) throws Exception {
    assertEquals(0, run.code(), run.toString());
    JsonNode s = run.summary();
    System.out.println(
        "SUMMARY " + s.get("counters") + " " + s.get("timers_ms") + " " + s.get("messages"));
    assertEquals("finished", s.get("state").asText(), s.toString());
    assertEquals(0, s.get("errors_total").asLong(), s.toString());
    return s;
  }

  private static void assertOnePushPerMessage(JsonNode s, long withBody) {
    JsonNode counters = s.get("counters");
    assertEquals(SENT, s.at("/messages/sent").asLong(), s.toString());
    assertEquals(SENT, counters.get("pushes").asLong(), counters.toString());
    assertEquals(0, counters.get("push_missing").asLong(), counters.toString());
    assertEquals(0, counters.get("push_extra").asLong(), counters.toString());
    assertEquals(0, counters.get("push_out_of_order").asLong(), counters.toString());
    assertEquals(0, counters.get("unpaired").asLong(), counters.toString());
    assertEquals(withBody, counters.get("push_with_body").asLong(), counters.toString());
    assertEquals(SENT, s.at("/timers_ms/push/count").asLong(), s.toString());
    assertTrue(s.at("/timers_ms/push/p50").asDouble() > 0, s.at("/timers_ms").toString());
    assertEquals(PAIRS, s.at("/timers_ms/push_enable/count").asLong(), s.toString());
  }

  private void assertSetupError(Cli run, String expected) throws Exception {
    assertEquals(2, run.code(), run.toString());
    String err = run.err().strip();
    assertFalse(err.contains("\n"), "more than one line:\n" + err);
    assertTrue(err.startsWith("murm: push app server: ") && err.contains(expected), err);
    try (var folders = Files.list(runs)) {
      assertEquals(
          0,
          folders.filter(Files::isDirectory).count(),
          "a run folder was written although nothing ran");
    }
  }

  /** 10 pairs (writer 2k-1, sleeper 2k) on fresh accounts, 5 messages each, 100 ms apart. */
  private Cli run(LocalEjabberd ejabberd, String mode, String... more) {
    int first = LocalServersExtension.freshUserIds(2 * PAIRS + 1);
    first += first % 2 == 0 ? 1 : 0; // writers have odd ids
    LocalEjabberd.Component component = ejabberd.component();
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "push",
                "--target",
                ejabberd.c2s().getHostString() + ":" + ejabberd.c2s().getPort(),
                "--domain",
                ejabberd.domain(),
                "--users",
                Integer.toString(2 * PAIRS),
                "--first-user",
                Integer.toString(first),
                "--arrival-rate",
                "200",
                "--accounts",
                "http-api",
                "--http-api",
                ejabberd.httpApi().toString(),
                "--client",
                "lean",
                "-Pmode=" + mode,
                "-Pmessages=" + MESSAGES,
                "-Pinterval=100ms",
                "-Pcomponent="
                    + component.address().getHostString()
                    + ":"
                    + component.address().getPort(),
                "-Pcomponent_domain=" + component.domain(),
                "-Pcomponent_secret_file=" + component.secretFile(),
                "--runs-dir",
                runs.toString(),
                "--quiet"));
    args.addAll(List.of(more));
    return Cli.murm(args.toArray(String[]::new));
  }
}
