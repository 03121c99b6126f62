package io.murmuration.hook.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.gate.VerdictEvent;
import io.murmuration.hook.GitRepo;
import io.murmuration.hook.Job;
import io.murmuration.hook.JobResult;
import io.murmuration.results.Summary;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pipeline against real git repositories made by the test ({@code main} and a pull-request
 * branch) and, end to end, a real ejabberd started by the repository's {@code start} command.
 */
class PipelineTest {
  @TempDir Path tmp;

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aRepositoryWhoseStartRunsEjabberdGetsASuccessWithTheNumbersOfItsRunEvenWithInfluxDown()
      throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    String cp = System.getProperty("java.class.path");
    GitRepo repo = GitRepo.create(tmp.resolve("origin"));
    String sha =
        repo.commit(
            """
            build = "echo building at $(git rev-parse --short HEAD)"
            start = "exec %s -cp '%s' io.murmuration.cli.Murm server ejabberd --users 20 --port $MURM_SUT_PORT"
            ready { command = "grep -q 'is up' $MURM_JOB_DIR/03-start.log", timeout = 90s }
            xmpp { target = "127.0.0.1:"${MURM_SUT_PORT}, domain = localhost }
            accounts { mode = existing }
            scenarios = [ { scenario = one-to-one, users = 20, arrival-rate = 20, duration = 4s,
                            params { interval = 1s, messages = 0 },
                            assert = ["errors.total == 0"] } ]
            """
                .formatted(java, cp));

    // InfluxDB down is trouble of the service's side: the run still counts, its points are kept.
    // The operator pins ejabberd to CPU 0 and the runner to the others (this test needs 2 CPUs).
    String influxDown = "http://127.0.0.1:" + unusedPort();
    int cpus = Runtime.getRuntime().availableProcessors();
    assertTrue(cpus >= 2, "this test pins the server and the runner apart: it needs 2 CPUs");
    String runnerCpus = "1-" + (cpus - 1);
    Pipeline pipeline =
        new Pipeline(
            Pipeline.Settings.of(tmp.resolve("work"))
                .withInflux(influxDown)
                .withCpus(new Cpus("0", runnerCpus)));
    JobResult result = pipeline.run(job(1, repo, "main", sha, null));

    Path jobDir = tmp.resolve("work/job-1");
    assertEquals("success", result.conclusion(), () -> result + "\n" + logs(jobDir));
    assertTrue(result.title().startsWith("TTD p99 "), result.title());
    assertTrue(result.title().endsWith("all assertions hold"), result.title());
    assertTrue(result.summary().contains("| one-to-one | success | 20 |"), result.summary());
    assertTrue(result.summary().contains("errors.total == 0"), result.summary());
    assertNotNull(result.runFolder());
    String summary = Files.readString(result.runFolder().resolve("summary.json"));
    assertTrue(summary.contains("\"state\" : \"finished\""), summary);
    io.murmuration.results.Summary.Placement placement =
        io.murmuration.results.Summary.read(result.runFolder().resolve("summary.json")).placement();
    assertEquals(runnerCpus.equals("1-1") ? "1" : runnerCpus, placement.runnerCpus(), summary);
    assertEquals(1, placement.servers().size(), summary);
    assertEquals("beam.smp", placement.servers().get(0).process(), summary);
    assertEquals("0", placement.servers().get(0).cpus(), summary);
    assertEquals(false, placement.shared(), summary);
    // the scenario's verdict, for the Trends dashboard: tagged like the run, at its end
    assertEquals(1, result.verdicts().size(), result.verdicts().toString());
    VerdictEvent verdict = result.verdicts().get(0);
    assertEquals("one-to-one: success", verdict.title());
    assertEquals(
        Map.of(
            "repo", "acme/chat",
            "branch", "main",
            "commit", sha,
            "trigger", "push",
            "scenario", "one-to-one"),
        verdict.tags());
    assertEquals(Summary.read(result.runFolder().resolve("summary.json")).endedAt(), verdict.at());
    assertEquals(null, result.comment());
    for (String log :
        List.of("01-fetch.log", "02-build.log", "03-start.log", "04-ready.log", "06-stop.log")) {
      assertTrue(Files.exists(jobDir.resolve(log)), log);
    }
    assertTrue(Files.readString(jobDir.resolve("02-build.log")).contains("building at"));
    String runLog = Files.readString(jobDir.resolve("05-run-1-one-to-one.log"));
    assertTrue(runLog.contains("trigger=push"), runLog);
    assertTrue(runLog.contains("commit=" + sha), runLog);
    assertTrue(runLog.contains("influx: "), runLog);
    assertTrue(Files.readString(jobDir.resolve("06-stop.log")).contains("server stopped"));
    String target = summary.replaceAll("(?s).*\"target\" : \"([^\"]+)\".*", "$1");
    int port = Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
      throw new AssertionError("ejabberd still listens on " + port);
    } catch (java.net.ConnectException expected) {
      // stopped
    }
    System.out.println(result.title() + "\n" + result.summary());
  }

  /**
   * A pull request whose server answers 5 ms later (its start script puts a delaying proxy in front
   * of ejabberd) fails the A/B gate: six rounds of the merge base and the head in ABBA order,
   * judged as pairs (six is the fewest with which the sign test can reach p &lt; 0.05), the table
   * in the result. The base branch moved on after the pull request branched off; the base arm must
   * run the merge base, not the base branch's tip.
   */
  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void aPullRequestThatSlowsDeliveryFailsTheGateAgainstItsMergeBase() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    String murm =
        java + " -cp '" + System.getProperty("java.class.path") + "' io.murmuration.cli.Murm";
    GitRepo repo = GitRepo.create(tmp.resolve("origin"));
    Files.writeString(
        repo.dir().resolve("start.sh"),
        "exec " + murm + " server ejabberd --users 20 --port $MURM_SUT_PORT\n");
    String mergeBase =
        repo.commit(
            """
            build = "echo building at $(git rev-parse HEAD)"
            start = "exec bash start.sh"
            ready { command = "grep -q 'is up' $MURM_START_LOG", timeout = 90s }
            xmpp { target = "127.0.0.1:"${MURM_SUT_PORT}, domain = localhost }
            accounts { mode = existing }
            scenarios = [ { scenario = one-to-one, users = 20, arrival-rate = 40, duration = 5s,
                            warm-up = 2s, params { interval = 100ms, messages = 0 },
                            assert = ["errors.total == 0"] } ]
            # a test machine may be busy: the runner's own lag is not what this test is about
            gate { rounds = 6, max-lag = 1s }
            """);
    repo.git("checkout", "-q", "-b", "slower");
    Files.writeString(
        repo.dir().resolve("start.sh"),
        murm
            + " proxy --listen 127.0.0.1:$MURM_SUT_PORT --to 127.0.0.1:$MURM_SUT_HTTP_PORT"
            + " --delay 5ms &\n"
            + "exec "
            + murm
            + " server ejabberd --users 20 --port $MURM_SUT_HTTP_PORT\n");
    repo.git("commit", "-q", "-am", "slower");
    String head = repo.git("rev-parse", "HEAD");
    repo.git("checkout", "-q", "main");
    Files.writeString(repo.dir().resolve("README"), "merged after the branch-off\n");
    repo.git("add", "-A");
    repo.git("commit", "-q", "-m", "readme");
    String baseTip = repo.git("rev-parse", "HEAD");

    JobResult result =
        new Pipeline(Pipeline.Settings.of(tmp.resolve("work")))
            .run(pullRequest(11, repo, head, baseTip));

    Path jobDir = tmp.resolve("work/job-11");
    System.out.println(result.title() + "\n" + result.summary());
    assertEquals("failure", result.conclusion(), () -> result + "\n" + logs(jobDir));
    assertTrue(result.title().startsWith("one-to-one: ttd.p50: interval "), result.title());
    String md = result.summary();
    assertTrue(md.contains("against its merge base `" + mergeBase.substring(0, 12) + "`"), md);
    assertTrue(
        md.contains(
            "| metric | base (median) | head (median) | change | 95% interval | p-value | verdict |"),
        md);
    assertTrue(
        md.matches(
            "(?s).*\\| ttd\\.p50 \\| [0-9.]+ ms \\| [0-9.]+ ms \\| \\+[0-9.]+% \\|"
                + " [0-9.]+–[0-9.]+ \\| 0\\.0[0-4][0-9] \\| \\*\\*failure\\*\\* \\|.*"),
        md);
    assertTrue(md.contains("`errors.total == 0` held in every head run."), md);
    assertTrue(
        Files.readString(jobDir.resolve("02-build-base.log")).contains("building at " + mergeBase));
    assertTrue(
        Files.readString(jobDir.resolve("02-build-head.log")).contains("building at " + head));
    for (int r = 1; r <= 6; r++) {
      for (String arm : List.of("base", "head")) {
        String suffix = "-r" + r + "-" + arm;
        for (String step : List.of("03-start", "04-ready", "06-stop")) {
          assertTrue(Files.exists(jobDir.resolve(step + suffix + ".log")), step + suffix);
        }
        String runLog = Files.readString(jobDir.resolve("05-run" + suffix + "-1-one-to-one.log"));
        String commit = arm.equals("base") ? mergeBase : head;
        assertTrue(runLog.contains("commit=" + commit), runLog);
        assertTrue(runLog.contains("arm=" + arm), runLog);
        assertTrue(runLog.contains("pr=7"), runLog);
        assertTrue(runLog.contains(arm.equals("base") ? "branch=main" : "branch=feature"), runLog);
      }
    }
    try (var runs = Files.list(jobDir.resolve("runs/head"))) {
      assertEquals(6, runs.filter(Files::isDirectory).count());
    }
    // the runs in the order they started: base first in odd rounds, head first in even ones
    java.util.TreeMap<Instant, String> byStart = new java.util.TreeMap<>();
    for (String arm : List.of("base", "head")) {
      summaries(jobDir.resolve("runs/" + arm)).forEach(s -> byStart.put(s.startedAt(), arm));
    }
    List<String> started = List.copyOf(byStart.values());
    assertEquals(
        List.of(
            "base", "head", "head", "base", "base", "head", "head", "base", "base", "head", "head",
            "base"),
        started);
    assertTrue(md.contains("base 6 runs, head 6 runs, paired by round"), md);
    // the verdict, for the Compare dashboard: tagged like the head's runs
    assertEquals(1, result.verdicts().size(), result.verdicts().toString());
    VerdictEvent verdict = result.verdicts().get(0);
    assertEquals("one-to-one: failure", verdict.title());
    assertEquals(
        Map.of(
            "repo", "acme/chat",
            "branch", "feature",
            "commit", head,
            "trigger", "pull_request",
            "pr", "7",
            "arm", "head",
            "scenario", "one-to-one"),
        verdict.tags());
    assertTrue(verdict.text().startsWith("ttd.p50: interval "), verdict.text());
    assertTrue(
        verdict
            .text()
            .endsWith(
                "(head "
                    + head.substring(0, 12)
                    + " against merge base "
                    + mergeBase.substring(0, 12)
                    + ", 6 rounds, job 11)"),
        verdict.text());
  }

  private static List<io.murmuration.results.Summary> summaries(Path runs) {
    try (var dirs = Files.list(runs)) {
      List<io.murmuration.results.Summary> all = new java.util.ArrayList<>();
      for (Path d : dirs.filter(Files::isDirectory).toList()) {
        all.add(io.murmuration.results.Summary.read(d.resolve("summary.json")));
      }
      return all;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  @Timeout(60)
  void aBaseThatCannotBeBuiltMakesThePullRequestNeutralNotFailed() throws Exception {
    GitRepo repo = GitRepo.create(tmp.resolve("origin"));
    String base =
        repo.commit(
            """
            build = "test -f fixed || { echo 'base is broken'; exit 3; }"
            start = "exec sleep 600"
            scenarios = [ { scenario = one-to-one } ]
            """);
    repo.git("checkout", "-q", "-b", "fix");
    Files.writeString(repo.dir().resolve("fixed"), "yes\n");
    repo.git("add", "-A");
    repo.git("commit", "-q", "-m", "fix the build");
    String head = repo.git("rev-parse", "HEAD");

    JobResult result =
        new Pipeline(Pipeline.Settings.of(tmp.resolve("work")))
            .run(pullRequest(12, repo, head, base));

    assertEquals("neutral", result.conclusion(), result::toString);
    assertEquals("base not comparable: build failed (exit status 3)", result.title());
    assertTrue(result.summary().contains("base is broken"), result.summary());
    assertFalse(Files.exists(tmp.resolve("work/job-12/02-build-head.log")), "head not built");
  }

  @Test
  @Timeout(60)
  void aFailingBuildIsAFailureThatQuotesTheEndOfTheBuildLog() throws Exception {
    GitRepo repo = GitRepo.create(tmp.resolve("origin"));
    String sha =
        repo.commit(
            """
            build = "echo compiling; echo 'src/c2s.erl:42: syntax error' >&2; exit 3"
            start = "exec sleep 600"
            scenarios = [ { scenario = one-to-one } ]
            """);

    JobResult result =
        new Pipeline(Pipeline.Settings.of(tmp.resolve("work")))
            .run(job(2, repo, "main", sha, null));

    assertEquals("failure", result.conclusion());
    assertEquals("build failed (exit status 3)", result.title());
    assertTrue(result.summary().contains("The **build** step failed"), result.summary());
    assertTrue(result.summary().contains("src/c2s.erl:42: syntax error"), result.summary());
    assertTrue(result.summary().contains("02-build.log"), result.summary());
    assertFalse(Files.exists(tmp.resolve("work/job-2/03-start.log")), "nothing started");
  }

  @Test
  @Timeout(60)
  void aServerThatNeverBecomesReadyIsAFailureAndItsProcessesAreGoneAfterwards() throws Exception {
    GitRepo repo = GitRepo.create(tmp.resolve("origin"));
    String sha =
        repo.commit(
            """
            start = "echo starting; sleep 600 & echo $! > $MURM_JOB_DIR/child.pid; echo $$ > $MURM_JOB_DIR/start.pid; wait"
            ready { tcp = "127.0.0.1:%d", timeout = 3s }
            scenarios = [ { scenario = one-to-one } ]
            """
                .formatted(unusedPort()));

    long t0 = System.nanoTime();
    JobResult result =
        new Pipeline(Pipeline.Settings.of(tmp.resolve("work")))
            .run(job(3, repo, "main", sha, null));

    assertEquals("failure", result.conclusion());
    assertEquals("server did not become ready within 3 s", result.title());
    assertTrue(result.summary().contains("starting"), "quotes the start log: " + result.summary());
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30));
    for (String pidFile : List.of("start.pid", "child.pid")) {
      long pid = Long.parseLong(Files.readString(tmp.resolve("work/job-3/" + pidFile)).strip());
      assertFalse(running(pid), pidFile + " still running");
    }
  }

  @Test
  @Timeout(60)
  void theConfigurationComesFromTheDefaultBranchNeverFromThePullRequestHead() throws Exception {
    Path pwned = Path.of("/tmp/pwned-" + UUID.randomUUID());
    GitRepo repo = GitRepo.create(tmp.resolve("origin"));
    repo.commit(
        """
        build = "echo trusted build"
        start = "exec sleep 600"
        ready { tcp = "127.0.0.1:%d", timeout = 1s }
        scenarios = [ { scenario = one-to-one } ]
        """
            .formatted(unusedPort()));
    repo.git("checkout", "-q", "-b", "feature");
    Files.writeString(repo.dir().resolve("feature.txt"), "the change under test\n");
    String head = repo.commit("build = \"touch " + pwned + "\"\nstart = \"exec sleep 600\"\n");
    repo.git("checkout", "-q", "main");

    JobResult result =
        new Pipeline(Pipeline.Settings.of(tmp.resolve("work")))
            .run(job(4, repo, "feature", head, 7));

    assertFalse(Files.exists(pwned), "the pull request's build command ran");
    Path jobDir = tmp.resolve("work/job-4");
    assertTrue(Files.readString(jobDir.resolve("02-build.log")).contains("trusted build"));
    assertTrue(Files.exists(jobDir.resolve("src/feature.txt")), "the head is checked out");
    assertEquals("server did not become ready within 1 s", result.title());
  }

  @Test
  @Timeout(60)
  void anOperatorsConfigurationReplacesTheRepositorysOwn() throws Exception {
    GitRepo repo = GitRepo.create(tmp.resolve("origin"));
    String sha =
        repo.commit(
            "build = \"true\"\nstart = \"exec sleep 600\"\nscenarios = [ { scenario = one-to-one } ]\n");
    Path operator = tmp.resolve("operator");
    Files.createDirectories(operator.resolve("acme"));
    Files.writeString(
        operator.resolve("acme/chat.conf"),
        "build = \"exit 7\"\nstart = \"exec sleep 600\"\nscenarios = [ { scenario = one-to-one } ]\n");

    JobResult result =
        new Pipeline(Pipeline.Settings.of(tmp.resolve("work")).withOperatorConfigs(operator))
            .run(job(5, repo, "main", sha, null));

    assertEquals("build failed (exit status 7)", result.title());
  }

  @Test
  @Timeout(60)
  void cancellingDuringALongBuildEndsCancelledWithinSeconds() throws Exception {
    GitRepo repo = GitRepo.create(tmp.resolve("origin"));
    String sha =
        repo.commit(
            """
            build = "echo $$ > $MURM_JOB_DIR/build.pid; sleep 600"
            start = "exec sleep 600"
            scenarios = [ { scenario = one-to-one } ]
            """);
    Pipeline pipeline = new Pipeline(Pipeline.Settings.of(tmp.resolve("work")));
    CompletableFuture<JobResult> running =
        CompletableFuture.supplyAsync(() -> pipeline.run(job(6, repo, "main", sha, null)));
    Path pidFile = tmp.resolve("work/job-6/build.pid");
    while (!Files.exists(pidFile) || Files.readString(pidFile).isBlank()) {
      Thread.sleep(50);
    }

    long t0 = System.nanoTime();
    pipeline.cancel(6);
    JobResult result = running.get(10, TimeUnit.SECONDS);

    assertEquals("cancelled", result.conclusion());
    assertTrue(result.summary().contains("build"), result.summary());
    assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 5);
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    assertFalse(running(pid), "the build still runs");
  }

  /**
   * A remote that cannot be reached says nothing about the commit: the fetch step's failure is
   * neutral, with the step named and the end of its log, never a failure blamed on the commit.
   */
  @Test
  @Timeout(60)
  void anUnreachableRemoteIsNeutralNotAFailureOfTheCommit() throws Exception {
    Job job =
        new Job(
            9,
            "delivery-9",
            Job.Trigger.PUSH,
            "acme/chat",
            "https://127.0.0.1:" + unusedPort() + "/acme/chat.git",
            "main",
            "main",
            "0123456789abcdef0123456789abcdef01234567",
            null,
            null,
            null,
            null,
            "alice",
            Job.State.RUNNING,
            Instant.now());

    JobResult result = new Pipeline(Pipeline.Settings.of(tmp.resolve("work"))).run(job);

    assertEquals("neutral", result.conclusion(), result::toString);
    assertEquals("git fetch failed (exit status 128)", result.title());
    assertTrue(result.summary().contains("not a verdict on the commit"), result.summary());
    assertTrue(result.summary().contains("Failed to connect"), result.summary());
  }

  @Test
  @Timeout(60)
  void aRepositoryWithoutConfigurationIsNeutral() throws Exception {
    GitRepo repo = GitRepo.create(tmp.resolve("origin"));
    Files.writeString(repo.dir().resolve("README"), "no load tests here\n");
    repo.git("add", "-A");
    repo.git("commit", "-q", "-m", "readme");
    String sha = repo.git("rev-parse", "HEAD");

    JobResult result =
        new Pipeline(Pipeline.Settings.of(tmp.resolve("work")))
            .run(job(7, repo, "main", sha, null));

    assertEquals("neutral", result.conclusion());
    assertEquals("no load-test configuration", result.title());
  }

  /**
   * A job that did not come through the webhook (an older store, another writer) with a value that
   * git would read as an option, or that leaves the operator's folder: the pipeline refuses it
   * before git or the file system sees it, and ends the job neutral naming the field.
   */
  @ParameterizedTest
  @ValueSource(strings = {"sha", "baseSha", "defaultBranch", "cloneUrl", "repo"})
  @Timeout(60)
  void aHostileJobValueIsRefusedBeforeGitOrAPathSeesIt(String field) throws Exception {
    Path canary = tmp.resolve("canary");
    GitRepo repo = GitRepo.create(tmp.resolve("origin"));
    String sha =
        repo.commit(
            """
            start = "exec sleep 600"
            ready { tcp = "127.0.0.1:%d", timeout = 1s }
            scenarios = [ { scenario = one-to-one } ]
            """
                .formatted(unusedPort()));
    Path operator = Files.createDirectories(tmp.resolve("operator"));
    Files.writeString(
        tmp.resolve("evil.conf"),
        "build = \"touch "
            + canary
            + "\"\nstart = \"true\"\nscenarios = [ { scenario = one-to-one } ]\n");
    String hostile = field.equals("repo") ? "../evil" : "--upload-pack=touch " + canary;
    Job job =
        new Job(
            8,
            "delivery-8",
            Job.Trigger.PULL_REQUEST,
            field.equals("repo") ? hostile : "acme/chat",
            field.equals("cloneUrl") ? hostile : repo.dir().toUri().toString(),
            field.equals("defaultBranch") ? hostile : "main",
            "feature",
            field.equals("sha") ? hostile : sha,
            7,
            field.equals("baseSha") ? hostile : sha,
            "main",
            null,
            "alice",
            Job.State.RUNNING,
            Instant.now());

    JobResult result =
        new Pipeline(Pipeline.Settings.of(tmp.resolve("work")).withOperatorConfigs(operator))
            .run(job);

    assertFalse(Files.exists(canary), "the injected command ran");
    assertEquals("neutral", result.conclusion(), result::toString);
    assertTrue(result.title().startsWith("refused: job." + field + ": "), result.title());
  }

  /**
   * A stored bisection whose range holds a value that is no commit id (an older store, another
   * writer): refused before any git command, so that no git ever reads it as an option or a
   * revision expression, and no commit is blamed.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {"--output=/tmp/pwned", "HEAD~3", "0123456789abcdef0123456789abcdef0123456"})
  @Timeout(60)
  void aBisectionWithAValueThatIsNoCommitIdInItsRangeIsRefusedBeforeAnyGitCommand(String hostile)
      throws Exception {
    GitRepo repo = GitRepo.create(tmp.resolve("origin"));
    String sha =
        repo.commit("start = \"exec sleep 600\"\nscenarios = [ { scenario = one-to-one } ]\n");
    Job job =
        new Job(
            10,
            "bisect-10",
            Job.Trigger.BISECT,
            "acme/chat",
            repo.dir().toUri().toString(),
            "main",
            "main",
            sha,
            null,
            hostile,
            null,
            null,
            "trend-check",
            Job.State.RUNNING,
            Instant.now(),
            new Job.ChangePoint("one-to-one", "ttd_p50_ms", Instant.now()));

    JobResult result = new Pipeline(Pipeline.Settings.of(tmp.resolve("work"))).run(job);

    assertEquals("neutral", result.conclusion(), result::toString);
    assertEquals("refused: job.baseSha: not a commit id (40 hex digits)", result.title());
    assertFalse(Files.exists(tmp.resolve("work/job-10/src/.git")), "git init ran");
    assertFalse(Files.exists(tmp.resolve("work/job-10/01-fetch.log")), "a git command ran");
    assertFalse(Files.exists(Path.of("/tmp/pwned")));
    assertEquals(List.of(), result.verdicts());
    assertEquals(null, result.comment());
  }

  /**
   * The range comes from the repository's own first-parent line ({@code git rev-list}): a range of
   * one commit ends at once (the trend check's comment names it), one of more than 64 commits is
   * refused with the fix, and a "good" commit off the line is refused too. Nothing is load-tested.
   */
  @Test
  @Timeout(60)
  void aBisectionRangeIsReadFromGitAndOneCommitOrMoreThan64OrOffTheLineEndWithoutALoadTest()
      throws Exception {
    GitRepo repo = GitRepo.create(tmp.resolve("origin"));
    String first =
        repo.commit(
            "build = \"touch built\"\nstart = \"exec sleep 600\"\n"
                + "scenarios = [ { scenario = one-to-one } ]\n");
    repo.git("checkout", "-q", "-b", "side");
    repo.git("commit", "-q", "--allow-empty", "-m", "on the side");
    String side = repo.git("rev-parse", "HEAD");
    repo.git("checkout", "-q", "main");
    repo.git("merge", "-q", "--no-ff", "-m", "merge side", "side");
    List<String> line = new ArrayList<>(List.of(first, repo.git("rev-parse", "HEAD")));
    for (int i = 0; i < 65; i++) {
      repo.git("commit", "-q", "--allow-empty", "-m", "c" + i);
      line.add(repo.git("rev-parse", "HEAD"));
    }
    Pipeline pipeline = new Pipeline(Pipeline.Settings.of(tmp.resolve("work")));

    JobResult one = pipeline.run(bisection(21, repo, line.get(1), line.get(2)));
    JobResult tooLong = pipeline.run(bisection(22, repo, line.get(1), line.get(66)));
    JobResult offTheLine = pipeline.run(bisection(23, repo, side, line.get(3)));

    assertEquals("neutral", one.conclusion(), one::toString);
    assertEquals(
        "nothing to bisect: " + line.get(2).substring(0, 7) + " is the only commit of the range",
        one.title());
    assertEquals(
        "bisection refused: the range "
            + line.get(1).substring(0, 7)
            + ".."
            + line.get(66).substring(0, 7)
            + " holds 65 merged commits, more than 64: bisect it by hand (git bisect), or let"
            + " more merged builds run to narrow it",
        tooLong.title());
    assertTrue(
        offTheLine
            .title()
            .endsWith(
                "is not an ancestor of "
                    + line.get(3).substring(0, 7)
                    + " through first parents (was the branch rewritten?)"),
        offTheLine.title());
    for (int id = 21; id <= 23; id++) {
      assertFalse(Files.exists(tmp.resolve("work/job-" + id + "/src/built")), "built, job " + id);
      assertTrue(
          Files.readString(tmp.resolve("work/job-" + id + "/01-fetch.log"))
              .contains("rev-list --first-parent --parents --end-of-options "),
          "job " + id);
    }
  }

  private static Job bisection(long id, GitRepo repo, String good, String bad) {
    return new Job(
        id,
        "bisect-" + id,
        Job.Trigger.BISECT,
        "acme/chat",
        repo.dir().toUri().toString(),
        "main",
        "main",
        bad,
        null,
        good,
        null,
        null,
        "trend-check",
        Job.State.RUNNING,
        Instant.now(),
        new Job.ChangePoint("one-to-one", "ttd_p50_ms", Instant.now()));
  }

  private static Job job(long id, GitRepo repo, String branch, String sha, Integer pr) {
    return new Job(
        id,
        "delivery-" + id,
        pr == null ? Job.Trigger.PUSH : Job.Trigger.PULL_REQUEST,
        "acme/chat",
        repo.dir().toUri().toString(),
        "main",
        branch,
        sha,
        pr,
        null,
        pr == null ? null : "main",
        null,
        "alice",
        Job.State.RUNNING,
        Instant.now());
  }

  private static Job pullRequest(long id, GitRepo repo, String head, String baseSha) {
    return new Job(
        id,
        "delivery-" + id,
        Job.Trigger.PULL_REQUEST,
        "acme/chat",
        repo.dir().toUri().toString(),
        "main",
        "feature",
        head,
        7,
        baseSha,
        "main",
        null,
        "alice",
        Job.State.RUNNING,
        Instant.now());
  }

  /**
   * True while {@code pid} runs; a zombie (dead, not yet reaped by PID 1, which here may be slow to
   * do so) counts as gone.
   */
  private static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return false;
    }
  }

  private static int unusedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
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
