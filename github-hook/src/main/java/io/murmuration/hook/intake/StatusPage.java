package io.murmuration.hook.intake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.murmuration.hook.Job;
import io.murmuration.hook.JobResult;
import io.murmuration.hook.queue.JobStore;
import io.murmuration.hook.queue.Outbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's status page, for people ({@code GET /}, {@code GET /jobs/<id>}) and machines
 * ({@code GET /status.json}): the running job, the queue, the latest results and the reports to
 * GitHub not posted yet (the {@link Outbox}), read from the {@link JobStore} and the job folders at
 * each request. {@link StatusHtml} renders the HTML.
 *
 * <p>{@code GET /jobs/<id>/logs/<file>} serves a step log as text. Only a regular file directly in
 * {@code job-<id>/} whose name matches {@code NN-name.log} is served; everything else is 404. The
 * name is checked on the <em>raw</em> path, before any percent-decoding, so {@code ..}, {@code
 * %2e%2e} and {@code %2f} never reach the file system; symbolic links are refused because a job's
 * build command (untrusted code) can create files in its folder and could point one at the
 * service's secrets.
 *
 * <p>What the page shows comes from the store and the job folders only: never the webhook secret or
 * the GitHub credentials, which this class does not have. Values from GitHub (repository, branch,
 * titles) are untrusted and escaped; HTML answers also carry a Content-Security-Policy that allows
 * no script at all, so a missed escape still could not run one. No authentication: see {@code
 * docs/github.md}.
 *
 * <p>The pipeline runs the runner with {@code --quiet} and the runner writes its numbers only when
 * a run ends, so for the running job the page shows what is known cheaply and truthfully: how long
 * it has run and its current step (the newest step log's name).
 */
final class StatusPage implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(StatusPage.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How many results the page lists. */
  static final int RESULTS = 20;

  /** How many reports not posted the page lists (all are counted). */
  static final int UNSENT = 20;

  /** A step log's name: {@code 01-fetch.log}, {@code 05-run-2-one-to-one.log}. */
  static final Pattern LOG_NAME = Pattern.compile("\\d\\d-[\\w.-]+\\.log");

  private static final Pattern JOB_PATH = Pattern.compile("/jobs/(\\d{1,18})");
  private static final Pattern LOG_PATH = Pattern.compile("/jobs/(\\d{1,18})/logs/([^/]*)");
  private static final Pattern RUN_LOG =
      Pattern.compile("(\\d\\d)-run(?:-s\\d+)?(?:-r\\d+-(?:base|head|good|mid|bad))?-(\\d+)-.*");

  /**
   * A log of an arm: of round {@code n} of an A/B gate, e.g. {@code 03-start-r2-head.log}, or of a
   * bisection's step {@code s} ({@code 02-build-s2-mid.log}, {@code 03-start-s2-r1-good.log}).
   */
  private static final Pattern ARM_LOG =
      Pattern.compile("\\d\\d-[a-z]+(?:-s(\\d+))?(?:-r(\\d+))?-(base|head|good|mid|bad)[-.].*");

  /** The arms in the order they run within a round. */
  private static final List<String> ARMS = List.of("base", "head", "good", "mid", "bad");

  private static final String CSP =
      "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none';"
          + " frame-ancestors 'none'";

  /** The running job, when it started, and the name of its newest step log (or null). */
  record Running(Job job, Instant startedAt, String step) {}

  /**
   * What the page shows, as of {@code at}: besides the jobs, how many reports to GitHub are pending
   * or failed, and the newest of them.
   */
  record Status(
      Instant at,
      Running running,
      List<Job> queue,
      List<JobStore.Ended> results,
      Outbox.Counts reports,
      List<Outbox.Report> unsent) {}

  /**
   * One job for its details page: the store's fields, when its latest attempt started and when it
   * ended (or nulls), its result if any, its step logs, its reports to GitHub.
   */
  record Details(
      Job job,
      int attempts,
      Instant startedAt,
      Instant finishedAt,
      JobResult result,
      List<String> logs,
      boolean running,
      List<Outbox.Report> reports) {}

  private final JobStore store;
  private final Path jobsDir;
  private final LongSupplier runningJob;

  /**
   * @param jobsDir the pipeline's work root, holding {@code job-<id>/} folders
   * @param runningJob the id of the job the worker runs, or -1
   */
  StatusPage(JobStore store, Path jobsDir, LongSupplier runningJob) {
    this.store = store;
    this.jobsDir = jobsDir;
    this.runningJob = runningJob;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        send(ex, 405, "text/plain", "GET or HEAD only");
        return;
      }
      String path = ex.getRequestURI().getRawPath();
      Matcher m;
      if (path.equals("/")) {
        send(ex, 200, "text/html", StatusHtml.page(status()));
      } else if (path.equals("/status.json")) {
        send(ex, 200, "application/json", json(status()));
      } else if ((m = JOB_PATH.matcher(path)).matches()) {
        Optional<Details> details = details(Long.parseLong(m.group(1)));
        if (details.isPresent()) {
          send(ex, 200, "text/html", StatusHtml.details(details.get(), Instant.now()));
        } else {
          send(ex, 404, "text/plain", "no such job");
        }
      } else if ((m = LOG_PATH.matcher(path)).matches()) {
        sendLog(ex, Long.parseLong(m.group(1)), m.group(2));
      } else {
        send(ex, 404, "text/plain", "not found");
      }
    } catch (SQLException e) {
      log.warn("status page: job store failed: {}", e.toString());
      send(ex, 503, "text/plain", "job store unavailable");
    } catch (RuntimeException e) {
      log.error("status page failed", e);
      send(ex, 500, "text/plain", "internal error");
    }
  }

  /** The running job, the queue (queued in run order, then those awaiting approval), results. */
  Status status() throws SQLException {
    Running running = null;
    long id = runningJob.getAsLong();
    if (id != -1) {
      Optional<Job> job = store.job(id);
      if (job.isPresent()) {
        running =
            new Running(
                job.get(),
                store.startedAt(id).orElse(null),
                currentStep(stepLogs(id)).orElse(null));
      }
    }
    List<Job> queue = new ArrayList<>(store.queued());
    queue.addAll(store.awaitingApproval());
    return new Status(
        Instant.now(),
        running,
        queue,
        store.ended(RESULTS),
        store.outbox().counts(),
        store.outbox().notPosted(UNSENT));
  }

  Optional<Details> details(long id) throws SQLException {
    Optional<Job> job = store.job(id);
    if (job.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Details(
            job.get(),
            store.attempts(id),
            store.startedAt(id).orElse(null),
            store.finishedAt(id).orElse(null),
            store.result(id).orElse(null),
            stepLogs(id),
            runningJob.getAsLong() == id,
            store.outbox().ofJob(id)));
  }

  /** The names of the step logs in {@code job-<id>/}, in step order. */
  List<String> stepLogs(long id) {
    Path dir = jobsDir.resolve("job-" + id);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .map(p -> p.getFileName().toString())
          .filter(name -> LOG_NAME.matcher(name).matches())
          .sorted(STEP_ORDER)
          .toList();
    } catch (IOException e) {
      return List.of(); // the folder went away (a job starting again empties it)
    }
  }

  /**
   * Step order: the arms' logs in the order they ran — a bisection's steps, each with its builds,
   * then its rounds; an A/B gate's builds, then its rounds (round 1 base, round 1 head, round 2
   * base…) — after the logs of no arm (fetch, a push's steps), then by the step number, then by the
   * scenario's number for {@code 05-run-<n>-…} (so that run 10 comes after run 9), then by name.
   */
  static final Comparator<String> STEP_ORDER =
      Comparator.comparingLong(
              (String name) -> {
                Matcher m = ARM_LOG.matcher(name);
                if (!m.matches()) {
                  return 0;
                }
                long step = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
                long round = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
                return 1 + step * 1_000_000 + round * ARMS.size() + ARMS.indexOf(m.group(3));
              })
          .thenComparing((String name) -> name.substring(0, 2))
          .thenComparingLong(
              name -> {
                Matcher m = RUN_LOG.matcher(name);
                return m.matches() ? Long.parseLong(m.group(2)) : 0;
              })
          .thenComparing(Comparator.naturalOrder());

  /** The current step: the last log in step order, without its {@code .log}. */
  static Optional<String> currentStep(List<String> logs) {
    return logs.isEmpty()
        ? Optional.empty()
        : Optional.of(logs.get(logs.size() - 1).replaceFirst("\\.log$", ""));
  }

  private void sendLog(HttpExchange ex, long id, String name) throws IOException {
    Path dir = jobsDir.resolve("job-" + id);
    Path file = dir.resolve(name);
    if (!LOG_NAME.matcher(name).matches()
        || !file.getParent().equals(dir)
        || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      send(ex, 404, "text/plain", "no such log");
      return;
    }
    headers(ex, "text/plain");
    if (ex.getRequestMethod().equals("HEAD")) {
      ex.getResponseHeaders().set("Content-Length", Long.toString(Files.size(file)));
      ex.sendResponseHeaders(200, -1);
      return;
    }
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      ex.sendResponseHeaders(200, 0); // chunked: a running step's log still grows
      try (OutputStream out = ex.getResponseBody()) {
        in.transferTo(out);
      }
    }
  }

  /** {@link Status} for machines: the same data as the page, with the same links. */
  static String json(Status s) {
    ObjectNode root = JSON.createObjectNode().put("at", s.at().toString());
    if (s.running() == null) {
      root.putNull("running");
    } else {
      Running r = s.running();
      ObjectNode running = job(root.putObject("running"), r.job());
      running.put("startedAt", r.startedAt() == null ? null : r.startedAt().toString());
      running.put(
          "elapsedSeconds",
          r.startedAt() == null ? null : Duration.between(r.startedAt(), s.at()).toSeconds());
      running.put("step", r.step());
    }
    ArrayNode queue = root.putArray("queue");
    s.queue().forEach(j -> job(queue.addObject(), j));
    ArrayNode results = root.putArray("results");
    for (JobStore.Ended e : s.results()) {
      job(results.addObject(), e.job())
          .put("conclusion", e.conclusion())
          .put("title", e.title())
          .put("finishedAt", e.finishedAt().toString());
    }
    ObjectNode reports =
        root.putObject("reports")
            .put("pending", s.reports().pending())
            .put("failed", s.reports().failed());
    ArrayNode unsent = reports.putArray("notPosted");
    for (Outbox.Report r : s.unsent()) {
      unsent
          .addObject()
          .put("id", r.id())
          .put("key", r.key())
          .put("kind", r.kind().name().toLowerCase(java.util.Locale.ROOT))
          .put("job", r.job().id())
          .put("state", r.state().name().toLowerCase(java.util.Locale.ROOT))
          .put("attempts", r.attempts())
          .put("createdAt", r.createdAt().toString())
          .put(
              "nextAttemptAt",
              r.state() == Outbox.State.PENDING ? r.nextAttemptAt().toString() : null)
          .put("lastError", r.lastError());
    }
    return root.toString();
  }

  private static ObjectNode job(ObjectNode node, Job j) {
    node.put("id", j.id())
        .put("state", j.state().name().toLowerCase(java.util.Locale.ROOT))
        .put("trigger", j.trigger().tag)
        .put("repo", j.repo())
        .put("branch", j.branch())
        .put("pr", j.pr())
        .put("sha", j.sha())
        .put("requestedBy", j.requestedBy())
        .put("acceptedAt", j.acceptedAt().toString())
        .put("details", "/jobs/" + j.id())
        .put("commitUrl", StatusHtml.commitUrl(j));
    if (j.pr() != null) {
      node.put("pullRequestUrl", StatusHtml.pullRequestUrl(j));
    }
    return node;
  }

  private static void headers(HttpExchange ex, String type) {
    ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    if (type.equals("text/html")) {
      ex.getResponseHeaders().set("Content-Security-Policy", CSP);
    }
  }

  private static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
    headers(ex, type);
    HttpAnswer.send(ex, status, body);
  }
}
