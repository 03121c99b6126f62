package io.murmuration.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.results.Summary;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PlacementProbeTest {

  /** A process that listens on a loopback port, prints it, and waits to be killed. */
  public static final class Listener {
    public static void main(String[] args) throws Exception {
      try (ServerSocket s = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
        System.out.println(s.getLocalPort());
        System.out.flush();
        Thread.sleep(60_000);
      }
    }
  }

  @Test
  @Timeout(30)
  void findsTheProcessListeningOnALoopbackTargetAndTheCpusItIsPinnedTo() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process listener =
        new ProcessBuilder(
                "taskset",
                "-c",
                "0",
                java,
                "-cp",
                System.getProperty("java.class.path"),
                Listener.class.getName())
            .redirectErrorStream(true)
            .start();
    try {
      String port =
          new BufferedReader(
                  new InputStreamReader(listener.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      Summary.Placement p = PlacementProbe.of("127.0.0.1:" + port + ", 192.0.2.1:5222");
      String own =
          Files.readAllLines(Path.of("/proc/self/status")).stream()
              .filter(l -> l.startsWith("Cpus_allowed_list:"))
              .findFirst()
              .orElseThrow()
              .split(":")[1]
              .strip();
      assertEquals(own, p.runnerCpus());
      assertNotNull(p.cpusOnline());
      // the target elsewhere (TEST-NET) is left out; the local one is the pinned child
      assertEquals(1, p.servers().size(), p.toString());
      Summary.ServerPlacement server = p.servers().get(0);
      assertEquals("127.0.0.1:" + port, server.target());
      assertEquals(listener.pid(), server.pid());
      assertEquals("java", server.process());
      assertEquals("0", server.cpus());
      assertEquals(PlacementProbe.cpuSet(own).get(0), p.shared());
    } finally {
      listener.destroyForcibly().waitFor();
    }
  }

  @Test
  void noListenerAndARemoteTargetGiveNoServerAndNoVerdictOnSharing() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Summary.Placement p = PlacementProbe.of("127.0.0.1:" + port + ", 192.0.2.1:5222");
    assertTrue(p.servers().isEmpty());
    assertEquals(null, p.shared());
    assertNotNull(p.runnerCpus());
  }

  @Test
  void cpuListsAreReadAsTasksetWritesThem() {
    assertEquals(
        List.of(0, 1, 2, 3, 8, 10, 11),
        PlacementProbe.cpuSet("0-3,8,10-11").stream().boxed().toList());
    assertFalse(PlacementProbe.cpuSet("1").intersects(PlacementProbe.cpuSet("0,2-3")));
  }
}
