package io.murmuration.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.accounts.Accounts;
import io.murmuration.push.PushAppServer;
import io.murmuration.testing.Await;
import io.murmuration.testing.RecordingListener;
import io.murmuration.xmpp.XmppClient;
import io.murmuration.xmpp.XmppSettings;
import io.murmuration.xmpp.XmppTransport;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
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
      if (kind.equals("ejabberd")) {
        appServerConnectsWithThePrintedSettings(out, "with the message's text");
      }
    } finally {
      server.interrupt();
      server.join(Duration.ofSeconds(30));
    }
    assertFalse(server.isAlive(), kind + " did not stop on the interrupt");
  }

  @Test
  void nodesStartsAnEjabberdClusterAndPrintsEveryNodeInOneTarget() throws Exception {
    Lines out = new Lines();
    ServerCommand command = new ServerCommand();
    command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    new CommandLine(command).parseArgs("ejabberd", "--nodes", "2", "--users", "2");
    Thread server = Thread.ofPlatform().name("murm-server-cluster").start(() -> call(command));
    try {
      String up = out.until("ejabberd cluster of 2 nodes is up (");
      assertTrue(up.contains("@127.0.0.1, murm") && up.contains("@127.0.0.2); logs in "), up);
      Matcher m =
          Pattern.compile("--target (\\S+) --domain (\\S+)")
              .matcher(out.until("run against it with: "));
      assertTrue(m.find());
      appServerConnectsWithThePrintedSettings(out, "with the message's text"); // node 1's
      List<InetSocketAddress> endpoints =
          Arrays.stream(m.group(1).split(",")).map(RunCommand::endpoint).toList();
      assertEquals(2, endpoints.size(), m.group(1));
      XmppSettings xmpp =
          new XmppSettings(
              endpoints,
              List.of(),
              m.group(2),
              XmppSettings.Tls.DISABLED,
              false,
              "PLAIN",
              Duration.ofSeconds(10),
              "lean");
      Accounts accounts = Accounts.existing("user_{id}", "password_{id}");
      try (XmppTransport transport = XmppTransport.create(xmpp)) {
        for (int id = 1; id <= 2; id++) { // user 1 on node 2, user 2 on node 1
          XmppClient user = transport.open(accounts.forUser(id), new RecordingListener());
          assertNotNull(Await.done(user.connect()), "user " + id + " via " + xmpp.endpointFor(id));
          Await.done(user.disconnect());
        }
      }
    } finally {
      server.interrupt();
      server.join(Duration.ofSeconds(30));
    }
    assertFalse(server.isAlive(), "the cluster did not stop on the interrupt");
  }

  /**
   * The push notification lines after "run against it with": a push app server with the printed
   * listener, domain and secret file passes the handshake, and the push scenario's flags name them.
   */
  private static void appServerConnectsWithThePrintedSettings(Lines out, String text)
      throws InterruptedException {
    Matcher push =
        Pattern.compile(
                "push notifications \\(mod_push, "
                    + Pattern.quote(text)
                    + "\\): component listener (\\S+), domain (\\S+), secret in (\\S+)")
            .matcher(out.next());
    assertTrue(push.matches(), push.toString());
    String flags = out.next();
    assertTrue(
        flags.contains(
            " -Pcomponent="
                + push.group(1)
                + " -Pcomponent_domain="
                + push.group(2)
                + " -Pcomponent_secret_file="
                + push.group(3)),
        flags);
    try (PushAppServer appServer =
        PushAppServer.start(
            push.group(1),
            push.group(2),
            Path.of(push.group(3)),
            Duration.ofSeconds(10),
            notification -> {},
            failure -> {})) {
      assertEquals(push.group(2), appServer.jid());
    }
  }

  @Test
  void pushBodyIsOnOrOff() {
    ServerCommand command = new ServerCommand();
    new CommandLine(command).parseArgs("ejabberd", "--push-body", "sometimes");
    SetupException e = assertThrows(SetupException.class, command::call);
    assertEquals("--push-body 'sometimes': use on or off", e.getMessage());
  }

  @Test
  void refusesANodeCountOutsideOneToEightAndAProsodyCluster() {
    for (String[] args :
        List.of(
            new String[] {"ejabberd", "--nodes", "0"},
            new String[] {"ejabberd", "--nodes", "9"},
            new String[] {"prosody", "--nodes", "2"})) {
      ServerCommand command = new ServerCommand();
      new CommandLine(command).parseArgs(args);
      SetupException e = assertThrows(SetupException.class, command::call);
      String expected =
          args[0].equals("prosody")
              ? "--nodes 2: only ejabberd runs as a cluster"
              : "--nodes " + args[2] + ": use 1..8 ejabberd nodes";
      assertEquals(expected, e.getMessage());
    }
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
