package io.murmuration.sut;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The proxy against a real echo server on loopback. */
@Timeout(30)
class DelayProxyTest {
  private ServerSocket echo;

  @BeforeEach
  void startEcho() throws Exception {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              while (!echo.isClosed()) {
                try {
                  Socket s = echo.accept();
                  Thread.ofPlatform().daemon().start(() -> echoAll(s));
                } catch (Exception e) {
                  return;
                }
              }
            });
  }

  @AfterEach
  void stopEcho() throws Exception {
    echo.close();
  }

  private static void echoAll(Socket s) {
    try (s;
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream()) {
      in.transferTo(out);
    } catch (Exception e) {
      // the client went away
    }
  }

  private DelayProxy proxy(Duration delay) {
    return DelayProxy.start(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        (InetSocketAddress) echo.getLocalSocketAddress(),
        delay);
  }

  /** Round trips through the proxy: the fastest of {@code n}, in nanoseconds. */
  private static long fastestRoundTrip(DelayProxy p, int n) throws Exception {
    long best = Long.MAX_VALUE;
    try (Socket s = new Socket()) {
      s.setTcpNoDelay(true);
      s.connect(p.address(), 2000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        out.write(i);
        assertEquals(i, in.read());
        best = Math.min(best, System.nanoTime() - t0);
      }
    }
    return best;
  }

  @Test
  void everyAnswerComesBackNoSoonerThanTheDelay() throws Exception {
    try (DelayProxy slow = proxy(Duration.ofMillis(3))) {
      long fastest = fastestRoundTrip(slow, 50);
      assertTrue(fastest >= 3_000_000, "a round trip took only " + fastest + " ns");
      assertEquals(1, slow.connections());
    }
  }

  @Test
  void withoutDelayTheBytesPassUnchangedBothWays() throws Exception {
    byte[] data = new byte[1 << 20];
    new Random(3).nextBytes(data);
    try (DelayProxy p = proxy(Duration.ZERO);
        Socket s = new Socket()) {
      s.connect(p.address(), 2000);
      Thread writer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      s.getOutputStream().write(data);
                      s.shutdownOutput();
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  });
      byte[] back = s.getInputStream().readAllBytes(); // ends when the echo closes, via the proxy
      writer.join();
      assertArrayEquals(data, back);
    }
  }

  @Test
  void closingTheProxyClosesItsConnections() throws Exception {
    DelayProxy p = proxy(Duration.ZERO);
    try (Socket s = new Socket()) {
      s.connect(p.address(), 2000);
      s.getOutputStream().write(1);
      assertEquals(1, s.getInputStream().read());
      p.close();
      assertEquals(-1, s.getInputStream().read());
    }
  }

  @Test
  void aNegativeDelayIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> proxy(Duration.ofMillis(-1)));
  }
}
