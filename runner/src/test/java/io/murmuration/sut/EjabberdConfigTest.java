package io.murmuration.sut;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The generated ejabberd settings that runs switch: the archive, the push notifications' text and
 * scheduler spinning.
 */
class EjabberdConfigTest {
  private static final Path FOLDER = Path.of("/tmp/murm-ejabberd-x");

  private static String yaml(boolean archive, boolean pushBody) {
    return EjabberdConfig.yaml(
        "localhost",
        1,
        2,
        3,
        FOLDER.resolve("p.pem"),
        FOLDER,
        archive,
        4,
        "push.localhost",
        "c0ffee",
        pushBody);
  }

  @Test
  void archivesEveryMessageUnlessTheArchiveIsOff() {
    String on = yaml(true, true);
    String off = yaml(false, true);
    assertTrue(on.contains("mod_mam:\n    default: always"), on);
    assertTrue(off.contains("mod_mam:\n    default: never"), off);
  }

  @Test
  void pushesCarryTheTextAndSenderOnlyWhenAskedAndTheComponentListensOnLoopback() {
    String on = yaml(true, true);
    String off = yaml(true, false);
    assertTrue(on.contains("mod_push:\n    include_body: true\n    include_sender: true"), on);
    assertTrue(off.contains("mod_push:\n    include_body: false\n    include_sender: false"), off);
    assertTrue(
        on.contains(
            "  -\n    port: 4\n    ip: \"127.0.0.1\"\n    module: ejabberd_service\n"
                + "    max_fsm_queue: 1000000\n    hosts:\n      \"push.localhost\":\n"
                + "        password: \"c0ffee\"\n"),
        on);
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
