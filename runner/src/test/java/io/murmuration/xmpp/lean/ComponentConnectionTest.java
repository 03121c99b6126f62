package io.murmuration.xmpp.lean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.scenario.Element;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The component's side of XEP-0114 against a scripted server on a loopback socket: the handshake
 * value, stanzas in both directions, refusals and a lost connection, each as the server wrote it.
 */
class ComponentConnectionTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final String SERVER_HEADER =
      "<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept'"
          + " xmlns:stream='http://etherx.jabber.org/streams' id='3BF96D32' from='push.example'>";

  @Test
  void theHandshakeIsTheLowercaseHexSha1OfTheStreamIdFollowedByTheSecret() {
    // SHA-1("abc"), FIPS 180-2's first example
    assertEquals(
        "a9993e364706816aba3e25717850c26c9cd0d89d", ComponentConnection.handshake("a", "bc"));
    assertEquals(
        "a9993e364706816aba3e25717850c26c9cd0d89d", ComponentConnection.handshake("ab", "c"));
  }

  @Test
  void afterTheHandshakeStanzasArriveTimedAndRepliesGoOut() throws Exception {
    Recorder listener = new Recorder();
    try (ScriptedServer server = new ScriptedServer()) {
      CompletableFuture<String> script =
          server.run(
              (in, out) -> {
                String header = readUntil(in, "'>");
                assertTrue(header.contains("xmlns='jabber:component:accept'"), header);
                assertTrue(header.contains("to='push.example'"), header);
                write(out, SERVER_HEADER);
                String handshake = readUntil(in, "</handshake>");
                assertEquals(
                    "<handshake>"
                        + ComponentConnection.handshake("3BF96D32", "s3cret")
                        + "</handshake>",
                    handshake);
                write(out, "<handshake/>");
                // two stanzas in one write, the second split off mid-tag in the next
                write(
                    out,
                    "<iq type='set' id='a1' from='example' to='push.example'><x/></iq><message"
                        + " from='example'>");
                Thread.sleep(50);
                write(out, "<body>hi</body></message>");
                return readUntil(in, "id='a1'/>") + readUntil(in, "</stream:stream>");
              });
      long before = System.nanoTime();
      ComponentConnection connection = new ComponentConnection("push.example", "s3cret", listener);
      connection.open(server.address(), TIMEOUT);
      Received iq = listener.stanzas.poll(5, TimeUnit.SECONDS);
      assertEquals("iq", iq.stanza.name());
      assertEquals(ComponentConnection.NAMESPACE, iq.stanza.namespace());
      assertTrue(iq.receivedAtNanos >= before, "receive time on this process's clock");
      connection.send("<iq type='result' id='a1'/>");
      Received message = listener.stanzas.poll(5, TimeUnit.SECONDS);
      assertEquals("hi", message.stanza.child("body").text());
      assertTrue(message.receivedAtNanos > iq.receivedAtNanos, "the read that completed it");
      connection.close();
      assertEquals("<iq type='result' id='a1'/></stream:stream>", script.get(5, TimeUnit.SECONDS));
      assertEquals(null, listener.lost.poll(200, TimeUnit.MILLISECONDS), "close is no loss");
    }
  }

  @Test
  void aConnectionTheServerEndsAfterTheHandshakeIsReportedLostOnce() throws Exception {
    Recorder listener = new Recorder();
    try (ScriptedServer server = new ScriptedServer()) {
      server.run(
          (in, out) -> {
            readUntil(in, "'>");
            write(out, SERVER_HEADER);
            readUntil(in, "</handshake>");
            write(out, "<handshake/>");
            Thread.sleep(100);
            write(
                out,
                "<stream:error><system-shutdown"
                    + " xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>");
            return "";
          });
      ComponentConnection connection = new ComponentConnection("push.example", "s3cret", listener);
      connection.open(server.address(), TIMEOUT);
      assertEquals("stream error system-shutdown", listener.lost.poll(5, TimeUnit.SECONDS));
      assertEquals(null, listener.lost.poll(200, TimeUnit.MILLISECONDS));
      connection.close();
    }
  }

  @Test
  void aRefusedHandshakeSaysWhatTheServerSaid() throws Exception {
    try (ScriptedServer server = new ScriptedServer()) {
      server.run(
          (in, out) -> {
            readUntil(in, "'>");
            write(out, SERVER_HEADER);
            readUntil(in, "</handshake>");
            write(
                out,
                "<stream:error><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text"
                    + " xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Invalid handshake</text>"
                    + "</stream:error></stream:stream>");
            return "";
          });
      ComponentConnection connection =
          new ComponentConnection("push.example", "wrong", new Recorder());
      ComponentConnection.Refused refused =
          assertThrows(
              ComponentConnection.Refused.class, () -> connection.open(server.address(), TIMEOUT));
      assertEquals("stream error not-authorized (Invalid handshake)", refused.getMessage());
    }
  }

  @Test
  void aServerThatNeverAnswersTimesOutAndAClosedPortIsRefused() throws Exception {
    try (ScriptedServer server = new ScriptedServer()) {
      server.run(
          (in, out) -> {
            readUntil(in, "'>");
            Thread.sleep(2_000);
            return "";
          });
      ComponentConnection silent = new ComponentConnection("push.example", "s", new Recorder());
      ComponentConnection.Refused timedOut =
          assertThrows(
              ComponentConnection.Refused.class,
              () -> silent.open(server.address(), Duration.ofMillis(500)));
      assertEquals("no handshake within 500 ms", timedOut.getMessage());
    }
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    // many times: the refused connect's own reason must win over the channel's close, which
    // follows it at once on loopback (it once came out as "the server closed the connection")
    for (int i = 0; i < 200; i++) {
      ComponentConnection refused = new ComponentConnection("push.example", "s", new Recorder());
      ComponentConnection.Refused e =
          assertThrows(
              ComponentConnection.Refused.class,
              () -> refused.open(new InetSocketAddress("127.0.0.1", closed), TIMEOUT));
      assertTrue(
          e.getMessage().contains("Connection refused"), "attempt " + i + ": " + e.getMessage());
    }
  }

  private record Received(Element stanza, long receivedAtNanos) {}

  private static final class Recorder implements ComponentConnection.Listener {
    final BlockingQueue<Received> stanzas = new LinkedBlockingQueue<>();
    final BlockingQueue<String> lost = new LinkedBlockingQueue<>();

    @Override
    public void stanza(Element stanza, long receivedAtNanos) {
      stanzas.add(new Received(stanza, receivedAtNanos));
    }

    @Override
    public void lost(String reason) {
      lost.add(reason);
    }
  }

  @FunctionalInterface
  private interface Script {
    String play(InputStream in, OutputStream out) throws Exception;
  }

  /** One connection's server side, scripted, on a thread of its own. */
  private static final class ScriptedServer implements AutoCloseable {
    private final ServerSocket socket =
        new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());

    ScriptedServer() throws IOException {}

    InetSocketAddress address() {
      return new InetSocketAddress("127.0.0.1", socket.getLocalPort());
    }

    CompletableFuture<String> run(Script script) {
      CompletableFuture<String> done = new CompletableFuture<>();
      Thread.ofVirtual()
          .start(
              () -> {
                try (Socket s = socket.accept()) {
                  done.complete(script.play(s.getInputStream(), s.getOutputStream()));
                } catch (Throwable e) {
                  done.completeExceptionally(e);
                }
              });
      return done;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static void write(OutputStream out, String xml) throws IOException {
    out.write(xml.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Reads up to and including {@code end}. */
  private static String readUntil(InputStream in, String end) throws IOException {
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    while (!read.toString(StandardCharsets.UTF_8).endsWith(end)) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before " + end + ": " + read);
      }
      read.write(b);
    }
    return read.toString(StandardCharsets.UTF_8);
  }
}
