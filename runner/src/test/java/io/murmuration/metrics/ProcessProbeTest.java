package io.murmuration.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.testing.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessProbeTest {

  private static final String STATUS =
      """
      Name:\tjava
      Umask:\t0022
      State:\tS (sleeping)
      VmPeak:\t 5123456 kB
      VmHWM:\t  301234 kB
      VmRSS:\t  287654 kB
      RssAnon:\t  250000 kB
      Threads:\t47
      SigQ:\t0/63431
      """;

  @Test
  void readsRssAndThreadsFromAStatusFile(@TempDir Path dir) throws Exception {
    Path status = Files.writeString(dir.resolve("status"), STATUS);
    ProcessProbe.Sample sample = new ProcessProbe(status, () -> 7_000_000L).get();
    assertEquals(287_654, sample.rssKib());
    assertEquals(47, sample.threads());
    assertEquals(7_000_000L, sample.cpuNanos());
  }

  @Test
  void parsesOnlyTheNamedField() {
    assertEquals(287_654, ProcessProbe.field(STATUS, "VmRSS:"));
    assertEquals(-1, ProcessProbe.field(STATUS, "VmSwap:"));
    assertEquals(-1, ProcessProbe.field(STATUS, "Rss:"), "RssAnon is another field");
    assertEquals(12, ProcessProbe.field("Threads:\t12\n", "Threads:"));
  }

  @Test
  void cpuFromProcStatIsUserPlusSystemTicks() {
    // The command name may hold spaces and parentheses; utime is field 14, stime field 15.
    String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 9 0 0 0 250 75 0 0 20 0 47 0";
    assertEquals(325 * 10_000_000L, ProcessProbe.statCpuNanos(stat));
    assertEquals(-1, ProcessProbe.statCpuNanos("garbage"));
  }

  @Test
  void withoutProcRssIsUnknownAndThreadsComeFromTheJvm(@TempDir Path dir) {
    ProcessProbe.Sample sample = new ProcessProbe(dir.resolve("missing"), () -> -1).get();
    assertEquals(-1, sample.rssKib());
    assertEquals(-1, sample.cpuNanos());
    assertTrue(sample.threads() >= 1, "live Java threads: " + sample.threads());
  }

  @Test
  void readsThisProcess() {
    Prerequisites.require(
        "Linux's /proc", Files.isReadable(Path.of("/proc/self/status")), "run the tests on Linux");
    ProcessProbe probe = new ProcessProbe();
    ProcessProbe.Sample first = probe.get();
    ProcessProbe.Sample second = probe.get();
    assertTrue(first.rssKib() > 1024, "RSS above 1 MiB: " + first.rssKib());
    assertTrue(first.threads() >= Thread.activeCount(), "OS threads include the Java threads");
    assertTrue(first.cpuNanos() > 0);
    assertTrue(second.cpuNanos() >= first.cpuNanos());
    assertTrue(second.nanoTime() >= first.nanoTime());
  }
}
