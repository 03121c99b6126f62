package io.murmuration.hook.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.murmuration.hook.GitRepo;
import io.murmuration.hook.Job;
import io.murmuration.hook.JobResult;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.testing.LocalServersExtension;
import io.murmuration.testing.MurmProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline with a {@link Coordinator}: a real {@code murm coordinator} and one real {@code murm
 * node} worker, each in a JVM of its own, run the repository's scenario against the real ejabberd
 * its start command runs; the pipeline starts no {@code murm run} of its own.
 */
class CoordinatorPipelineTest {
  private static final String TOKEN = "a-test-token-of-24-chars";

  @TempDir static Path cluster;
  private static MurmProcess coordinator;
  private static MurmProcess worker;
  private static URI api;

  @TempDir Path tmp;
  private final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void startCoordinatorAndWorker() throws Exception {
    int port = MurmProcess.freePort();
    int clusterPort = MurmProcess.freePort();
    api = URI.create("http://127.0.0.1:" + port);
    Path token = privateFile(cluster.resolve("token"), TOKEN + "\n");
    coordinator =
        MurmProcess.start(
            cluster.resolve("coordinator.log"),
            "coordinator",
            "--cluster-bind",
            "127.0.0.1:" + clusterPort,
            "--api",
            "127.0.0.1:" + port,
            "--api-token-file",
            token.toString(),
            "--runs-dir",
            cluster.resolve("runs").toString());
    worker =
        MurmProcess.start(
            cluster.resolve("worker.log"),
            "node",
            "--seed",
            "127.0.0.1:" + clusterPort,
            "--bind",
            "127.0.0.2:0",
            "--runs-dir",
            cluster.resolve("worker-runs").toString());
    coordinator.await(Pattern.compile("control API on"), Duration.ofSeconds(60));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!status().path("workers").asText().equals("1")) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the worker never joined:\n" + worker.output());
      }
      Thread.sleep(250);
    }
  }

  @AfterAll
  static void stopCluster() throws InterruptedException {
    for (MurmProcess p : new MurmProcess[] {worker, coordinator}) {
      if (p != null) {
        p.close();
      }
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void theScenarioRunsOnTheCoordinatorsWorkerAndItsSummaryLandsInTheJobsRunFolder()
      throws Exception {
    GitRepo repo = GitRepo.create(tmp.resolve("origin"));
    String sha = repo.commit(ejabberdConfig("duration = 4s", "errors.total == 0"));

    JobResult result = pipeline(coordinator(TOKEN, null)).run(job(1, repo, sha));

    Path jobDir = tmp.resolve("work/job-1");
    assertEquals("success", result.conclusion(), () -> result + "\n" + logs(jobDir));
    assertTrue(result.title().endsWith("all assertions hold"), result.title());
    assertTrue(result.summary().contains("| one-to-one | success | 20 |"), result.summary());
    JsonNode summary = json.readTree(result.runFolder().resolve("summary.json").toFile());
    String runId = result.runFolder().getFileName().toString();
    assertEquals(runId, summary.path("run_id").asText(), summary.toString());
    assertEquals(20, summary.at("/users/peak").asInt(), summary.toString());
    assertEquals(1, summary.path("nodes").size(), summary.toString());
    assertTrue(summary.at("/nodes/0/node").asText().startsWith("127.0.0.2:"), summary.toString());
    assertEquals(20, summary.at("/nodes/0/users").asInt(), summary.toString());
    // the run folder is the coordinator's; the job's holds what was fetched
    assertTrue(Files.isDirectory(cluster.resolve("runs").resolve(runId)));
    String runLog = Files.readString(jobDir.resolve("05-run-1-one-to-one.log"));
    assertTrue(runLog.contains("running on the coordinator at " + api), runLog);
    assertTrue(runLog.contains("\"tag\":\"repo=acme/chat,branch=main,commit=" + sha), runLog);
    assertTrue(runLog.contains("summary.json of run " + runId + " fetched"), runLog);
    assertFalse(runLog.contains("io.murmuration.cli.Murm"), "a local murm run: " + runLog);
    assertFalse(runLog.contains(TOKEN), runLog);
    assertEquals("idle", status().path("state").asText());
    System.out.println(runLog + "\n" + result.title() + "\n" + result.summary());
  }

  /** The time limit stops the run on the cluster, which is free again for the next job. */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aRunOverTheScenariosTimeLimitIsStoppedOnTheCoordinator() throws Exception {
    GitRepo repo = GitRepo.create(tmp.resolve("origin"));
    String sha = repo.commit(ejabberdConfig("duration = 5m, timeout = 8s", "errors.total == 0"));

    JobResult result = pipeline(coordinator(TOKEN, 1)).run(job(2, repo, sha));

    Path jobDir = tmp.resolve("work/job-2");
    assertEquals("failure", result.conclusion(), () -> result + "\n" + logs(jobDir));
    assertEquals("one-to-one did not finish within 8 s", result.title());
    String runLog = Files.readString(jobDir.resolve("05-run-1-one-to-one.log"));
    assertTrue(runLog.contains("\"nodes\":\"1\""), runLog);
    assertTrue(runLog.contains("the scenario's time limit was reached: run "), runLog);
    assertTrue(runLog.contains("(stopped: time limit reached)"), runLog);
    JsonNode status = status();
    assertEquals("idle", status.path("state").asText(), status.toString());
    assertEquals("finished", status.at("/run/state").asText(), status.toString());
  }

  /** As the service cancels a superseded job: the worker thread interrupted, the flag set. */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aCancelledJobStopsItsRunOnTheCoordinator() throws Exception {
    GitRepo repo = GitRepo.create(tmp.resolve("origin"));
    String sha = repo.commit(ejabberdConfig("duration = 5m", "errors.total == 0"));
    Pipeline pipeline = pipeline(coordinator(TOKEN, null));
    FutureTask<JobResult> running = new FutureTask<>(() -> pipeline.run(job(3, repo, sha)));
    Thread jobThread = new Thread(running, "job-3");
    jobThread.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!status().at("/run/run_id").asText().contains("-j3-")
        || !status().at("/run/state").asText().equals("running")) {
      assertTrue(System.nanoTime() < deadline, () -> logs(tmp.resolve("work/job-3")));
      Thread.sleep(100);
    }

    jobThread.interrupt();
    pipeline.cancel(3);
    JobResult result = running.get(70, TimeUnit.SECONDS);

    assertEquals("cancelled", result.conclusion(), result::toString);
    JsonNode status = status();
    assertEquals("idle", status.path("state").asText(), status.toString());
    String runLog = Files.readString(tmp.resolve("work/job-3/05-run-1-one-to-one.log"));
    assertTrue(runLog.contains("the job was cancelled: run "), runLog);
  }

  /**
   * Another run on the cluster (an operator's, another service's): the job waits for it, up to the
   * scenario's time limit; a cluster busy until then is the service's trouble, not the commit's.
   */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  @ExtendWith(LocalServersExtension.class)
  void aClusterBusyWithAnotherRunIsWaitedForUntilTheTimeLimit(LocalEjabberd ejabberd)
      throws Exception {
    String target = ejabberd.c2s().getHostString() + ":" + ejabberd.c2s().getPort();
    String blocker = "operators-run-" + MurmProcess.freePort();
    HttpResponse<String> started =
        api(
            "POST",
            "/execution/start",
            json.writeValueAsString(
                Map.of(
                    "scenario",
                    "one-to-one",
                    "settings",
                    Map.of(
                        "users",
                        "10",
                        "duration",
                        "6s",
                        "target",
                        target,
                        "domain",
                        ejabberd.domain(),
                        "accounts",
                        "register",
                        "username",
                        "blocker_{id}",
                        "run-id",
                        blocker),
                    "params",
                    Map.of("messages", "0"))));
    assertEquals(200, started.statusCode(), started.body());
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode status = status();
    while (status.at("/run/users_connected").asInt() < 10) {
      assertTrue(System.nanoTime() < deadline, "the operator's run never ran: " + status);
      status = status();
      Thread.sleep(100);
    }
    // the same scenario against that server, with a time limit shorter than the wait, and not
    GitRepo impatient = GitRepo.create(tmp.resolve("impatient"));
    String sha7 = impatient.commit(externalServer(ejabberd, "impatient", "timeout = 3s"));
    GitRepo patient = GitRepo.create(tmp.resolve("patient"));
    String sha8 = patient.commit(externalServer(ejabberd, "patient", "timeout = 2m"));

    JobResult tooLate = pipeline(coordinator(TOKEN, null)).run(job(7, impatient, sha7));
    JobResult waited = pipeline(coordinator(TOKEN, null)).run(job(8, patient, sha8));

    assertEquals("neutral", tooLate.conclusion(), tooLate::toString);
    assertTrue(tooLate.title().contains("was busy with other runs until"), tooLate.title());
    assertTrue(tooLate.summary().contains("busy with run " + blocker), tooLate.summary());
    assertEquals("success", waited.conclusion(), () -> logs(tmp.resolve("work/job-8")));
    String runLog = Files.readString(tmp.resolve("work/job-8/05-run-1-one-to-one.log"));
    assertTrue(runLog.contains("the cluster is busy with run " + blocker), runLog);
    assertTrue(runLog.indexOf("busy") < runLog.indexOf("accepted: run "), runLog);
    System.out.println(runLog);
  }

  /** A setting the coordinator refuses is what murm run would refuse: a setup error. */
  @Test
  @Timeout(60)
  void aRunTheCoordinatorRefusesIsASetupErrorWithItsReason() throws Exception {
    GitRepo repo = GitRepo.create(tmp.resolve("origin"));
    String sha =
        repo.commit(
            """
            start = "exec sleep 600"
            ready { command = "true" }
            scenarios = [ { scenario = one-to-one, params { no_such_param = 1 } } ]
            """);

    JobResult result = pipeline(coordinator(TOKEN, null)).run(job(4, repo, sha));

    assertEquals("failure", result.conclusion(), result::toString);
    assertEquals("one-to-one could not start (setup error)", result.title());
    assertTrue(result.summary().contains("the coordinator refused the run: "), result.summary());
    assertTrue(result.summary().contains("no_such_param"), result.summary());
  }

  @Test
  @Timeout(60)
  void aCoordinatorThatCannotBeReachedIsNeutral() throws Exception {
    Coordinator nowhere =
        new Coordinator(URI.create("http://127.0.0.1:" + MurmProcess.freePort()), TOKEN, null);

    GitRepo repo = sleepingServer();

    JobResult result = pipeline(nowhere).run(job(5, repo, sha));

    assertEquals("neutral", result.conclusion(), result::toString);
    assertTrue(
        result.title().startsWith("the coordinator at " + nowhere.url() + " cannot be reached: "),
        result.title());
    assertTrue(result.summary().contains("not a verdict on the commit"), result.summary());
    assertFalse(result.toString().contains(TOKEN), result.toString());
  }

  @Test
  @Timeout(60)
  void aCoordinatorWithoutWorkersIsNeutral() throws Exception {
    int port = MurmProcess.freePort();
    Path token = privateFile(tmp.resolve("token"), TOKEN);
    try (MurmProcess lonely =
        MurmProcess.start(
            tmp.resolve("lonely.log"),
            "coordinator",
            "--cluster-bind",
            "127.0.0.1:" + MurmProcess.freePort(),
            "--api",
            "127.0.0.1:" + port,
            "--api-token-file",
            token.toString(),
            "--runs-dir",
            tmp.resolve("lonely-runs").toString())) {
      lonely.await(Pattern.compile("control API on"), Duration.ofSeconds(45));
      GitRepo repo = sleepingServer();
      Coordinator alone = new Coordinator(URI.create("http://127.0.0.1:" + port), TOKEN, null);

      JobResult result = pipeline(alone).run(job(9, repo, sha));

      assertEquals("neutral", result.conclusion(), result::toString);
      assertTrue(
          result
              .title()
              .startsWith(
                  "the coordinator at "
                      + alone.url()
                      + " has no worker node (start one with murm node --seed …): "),
          result.title());
    }
  }

  @Test
  @Timeout(60)
  void aRefusedTokenIsNeutralAndNeverPrinted() throws Exception {
    String wrong = "not-the-token-but-long-enough";
    GitRepo repo = sleepingServer();

    JobResult result = pipeline(new Coordinator(api, wrong, null)).run(job(6, repo, sha));

    assertEquals("neutral", result.conclusion(), result::toString);
    assertEquals(
        "the coordinator at "
            + api
            + " refused the token (401): coordinator.token-file must hold the token of its"
            + " --api-token-file",
        result.title());
    String all = result + logs(tmp.resolve("work/job-6"));
    assertFalse(all.contains(wrong), all);
    assertFalse(all.contains(TOKEN), all);
  }

  private String sha;

  /** A repository whose server is {@code sleep} and is ready at once: for the refusals. */
  private GitRepo sleepingServer() throws Exception {
    GitRepo repo = GitRepo.create(tmp.resolve("origin"));
    sha =
        repo.commit(
            """
            start = "exec sleep 600"
            ready { command = "true" }
            scenarios = [ { scenario = one-to-one } ]
            """);
    return repo;
  }

  /** A repository whose start runs ejabberd with 20 users; the scenario's extra keys given. */
  private static String ejabberdConfig(String scenarioKeys, String assertion) {
    String java = ProcessHandle.current().info().command().orElseThrow();
    return """
        start = "exec %s -cp '%s' io.murmuration.cli.Murm server ejabberd --users 20 --port $MURM_SUT_PORT"
        ready { command = "grep -q 'is up' $MURM_START_LOG", timeout = 90s }
        xmpp { target = "127.0.0.1:"${MURM_SUT_PORT}, domain = localhost }
        accounts { mode = existing }
        scenarios = [ { scenario = one-to-one, users = 20, arrival-rate = 20, %s,
                        params { interval = 1s, messages = 0 }, assert = ["%s"] } ]
        """
        .formatted(java, System.getProperty("java.class.path"), scenarioKeys, assertion);
  }

  /** A repository whose scenario runs against {@code ejabberd}, started elsewhere. */
  private static String externalServer(LocalEjabberd ejabberd, String users, String scenarioKey) {
    return """
        start = "exec sleep 600"
        ready { command = "true" }
        xmpp { target = "%s:%d", domain = "%s" }
        accounts { mode = register, username = "%s_{id}" }
        scenarios = [ { scenario = one-to-one, users = 10, arrival-rate = 20, duration = 2s, %s,
                        params { messages = 0 } } ]
        """
        .formatted(
            ejabberd.c2s().getHostString(),
            ejabberd.c2s().getPort(),
            ejabberd.domain(),
            users,
            scenarioKey);
  }

  private Pipeline pipeline(Coordinator c) {
    return new Pipeline(Pipeline.Settings.of(tmp.resolve("work")).withCoordinator(c));
  }

  private static Coordinator coordinator(String token, Integer nodes) {
    return new Coordinator(api, token, nodes);
  }

  private static JsonNode status() throws Exception {
    HttpResponse<String> r = api("GET", "/status", null);
    assertEquals(200, r.statusCode(), r.body());
    return new ObjectMapper().readTree(r.body());
  }

  /** A request to the control API, as an operator makes it. */
  private static HttpResponse<String> api(String method, String path, String body)
      throws Exception {
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      return http.send(
          HttpRequest.newBuilder(api.resolve(path))
              .timeout(Duration.ofSeconds(10))
              .header("Authorization", "Bearer " + TOKEN)
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private static Path privateFile(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  private static Job job(long id, GitRepo repo, String sha) {
    return new Job(
        id,
        "delivery-" + id,
        Job.Trigger.PUSH,
        "acme/chat",
        repo.dir().toUri().toString(),
        "main",
        "main",
        sha,
        null,
        null,
        null,
        null,
        "alice",
        Job.State.RUNNING,
        Instant.now());
  }

  private static String logs(Path jobDir) {
    StringBuilder all = new StringBuilder();
    try (var files = Files.list(jobDir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
        all.append("== ").append(f.getFileName()).append('\n');
        all.append(Commands.tail(f, 40)).append('\n');
      }
    } catch (IOException e) {
      all.append(e);
    }
    return all.toString();
  }
}
