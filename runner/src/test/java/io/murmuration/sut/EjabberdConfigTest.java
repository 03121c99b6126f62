package io.murmuration.sut;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The generated ejabberd settings that benchmarks switch: the archive and scheduler spinning. */
class EjabberdConfigTest {
  private static final Path FOLDER = Path.of("/tmp/murm-ejabberd-x");

  @Test
  void archivesEveryMessageUnlessTheArchiveIsOff() {
    String on = EjabberdConfig.yaml("localhost", 1, 2, 3, FOLDER.resolve("p.pem"), FOLDER, true);
    String off = EjabberdConfig.yaml("localhost", 1, 2, 3, FOLDER.resolve("p.pem"), FOLDER, false);
    assertTrue(on.contains("mod_mam:\n    default: always"), on);
    assertTrue(off.contains("mod_mam:\n    default: never"), off);
  }

  @Test
  void nodesOfAClusterDoNotSpinWhileIdleAndANodeAloneKeepsErlangsDefault() {
    String alone = EjabberdConfig.ctlConfig(FOLDER, "127.0.0.1", 4370, false);
    String clustered = EjabberdConfig.ctlConfig(FOLDER, "127.0.0.2", 4370, true);
    assertFalse(alone.contains("+sbwt"), alone);
    assertTrue(
        clustered.contains(
            "ERL_OPTIONS=\"-env ERL_CRASH_DUMP_BYTES 0 +sbwt none +sbwtdcpu none +sbwtdio none\""),
        clustered);
  }
}
