package io.murmuration.sut;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Prosody's life as a local server. What it does for clients (in-band registration, messages,
 * STARTTLS with SCRAM) is in the transport contract tests, for every transport.
 */
class LocalProsodyTest {

  @Test
  void startsOnLoopbackAsItsOwnUserThenStopsAndRemovesItsTempFolder() {
    LocalProsody prosody = LocalProsody.start(LocalServer.Options.defaults());
    Path folder = prosody.folder();
    long pid = prosody.osPid();
    try {
      assertEquals("127.0.0.1", prosody.c2s().getAddress().getHostAddress());
      assertEquals(
          StreamProbe.Answer.READY, StreamProbe.probe(prosody.c2s(), prosody.domain(), 2000));
      assertTrue(Files.exists(prosody.logFile()), prosody.logFile().toString());
      if (RunAs.isRoot()) {
        assertEquals(Optional.of("prosody"), ProcessHandle.of(pid).flatMap(p -> p.info().user()));
      }
    } finally {
      prosody.close();
    }
    assertFalse(
        ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
        "prosody " + pid + " still runs");
    assertFalse(Files.exists(folder), folder + " left behind");
  }
}
