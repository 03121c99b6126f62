package io.murmuration.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.sut.LocalInflux;
import io.murmuration.testing.Cli;
import io.murmuration.testing.LocalServersExtension;
import io.murmuration.testing.MurmProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run spread over worker nodes, each a JVM of its own as on separate machines (on 127.0.0.2 and
 * 127.0.0.3), coordinated by {@code murm run --nodes}: the users split into id ranges, one merged
 * summary, and what happens when a worker or the coordinator is killed.
 */
@ExtendWith(LocalServersExtension.class)
class ClusterRunTest {
  private static final Pattern STARTED = Pattern.compile("run \\S+: users (\\d+)-(\\d+)");

  @TempDir Path runs;
  private final List<MurmProcess> processes = new ArrayList<>();

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (MurmProcess p : processes) {
      p.close();
    }
  }

  private MurmProcess murm(String log, String... args) {
    MurmProcess p = MurmProcess.start(runs.resolve(log), args);
    processes.add(p);
    return p;
  }

  private MurmProcess worker(String name, int seedPort, String host, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "node",
                "--seed",
                "127.0.0.1:" + seedPort,
                "--bind",
                host + ":0",
                "--runs-dir",
                runs.toString()));
    args.addAll(List.of(more));
    return murm(name + ".log", args.toArray(String[]::new));
  }

  /** {@code murm run one-to-one} arguments for 40 users over {@code nodes} workers. */
  private static List<String> run(LocalEjabberd ejabberd, int first, int port, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "one-to-one",
                "--target",
                ejabberd.c2s().getHostString() + ":" + ejabberd.c2s().getPort(),
                "--domain",
                ejabberd.domain(),
                "--users",
                "40",
                "--first-user",
                Integer.toString(first),
                "--arrival-rate",
                "100",
                "--accounts",
                "http-api",
                "--http-api",
                ejabberd.httpApi().toString(),
                "-Pbucket_size=4",
                "--cluster-bind",
                "127.0.0.1:" + port,
                "--nodes-wait",
                "60s",
                "--quiet"));
    args.addAll(List.of(more));
    return args;
  }

  @Test
  void splitsTheUsersIntoIdRangesOverTheWorkersAndReportsOneRun(LocalEjabberd ejabberd)
      throws Exception {
    int first = LocalServersExtension.freshUserIds(40);
    int port = MurmProcess.freePort();
    // over TLS with mutual authentication, as a deployment across machines would be
    Path certs = runs.resolve("certs");
    Cli made = Cli.murm("cluster", "certs", "--out", certs.toString());
    assertEquals(0, made.code(), made.toString());
    MurmProcess w1 = worker("w1", port, "127.0.0.2", "--cluster-certs", certs.toString());
    MurmProcess w2 = worker("w2", port, "127.0.0.3", "--cluster-certs", certs.toString());
    LocalInflux influx = LocalInflux.start(LocalInflux.Options.defaults());
    List<String> args =
        run(
            ejabberd,
            first,
            port,
            "--nodes",
            "2",
            "-Pmessages=5",
            "-Pinterval=200ms",
            "--runs-dir",
            runs.toString(),
            "--cluster-certs",
            certs.toString(),
            "--influx",
            influx.url().toString(),
            "--assert",
            "messages.lost == 0");
    Cli run;
    JsonNode perNode;
    try (influx) {
      run = Cli.murm(args.toArray(String[]::new));
      perNode =
          new ObjectMapper()
              .readTree(
                  influx.query(
                      "SELECT max(\"users\"), max(delivered) FROM \"node\" WHERE run_id = '"
                          + run.summary().get("run_id").asText()
                          + "' GROUP BY \"node\""))
              .at("/results/0/series");
    }

    assertEquals(0, run.code(), run + "\n--- w1\n" + w1.output() + "\n--- w2\n" + w2.output());
    JsonNode s = run.summary();
    assertEquals("finished", s.get("state").asText());
    assertEquals(40, s.at("/users/peak").asInt());
    assertEquals(200, s.at("/messages/sent").asLong());
    assertEquals(200, s.at("/messages/received").asLong());
    assertEquals(200, s.at("/ttd_ms/count").asLong());
    assertEquals(40, s.at("/login_ms/count").asLong());
    assertEquals(40, s.at("/timers_ms/bucket_wait/count").asLong());
    assertEquals(40, s.at("/actions/login/done").asLong());

    // two nodes, each with a contiguous half of the ids, both finished, each measured
    JsonNode nodes = s.get("nodes");
    assertEquals(2, nodes.size(), s.toString());
    Set<String> ranges = new TreeSet<>();
    for (JsonNode n : nodes) {
      ranges.add(n.get("ids").asText());
      assertEquals(20, n.get("users").asInt());
      assertEquals("finished", n.get("state").asText());
      assertTrue(n.get("cpu_s").asDouble() > 0, n.toString());
      assertTrue(n.get("rss_peak_mib").asDouble() > 0, n.toString());
      assertNotNull(n.get("clock_uncertainty_ms").numberValue(), n.toString());
    }
    assertEquals(
        new TreeSet<>(Set.of(first + "-" + (first + 19), (first + 20) + "-" + (first + 39))),
        ranges);
    assertTrue(run.out().contains("node      127.0.0.2:"), run.out());
    assertTrue(w1.output().contains("over TLS"), w1.output());

    // InfluxDB has each worker's own points, tagged with its address, beside the merged ones
    assertEquals(2, perNode.size(), perNode.toString());
    long delivered = 0;
    for (JsonNode series : perNode) {
      assertTrue(
          series.at("/tags/node").asText().matches("127\\.0\\.0\\.[23]:\\d+"), series.toString());
      assertEquals(20, series.at("/values/0/1").asInt(), series.toString());
      delivered += series.at("/values/0/2").asLong();
    }
    assertEquals(200, delivered, perNode.toString());

    // each worker kept its own run folder inside the run's, and ends with the coordinator
    Path runDir = run.runFolder();
    try (Stream<Path> own = Files.list(runDir)) {
      List<Path> nodeDirs =
          own.filter(p -> p.getFileName().toString().startsWith("node-")).toList();
      assertEquals(2, nodeDirs.size(), nodeDirs.toString());
      for (Path d : nodeDirs) {
        JsonNode part = new ObjectMapper().readTree(d.resolve("summary.json").toFile());
        assertEquals(20, part.at("/users/peak").asInt(), d.toString());
      }
    }
    assertEquals(0, w1.exitCode(Duration.ofSeconds(30)), w1.output());
    assertEquals(0, w2.exitCode(Duration.ofSeconds(30)), w2.output());
  }

  @Test
  void aWorkerKilledMidRunIsNamedWithItsUsersAndFailsTheRun(LocalEjabberd ejabberd)
      throws Exception {
    JsonNode s = runAndKillOneWorker(ejabberd, 3);
    assertEquals("failed", s.get("state").asText());
    assertTrue(
        s.get("failure").asText().matches("node 127\\.0\\.0\\.3:\\d+ lost: .*"),
        s.get("failure").asText());
  }

  @Test
  void aToleratedLostWorkerLeavesTheRunFinishedButStillNamed(LocalEjabberd ejabberd)
      throws Exception {
    JsonNode s = runAndKillOneWorker(ejabberd, 0, "--tolerate-node-loss");
    assertEquals("finished", s.get("state").asText());
  }

  /**
   * 40 users chatting for 25 s on two workers; the one on 127.0.0.3 is killed (SIGKILL) 4 s into
   * the run. Checks what both outcomes share and returns the summary.
   */
  private JsonNode runAndKillOneWorker(LocalEjabberd ejabberd, int exit, String... more)
      throws Exception {
    int first = LocalServersExtension.freshUserIds(40);
    int port = MurmProcess.freePort();
    MurmProcess w1 = worker("w1", port, "127.0.0.2");
    MurmProcess w2 = worker("w2", port, "127.0.0.3");
    List<String> args =
        run(
            ejabberd,
            first,
            port,
            "--nodes",
            "2",
            "--duration",
            "25s",
            "-Pmessages=0",
            "-Pinterval=500ms",
            "--runs-dir",
            runs.toString());
    args.addAll(List.of(more));
    CompletableFuture<Cli> coordinator = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> coordinator.complete(Cli.murm(args.toArray(String[]::new))), "coordinator");
    thread.start();
    try {
      w2.await(STARTED, Duration.ofSeconds(60));
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage() + "\n--- coordinator\n" + coordinator.getNow(null), e);
    }
    Thread.sleep(4000);
    w2.kill();
    Cli run = coordinator.get();

    assertEquals(exit, run.code(), run + "\n--- w1\n" + w1.output());
    JsonNode s = run.summary();
    assertEquals(40, s.at("/users/peak").asInt());
    JsonNode nodes = s.get("nodes");
    assertEquals(2, nodes.size(), s.toString());
    JsonNode lost =
        nodes.get(0).get("node").asText().startsWith("127.0.0.3:") ? nodes.get(0) : nodes.get(1);
    JsonNode kept = lost == nodes.get(0) ? nodes.get(1) : nodes.get(0);
    assertEquals("lost", lost.get("state").asText(), lost.toString());
    assertEquals(20, lost.get("users_lost").asInt(), lost.toString());
    assertEquals("finished", kept.get("state").asText(), kept.toString());
    assertTrue(run.out().contains("20 users lost"), run.out());
    // the survivor went on: it ran its users to the end of the duration
    assertTrue(s.get("duration_s").asDouble() >= 25, s.toString());
    assertEquals(0, w1.exitCode(Duration.ofSeconds(30)), w1.output());
    return s;
  }

  @Test
  void workersStopTheirUsersAndEndWhenTheCoordinatorIsKilled(LocalEjabberd ejabberd)
      throws Exception {
    int first = LocalServersExtension.freshUserIds(40);
    int port = MurmProcess.freePort();
    MurmProcess w1 = worker("w1", port, "127.0.0.2");
    List<String> args =
        run(
            ejabberd,
            first,
            port,
            "--nodes",
            "1",
            "--duration",
            "120s",
            "-Pmessages=0",
            "-Pinterval=500ms",
            "--runs-dir",
            runs.resolve("coordinator").toString());
    MurmProcess coordinator = murm("coordinator.log", args.toArray(String[]::new));
    w1.await(STARTED, Duration.ofSeconds(60));
    Thread.sleep(3000);
    long killed = System.nanoTime();
    coordinator.kill();

    assertEquals(3, w1.exitCode(Duration.ofSeconds(40)), w1.output());
    double seconds = (System.nanoTime() - killed) / 1e9;
    assertTrue(seconds < 30, "the worker took " + seconds + " s to end");
    // its users were stopped, not cut: they drained and logged out, and its folder was written
    try (Stream<Path> all = Files.walk(runs)) {
      Path part =
          all.filter(p -> p.getFileName().toString().equals("summary.json"))
              .filter(p -> p.getParent().getFileName().toString().startsWith("node-"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no node run folder: " + w1.output()));
      JsonNode s = new ObjectMapper().readTree(part.toFile());
      assertEquals(40, s.at("/users/peak").asInt(), s.toString());
      assertTrue(s.get("duration_s").asDouble() < 60, s.toString());
      assertEquals(40, s.at("/actions/login/done").asLong(), s.toString());
      assertFalse(s.toString().contains("logout-timeout"), s.toString());
    }
  }
}
