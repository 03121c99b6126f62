package io.murmuration.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.cluster.WorkerNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a worker does with a part it cannot use: a definition from the coordinator is read through
 * {@code murm run}'s parser with a whitelist, so a hostile or broken one fails the part with the
 * reason, before any user, file or connection.
 */
class NodeExecutionTest {
  @TempDir Path runs;

  private static final WorkerNode.Slice SLICE = new WorkerNode.Slice(1, 10, 5, 0, 0, 0.5);

  private WorkerNode.Outcome play(
      String runId, Map<String, String> settings, Map<String, String> params) {
    List<Object> started = new ArrayList<>();
    NodeExecution node =
        new NodeExecution(
            runs, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    WorkerNode.Outcome outcome =
        node.run(
            new WorkerNode.Assign(runId, "one-to-one", settings, params, SLICE, null),
            "127.0.0.2:1",
            started::add,
            started::add);
    assertEquals(List.of(), started, "nothing may start");
    return outcome;
  }

  @Test
  void aRunIdThatIsNotOneIsRefusedBeforeItNamesAFolder() throws Exception {
    WorkerNode.Outcome o = play("../../etc", Map.of(), Map.of());
    assertEquals("failed", o.state());
    assertEquals("'../../etc' is not a run id", o.failure());
    try (var files = Files.list(runs)) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void anOptionOutsideTheWorkersWhitelistIsRefusedByName() {
    WorkerNode.Outcome o = play("r1", Map.of("runs-dir", "/etc"), Map.of());
    assertTrue(
        o.failure()
            .startsWith("cannot use the run's settings: option 'runs-dir' cannot be given here"),
        o.failure());
    // the slice, not the settings, says how many users and which
    assertTrue(play("r1", Map.of("users", "100000"), Map.of()).failure().contains("--users"));
  }

  @Test
  void aValueCannotSmuggleInAnotherOption() {
    WorkerNode.Outcome o = play("r1", Map.of("target", "127.0.0.1:5222 --runs-dir=/tmp"), Map.of());
    assertEquals("failed", o.state());
    assertTrue(
        o.failure().contains("--target '127.0.0.1:5222 --runs-dir=/tmp' is not HOST:PORT"),
        o.failure());
  }

  @Test
  void aParameterNameMustBeOne() {
    assertTrue(
        play("r1", Map.of(), Map.of("--users", "5"))
            .failure()
            .contains("'--users' is not a parameter name"));
    assertTrue(
        play("r1", Map.of(), Map.of("bucket_size", "1")).failure().contains("bucket_size"),
        "a parameter's own rule still applies");
    assertFalse(play("r1", Map.of(), Map.of("bucket_size", "1")).failure().isBlank());
  }
}
