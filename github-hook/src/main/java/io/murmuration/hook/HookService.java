package io.murmuration.hook;

import com.typesafe.config.Config;
import io.murmuration.hook.github.GitHubAuth;
import io.murmuration.hook.github.GitHubReporter;
import io.murmuration.hook.intake.WebhookSecret;
import io.murmuration.hook.intake.WebhookServer;
import io.murmuration.hook.pipeline.Coordinator;
import io.murmuration.hook.pipeline.Cpus;
import io.murmuration.hook.pipeline.Pipeline;
import io.murmuration.hook.pipeline.TrendCheck;
import io.murmuration.hook.pipeline.VerdictWriter;
import io.murmuration.hook.queue.JobExecutor;
import io.murmuration.hook.queue.JobStore;
import io.murmuration.hook.queue.ReportSender;
import io.murmuration.hook.queue.Worker;
import io.murmuration.results.InfluxSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running webhook service: the {@link WebhookServer} stores accepted deliveries in the {@link
 * JobStore}; one {@link Worker} runs them through the {@link Pipeline}, telling GitHub before and
 * after through the {@link ReportSender} (the result is stored in the store's outbox and posted
 * until GitHub takes it); after a merged build's job, with {@code influx} set, the {@link
 * TrendCheck} reports new change points of the branch. {@link #close()} stops taking deliveries,
 * lets the running job finish for up to 30 s (else it goes back to the queue), lets a report being
 * posted finish for up to 10 s (else it is posted after the restart) and closes the store.
 */
public final class HookService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HookService.class);

  private final JobStore store;
  private final Worker worker;
  private final ReportSender reports;
  private final WebhookServer web;

  private HookService(JobStore store, Worker worker, ReportSender reports, WebhookServer web) {
    this.store = store;
    this.worker = worker;
    this.reports = reports;
    this.web = web;
  }

  /**
   * Starts the service with {@code settings} (the keys of {@code docs/github.md}) and secrets from
   * {@code env}; says on {@code out} where it listens and how it reports. java.util.logging goes to
   * the service's log from then on ({@link JdkLogging}).
   */
  public static HookService start(Config settings, Map<String, String> env, PrintStream out)
      throws IOException, SQLException {
    JdkLogging.toSlf4j();
    Path dataDir = Path.of(settings.getString("data-dir")).toAbsolutePath();
    WebhookSecret secret = WebhookSecret.fromEnvironment(env);
    Optional<GitHubAuth> github = GitHubAuth.fromEnv(env);
    ReportTarget target = target(github, out);
    InfluxSettings influx = influx(settings, env);
    Coordinator coordinator = coordinator(settings);
    Cpus cpus = settings.hasPath("cpus") ? Cpus.of(settings.getConfig("cpus")) : null;
    JobStore store =
        settings.hasPath("database.url")
            ? JobStore.open(
                settings.getString("database.url"),
                env.get("MURM_HOOK_DB_USER"),
                env.get("MURM_HOOK_DB_PASSWORD"))
            : JobStore.openH2(dataDir.resolve("db"));
    VerdictWriter verdicts = influx == null ? null : new VerdictWriter(influx);
    int recovered = store.recoverAfterCrash();
    if (recovered > 0) {
      out.printf("%d job(s) left running by a stopped service are queued again%n", recovered);
    }
    int pending = store.outbox().counts().pending();
    if (pending > 0) {
      out.printf(
          "%d report(s) to GitHub left pending by a stopped service: sending them now%n", pending);
    }
    ReportSender reporter =
        ReportSender.start(store.outbox(), target, ReportSender.Backoff.DEFAULT);
    TrendCheck trendCheck = influx == null ? null : new TrendCheck(influx, reporter, store);
    Pipeline.Settings pipelineSettings = Pipeline.Settings.of(dataDir.resolve("jobs"));
    if (settings.hasPath("operator-configs")) {
      pipelineSettings =
          pipelineSettings.withOperatorConfigs(Path.of(settings.getString("operator-configs")));
    }
    if (settings.hasPath("influx")) {
      pipelineSettings = pipelineSettings.withInflux(settings.getString("influx"));
    }
    if (coordinator != null) {
      pipelineSettings = pipelineSettings.withCoordinator(coordinator);
      out.println("murm hook: scenarios run on the coordinator at " + coordinator);
    }
    if (cpus != null) {
      pipelineSettings = pipelineSettings.withCpus(cpus);
      out.println(
          "murm hook: the server under test runs on CPUs "
              + cpus.server()
              + ", the runner on CPUs "
              + cpus.runner());
    }
    pipelineSettings =
        pipelineSettings.withLinks(uri(settings, "grafana"), uri(settings, "runs-url"));
    if (github.isPresent()) {
      GitHubAuth auth = github.get();
      pipelineSettings =
          pipelineSettings.withFetchToken(job -> auth.repositoryToken(job.installationId()));
    }
    Pipeline pipeline = new Pipeline(pipelineSettings);
    String publicUrl = settings.hasPath("public-url") ? settings.getString("public-url") : null;
    JobExecutor executor =
        job -> {
          String detailsUrl = detailsUrl(publicUrl, job.id());
          // a bisection has no check run: its result is a comment on the commit it names
          boolean checkRun = job.trigger() != Job.Trigger.BISECT;
          if (checkRun) {
            reporter.started(job, detailsUrl);
          }
          JobResult result = pipeline.run(job);
          if (checkRun) {
            reporter.finished(job, result, detailsUrl);
          }
          if (verdicts != null) {
            verdicts.write(job, result.verdicts());
          }
          if (result.comment() != null) {
            // keyed by the job: a bisection run again after a crash posts its answer once
            reporter.commitComment(
                job.withSha(result.comment().sha()),
                "bisection:" + job.id(),
                result.comment().markdown());
          }
          if (trendCheck != null
              && job.trigger() == Job.Trigger.PUSH
              && !"cancelled".equals(result.conclusion())) {
            trendCheck.afterPush(job);
          }
          return result;
        };
    Worker worker = Worker.start(store, executor, Duration.ofSeconds(5));
    WebhookServer.Settings server =
        new WebhookServer.Settings(
            listen(settings.getString("listen")),
            secret,
            (int) settings.getMemorySize("max-body").toBytes(),
            new HashSet<>(settings.getStringList("approval-labels")),
            List.copyOf(settings.getStringList("clone-url-prefixes")));
    WebhookServer web =
        WebhookServer.start(
            server,
            store,
            dataDir.resolve("jobs"),
            worker::runningJob,
            worker::wake,
            id -> {
              worker.cancel(id);
              pipeline.cancel(id);
            });
    out.printf(
        "murm hook: POST /webhook and the status page (GET /) on port %d; jobs in %s%n",
        web.port(), dataDir.resolve("jobs"));
    return new HookService(store, worker, reporter, web);
  }

  /** The port the webhook endpoint listens on. */
  public int port() {
    return web.port();
  }

  public JobStore store() {
    return store;
  }

  @Override
  public void close() {
    web.close();
    try {
      worker.stop(Duration.ofSeconds(30));
      reports.stop(Duration.ofSeconds(10));
      store.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException e) {
      log.warn("closing the job store: {}", e.toString());
    }
  }

  /** GitHub when configured; otherwise the console, told what GitHub would have been. */
  private static ReportTarget target(Optional<GitHubAuth> auth, PrintStream out) {
    if (auth.isPresent()) {
      out.println("murm hook: reporting to GitHub as " + auth.get());
      return new GitHubReporter(auth.get());
    }
    out.println(
        "murm hook: no GitHub credentials (MURM_GITHUB_APP_ID + MURM_GITHUB_APP_KEY_FILE, or"
            + " MURM_GITHUB_TOKEN): results go to this console only");
    return new ReportTarget() {
      @Override
      public void started(Job job, String detailsUrl) {
        out.printf("job %d started: %s at %s%n", job.id(), job.repo(), job.sha());
      }

      @Override
      public void finished(Job job, JobResult result, String detailsUrl) {
        out.printf("job %d %s: %s%n", job.id(), result.conclusion(), result.title());
      }

      @Override
      public void commitComment(Job job, String key, String markdown) {
        out.printf("job %d: comment on %s@%s:%n%s%n", job.id(), job.repo(), job.sha(), markdown);
      }
    };
  }

  /**
   * The {@code influx} setting, for the trend check that follows each merged build's load test and
   * the verdict events; null without. Credentials as the runs get them: {@code MURM_INFLUX_USER},
   * {@code MURM_INFLUX_PASSWORD}.
   */
  private static InfluxSettings influx(Config settings, Map<String, String> env) {
    if (!settings.hasPath("influx")) {
      return null;
    }
    try {
      return InfluxSettings.of(settings.getString("influx"), null, null, env);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("influx: " + e.getMessage(), e);
    }
  }

  /** The {@code coordinator} block, checked (its token read) before anything starts; or null. */
  private static Coordinator coordinator(Config settings) {
    if (!settings.hasPath("coordinator")) {
      return null;
    }
    try {
      return Coordinator.of(settings.getConfig("coordinator"));
    } catch (com.typesafe.config.ConfigException.WrongType e) {
      throw new IllegalArgumentException(
          "coordinator must be a block: coordinator { url = \"http://127.0.0.1:8086\","
              + " token-file = \"/etc/tide/coordinator-token\" }");
    }
  }

  private static URI uri(Config settings, String key) {
    return settings.hasPath(key) ? URI.create(settings.getString(key)) : null;
  }

  /** The job's page on the status page, {@code <public-url>jobs/<id>}; null without a URL. */
  static String detailsUrl(String publicUrl, long jobId) {
    if (publicUrl == null) {
      return null;
    }
    return (publicUrl.endsWith("/") ? publicUrl : publicUrl + "/") + "jobs/" + jobId;
  }

  private static InetSocketAddress listen(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    try {
      return new InetSocketAddress(
          hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "listen = '" + hostPort + "' is not HOST:PORT, e.g. 127.0.0.1:8080");
    }
  }
}
