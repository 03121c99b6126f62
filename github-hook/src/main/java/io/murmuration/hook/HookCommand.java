package io.murmuration.hook;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.murmuration.hook.github.GitHubAuth;
import io.murmuration.hook.github.GitHubReporter;
import io.murmuration.hook.intake.WebhookSecret;
import io.murmuration.hook.intake.WebhookServer;
import io.murmuration.hook.pipeline.Pipeline;
import io.murmuration.hook.queue.JobExecutor;
import io.murmuration.hook.queue.JobStore;
import io.murmuration.hook.queue.Worker;
import java.io.File;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code murm hook}: the webhook service. Reads a HOCON file (what to listen on, where to keep jobs,
 * where metrics go) and the environment (secrets only), then wires the pieces: the {@link
 * WebhookServer} stores accepted deliveries in the {@link JobStore}; one {@link Worker} runs them
 * through the {@link Pipeline} and tells GitHub through the {@link GitHubReporter}. Runs until
 * Ctrl-C or SIGTERM, which lets the running job finish for up to 30 s and puts it back in the queue
 * otherwise.
 */
@Command(
    name = "murm hook",
    mixinStandardHelpOptions = true,
    description = "The GitHub webhook service: load-test pull requests and merged builds.")
public final class HookCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(HookCommand.class);

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "HOCON settings (see docs/github.md); secrets come from the environment")
  File config;

  PrintStream out = System.out;
  Map<String, String> env = System.getenv();

  public static void main(String[] args) {
    CommandLine cl = new CommandLine(new HookCommand());
    cl.setExecutionExceptionHandler(
        (e, c, parsed) -> {
          System.err.println("murm hook: " + e.getMessage());
          return 2;
        });
    System.exit(cl.execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Config c = settings();
    Path dataDir = Path.of(c.getString("data-dir")).toAbsolutePath();
    JobStore store =
        c.hasPath("database.url")
            ? JobStore.open(
                c.getString("database.url"),
                env.get("MURM_HOOK_DB_USER"),
                env.get("MURM_HOOK_DB_PASSWORD"))
            : JobStore.openH2(dataDir.resolve("db"));
    int recovered = store.recoverAfterCrash();
    if (recovered > 0) {
      out.printf("%d job(s) left running by a stopped service are queued again%n", recovered);
    }
    Pipeline.Settings pipelineSettings = Pipeline.Settings.of(dataDir.resolve("jobs"));
    if (c.hasPath("operator-configs")) {
      pipelineSettings = pipelineSettings.withOperatorConfigs(Path.of(c.getString("operator-configs")));
    }
    if (c.hasPath("influx")) {
      pipelineSettings = pipelineSettings.withInflux(c.getString("influx"));
    }
    Pipeline pipeline = new Pipeline(pipelineSettings);
    Reporter reporter = reporter(GitHubAuth.fromEnv(env));
    String detailsUrl = c.hasPath("public-url") ? c.getString("public-url") : null;
    JobExecutor executor =
        job -> {
          reporter.started(job, detailsUrl);
          JobResult result = pipeline.run(job);
          reporter.finished(job, result, detailsUrl);
          return result;
        };
    Worker worker = Worker.start(store, executor, Duration.ofSeconds(5));
    Set<String> labels = new HashSet<>(c.getStringList("approval-labels"));
    WebhookServer.Settings server =
        new WebhookServer.Settings(
            listen(c.getString("listen")),
            WebhookSecret.fromEnvironment(env),
            (int) c.getMemorySize("max-body").toBytes(),
            labels);
    try (WebhookServer web =
        WebhookServer.start(
            server,
            store,
            worker::wake,
            id -> {
              worker.cancel(id);
              pipeline.cancel();
            })) {
      out.printf(
          "murm hook: POST /webhook on port %d; jobs in %s%n", web.port(), dataDir.resolve("jobs"));
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      worker.stop(Duration.ofSeconds(30));
                      store.close();
                    } catch (Exception e) {
                      log.warn("stopping: {}", e.toString());
                    }
                    stopped.countDown();
                  },
                  "murm-hook-stop"));
      stopped.await();
    }
    return 0;
  }

  /** The file's settings over the defaults; unknown keys are refused with file:line. */
  private Config settings() {
    Config defaults =
        ConfigFactory.parseString(
            """
            listen = "127.0.0.1:8080"
            data-dir = "hook-data"
            max-body = 1MiB
            approval-labels = [loadtest]
            """);
    if (config == null) {
      return defaults.resolve();
    }
    if (!config.isFile()) {
      throw new IllegalArgumentException(config + " does not exist: fix --config");
    }
    try {
      Config file = ConfigFactory.parseFile(config).resolve();
      Set<String> known =
          Set.of(
              "listen",
              "data-dir",
              "database",
              "max-body",
              "approval-labels",
              "operator-configs",
              "influx",
              "public-url");
      file.root()
          .forEach(
              (key, value) -> {
                if (!known.contains(key)) {
                  throw new IllegalArgumentException(
                      config
                          + ":"
                          + value.origin().lineNumber()
                          + ": unknown setting '"
                          + key
                          + "': known are "
                          + String.join(", ", known.stream().sorted().toList()));
                }
              });
      return file.withFallback(defaults).resolve();
    } catch (ConfigException e) {
      throw new IllegalArgumentException("cannot read " + e.getMessage(), e);
    }
  }

  /** GitHub when configured; otherwise a reporter that prints what it would have told. */
  private Reporter reporter(Optional<GitHubAuth> auth) {
    if (auth.isPresent()) {
      out.println("murm hook: reporting to GitHub as " + auth.get());
      return new GitHubReporter(auth.get());
    }
    out.println(
        "murm hook: no GitHub credentials (MURM_GITHUB_APP_ID + MURM_GITHUB_APP_KEY_FILE, or"
            + " MURM_GITHUB_TOKEN): results go to this log only");
    return new Reporter() {
      @Override
      public void started(Job job, String detailsUrl) {
        out.printf("job %d started: %s at %s%n", job.id(), job.repo(), job.sha());
      }

      @Override
      public void finished(Job job, JobResult result, String detailsUrl) {
        out.printf("job %d %s: %s%n", job.id(), result.conclusion(), result.title());
      }
    };
  }

  private static InetSocketAddress listen(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 1) {
      throw new IllegalArgumentException(
          "listen = '" + hostPort + "' is not HOST:PORT, e.g. 127.0.0.1:8080");
    }
    return new InetSocketAddress(
        hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }
}
