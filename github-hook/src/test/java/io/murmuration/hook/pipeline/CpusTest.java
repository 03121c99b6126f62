package io.murmuration.hook.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpusTest {
  private static String refusal(String block) {
    return assertThrows(
            IllegalArgumentException.class, () -> Cpus.of(ConfigFactory.parseString(block)))
        .getMessage();
  }

  @Test
  void hostileOrWrongListsAreRefusedBeforeAnyCommandRuns() {
    for (String bad : List.of("0;rm -rf /", "$(id)", "-1", "0,", "a-b", "--help", "")) {
      String block = "server = \"" + bad.replace("\"", "") + "\", runner = \"1\"";
      assertTrue(refusal(block).startsWith("cpus.server = \""), bad + ": " + refusal(block));
    }
    assertEquals(
        "cpus: the server and the runner share CPU 1: give them separate CPUs, e.g. server ="
            + " \"0\", runner = \"1\"",
        refusal("server = \"0-1\", runner = \"1\""));
    assertTrue(refusal("server = \"0\"").startsWith("cpus needs both server and runner"));
    assertTrue(refusal("server = \"0\", runner = \"1\", gpu = 2").startsWith("cpus.gpu: unknown"));
  }

  @Test
  void aCpuThisMachineDoesNotHaveIsRefusedWithTheReason() {
    String message = refusal("server = \"0\", runner = \"4000\"");
    assertTrue(
        message.startsWith("cpus.runner = \"4000\": taskset cannot run a process there"), message);
  }

  @Test
  void commandsArePrefixedWithTasksetAndTheirList() {
    Cpus cpus = new Cpus("0", "1-3");
    assertEquals(
        List.of("taskset", "-c", "0", "bash", "-c", "start"),
        cpus.server(List.of("bash", "-c", "start")));
    assertEquals(List.of("taskset", "-c", "1-3", "/java"), cpus.runner(List.of("/java")));
  }
}
