package io.murmuration.sut;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.testing.LocalServersExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalServersExtension.class)
class LocalEjabberdTest {

  @Test
  void startsOnLoopbackThenStopsWithinSecondsAndRemovesItsTempFolder() {
    long start = System.nanoTime();
    LocalEjabberd ejabberd =
        LocalEjabberd.start(LocalEjabberd.Options.defaults().withDomain("load.test"));
    long startMillis = (System.nanoTime() - start) / 1_000_000;
    System.out.println("ejabberd started in " + startMillis + " ms");
    Path folder = ejabberd.folder();
    long pid = ejabberd.osPid();
    try {
      assertEquals("127.0.0.1", ejabberd.c2s().getAddress().getHostAddress());
      assertEquals("load.test", ejabberd.domain());
      assertTrue(ejabberd.api().status().contains("started"));
      assertTrue(Files.exists(ejabberd.logFile()), ejabberd.logFile().toString());
      Optional<String> command = ProcessHandle.of(pid).flatMap(p -> p.info().command());
      assertTrue(command.orElse("").contains("beam"), "pid " + pid + " runs " + command);
      if (RunAs.isRoot()) {
        assertEquals(Optional.of("ejabberd"), ProcessHandle.of(pid).flatMap(p -> p.info().user()));
      }
    } finally {
      long stop = System.nanoTime();
      ejabberd.close();
      System.out.println("ejabberd stopped in " + (System.nanoTime() - stop) / 1_000_000 + " ms");
    }
    assertFalse(
        ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
        "beam " + pid + " still runs");
    assertFalse(Files.exists(folder), folder + " left behind");
  }

  @Test
  void keepsAFolderItWasGiven(@TempDir Path parent) {
    parent.toFile().setExecutable(true, false); // user ejabberd must reach the folder inside
    Path folder = parent.resolve("kept");
    try (LocalEjabberd ejabberd =
        LocalEjabberd.start(LocalEjabberd.Options.defaults().withFolder(folder))) {
      assertEquals(folder, ejabberd.folder());
    }
    assertTrue(Files.exists(folder.resolve("ejabberd.yml")));
    assertTrue(Files.exists(folder.resolve("logs/ejabberd.log")));
  }

  @Test
  void listensOnTheC2sPortItWasGiven() throws Exception {
    int port;
    try (java.net.ServerSocket free =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    try (LocalEjabberd ejabberd =
        LocalEjabberd.start(LocalEjabberd.Options.defaults().withC2sPort(port))) {
      assertEquals(port, ejabberd.c2s().getPort());
      assertEquals(
          StreamProbe.Answer.READY, StreamProbe.probe(ejabberd.c2s(), ejabberd.domain(), 1000));
    }
  }

  @Test
  void refusesADomainThatIsNotPlainLowercase() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LocalEjabberd.Options.defaults().withDomain("Not A Domain"));
    assertTrue(e.getMessage().contains("Not A Domain"));
  }

  @Test
  void sharesOneServerWithEveryTestClass(LocalEjabberd ejabberd) {
    assertTrue(ProcessHandle.of(ejabberd.osPid()).map(ProcessHandle::isAlive).orElse(false));
  }
}
