package io.murmuration.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.accounts.Accounts;
import io.murmuration.testing.Await;
import io.murmuration.testing.RecordingListener;
import io.murmuration.xmpp.XmppClient;
import io.murmuration.xmpp.XmppSettings;
import io.murmuration.xmpp.XmppTransport;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code murm server} against the real servers: it starts one, creates the accounts asked for and
 * prints how to reach them; Ctrl-C (here: an interrupt) stops it.
 */
class ServerCommandTest {
  private static final Pattern TARGET = Pattern.compile("--target (\\S+):(\\d+) --domain (\\S+)");

  @ParameterizedTest
  @ValueSource(strings = {"ejabberd", "prosody"})
  void usersCreatesAccountsThatLogInWithThePrintedFlags(String kind) throws Exception {
    Lines out = new Lines();
    ServerCommand command = new ServerCommand();
    command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    new CommandLine(command).parseArgs(kind, "--users", "3", "--first-user", "7");
    Thread server = Thread.ofPlatform().name("murm-server-" + kind).start(() -> call(command));
    try {
      assertEquals("created accounts user_7 … user_9", out.next());
      String runWith = out.until("run against it with: ");
      assertTrue(
          runWith.endsWith(
              " --accounts existing --username 'user_{id}' --password 'password_{id}'"),
          runWith);
      Matcher m = TARGET.matcher(runWith);
      assertTrue(m.find(), runWith);
      XmppSettings xmpp =
          new XmppSettings(
              List.of(new java.net.InetSocketAddress(m.group(1), Integer.parseInt(m.group(2)))),
              List.of(),
              m.group(3),
              XmppSettings.Tls.DISABLED,
              false,
              "PLAIN",
              Duration.ofSeconds(10),
              "lean");
      Accounts accounts = Accounts.existing("user_{id}", "password_{id}");
      try (XmppTransport transport = XmppTransport.create(xmpp)) {
        for (int id = 7; id <= 9; id++) {
          XmppClient user = transport.open(accounts.forUser(id), new RecordingListener());
          assertNotNull(Await.done(user.connect()));
          Await.done(user.disconnect());
        }
        XmppClient notCreated = transport.open(accounts.forUser(10), new RecordingListener());
        assertEquals("auth", Await.failure(notCreated.connect()).kind());
      }
    } finally {
      server.interrupt();
      server.join(Duration.ofSeconds(30));
    }
    assertFalse(server.isAlive(), kind + " did not stop on the interrupt");
  }

  private static void call(ServerCommand command) {
    try {
      command.call();
    } catch (InterruptedException stopped) {
      // the test's Ctrl-C
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** What the command prints, line by line, for the test to wait on. */
  private static final class Lines extends OutputStream {
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        lines.add(line.toString(StandardCharsets.UTF_8));
        line.reset();
      } else {
        line.write(b);
      }
    }

    /** The next line; fails when none comes within 90 s (the server starts meanwhile). */
    String next() throws InterruptedException {
      String next = lines.poll(90, TimeUnit.SECONDS);
      assertNotNull(next, "no more output within 90 s");
      return next;
    }

    /** The next line starting with {@code prefix}, skipping others. */
    String until(String prefix) throws InterruptedException {
      String next = next();
      while (!next.startsWith(prefix)) {
        next = next();
      }
      return next;
    }
  }
}
