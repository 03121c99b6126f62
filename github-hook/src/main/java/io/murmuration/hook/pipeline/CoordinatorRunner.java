package io.murmuration.hook.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.murmuration.results.ExitCode;
import io.murmuration.results.Summary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * One scenario run on a {@link Coordinator}'s workers instead of a local {@code murm run}, through
 * its control API (runner/src/main/resources/io/murmuration/control/openapi.yaml): {@code POST
 * /execution/start} with the scenario's {@link RunnerCommand#options}, {@code GET /status} every
 * second until the run ends, then {@code GET /runs/{id}/summary} into the job's run folder, so that
 * {@link ScenarioOutcome#read} reads it as it reads a local run's. The exit status is the run's
 * {@code exit_code}, as {@code murm run} would have exited.
 *
 * <ul>
 *   <li>A start refused because another run is under way (another service, an operator) is tried
 *       again every 5 s until the scenario's time limit; a cluster busy until then is trouble of
 *       the service's side.
 *   <li>Any other refusal (409) is the run's settings: exit status 2, the coordinator's reason in
 *       the log — what {@code murm run} would have said locally.
 *   <li>A coordinator that cannot be reached, refuses the token (401), answers anything else (5xx,
 *       400), has no worker, or stops answering for 30 s during the run is trouble of the service's
 *       side: {@link StepFailed#infrastructure}, so the job ends {@code neutral} and never blames
 *       the commit, not even in an A/B gate.
 *   <li>On the job's cancel (flag or interrupt) or the scenario's time limit the run is stopped
 *       ({@code POST /execution/stop}) and awaited for up to 60 s; then a cancel ends the job
 *       cancelled and a time limit returns null, as for a local run.
 * </ul>
 *
 * The token goes into the {@code Authorization} header only; it is never logged.
 */
final class CoordinatorRunner {
  static final Duration POLL = Duration.ofSeconds(1);
  static final Duration BUSY_RETRY = Duration.ofSeconds(5);
  static final Duration STOP_WAIT = Duration.ofSeconds(60);
  static final Duration SILENCE = Duration.ofSeconds(30);
  private static final Duration PROGRESS = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

  private final Coordinator coordinator;
  private final BooleanSupplier cancelled;
  private final String step;
  private final Path log;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /**
   * @param step the pipeline's step, for a failure's title
   * @param log the scenario's step log
   */
  CoordinatorRunner(Coordinator coordinator, BooleanSupplier cancelled, String step, Path log) {
    this.coordinator = coordinator;
    this.cancelled = cancelled;
    this.step = step;
    this.log = log;
  }

  /**
   * Runs {@code scenario} on the coordinator to its end.
   *
   * @param options {@link RunnerCommand#options}, with its {@code run-id}
   * @param runFolder where {@code summary.json} goes
   * @return the run's exit status, or null when it hit {@code deadlineNanos} (it was stopped)
   * @throws CancellationException when the job was cancelled (the run was stopped)
   * @throws StepFailed infrastructure trouble: the coordinator cannot be used
   */
  Integer run(
      String scenario,
      Map<String, String> options,
      Map<String, String> params,
      Path runFolder,
      long deadlineNanos) {
    String runId = options.get("run-id");
    try (http) {
      try {
        if (!start(scenario, options, params, deadlineNanos)) {
          return ExitCode.SETUP_ERROR.code;
        }
        Integer exit = await(runId, deadlineNanos);
        if (exit == null) {
          return null;
        }
        fetchSummary(runId, runFolder);
        return exit < 0 ? summaryExit(runId, runFolder) : exit;
      } catch (InterruptedException e) {
        stop(runId, "the job was cancelled");
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted");
      }
    } catch (Trouble e) {
      Commands.note(log, e.getMessage());
      throw StepFailed.infrastructure(step, e.getMessage(), log);
    }
  }

  /**
   * Asks the coordinator to start the run until it is accepted (true) or refused for its settings
   * (false).
   */
  private boolean start(
      String scenario, Map<String, String> options, Map<String, String> params, long deadline)
      throws InterruptedException {
    Map<String, String> settings = new LinkedHashMap<>(options);
    if (coordinator.nodes() != null) {
      settings.put("nodes", coordinator.nodes().toString());
    }
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("scenario", scenario);
    request.put("settings", settings);
    request.put("params", params);
    String body = write(request);
    Commands.note(
        log,
        "running on the coordinator at "
            + coordinator.url()
            + " (no local murm run): POST /execution/start "
            + body);
    String waitingFor = null;
    boolean refusedWhileIdle = false;
    while (true) {
      checkCancelled();
      Response r = call("POST", "/execution/start", body);
      if (r.status() == 200) {
        Commands.note(log, "accepted: " + message(r));
        return true;
      }
      if (r.status() != 409) {
        expect200(r, "POST /execution/start");
      }
      JsonNode status = expect200(call("GET", "/status", null), "GET /status");
      if ("running".equals(status.path("state").asText())) {
        String other = status.at("/run/run_id").asText("?");
        if (!other.equals(waitingFor)) {
          Commands.note(
              log,
              "the cluster is busy with run "
                  + other
                  + ": trying again every "
                  + BUSY_RETRY.toSeconds()
                  + " s until this scenario's time limit");
          waitingFor = other;
        }
        if (System.nanoTime() + BUSY_RETRY.toNanos() > deadline) {
          throw new Trouble(
              "the cluster of the coordinator at "
                  + coordinator.url()
                  + " was busy with other runs until this scenario's time limit");
        }
        pause(BUSY_RETRY);
      } else if (status.path("workers").asInt() == 0) {
        throw new Trouble(
            "the coordinator at "
                + coordinator.url()
                + " has no worker node (start one with murm node --seed …): "
                + message(r));
      } else if (refusedWhileIdle) {
        Commands.note(log, "the coordinator refused the run: " + message(r));
        Commands.note(log, "(exit status " + ExitCode.SETUP_ERROR.code + ": setup error)");
        return false;
      } else {
        refusedWhileIdle = true; // a run that ended just then refused it: ask once more
      }
    }
  }

  /**
   * Polls the status until run {@code runId} ends: its exit code, -1 when it ended unseen (another
   * run is the status's now: its summary says), or null when the time limit stopped it.
   */
  private Integer await(String runId, long deadline) throws InterruptedException {
    String lastState = null;
    long lastProgress = System.nanoTime();
    long silentSince = 0;
    while (true) {
      if (cancelled.getAsBoolean()) {
        stop(runId, "the job was cancelled");
        throw new CancellationException("cancelled");
      }
      if (System.nanoTime() > deadline) {
        stop(runId, "the scenario's time limit was reached");
        Commands.note(log, "(stopped: time limit reached)");
        return null;
      }
      pause(POLL);
      JsonNode status;
      try {
        status = expect200(call("GET", "/status", null), "GET /status");
        silentSince = 0;
      } catch (Trouble e) {
        if (silentSince == 0) {
          silentSince = System.nanoTime();
          Commands.note(log, e.getMessage() + ": trying again for " + SILENCE.toSeconds() + " s");
        } else if (System.nanoTime() - silentSince > SILENCE.toNanos()) {
          throw new Trouble(
              e.getMessage()
                  + " for "
                  + SILENCE.toSeconds()
                  + " s while run "
                  + runId
                  + " was under way (it may still run on the cluster)");
        }
        continue;
      }
      JsonNode run = status.path("run");
      if (!runId.equals(run.path("run_id").asText())) {
        Commands.note(log, "run " + runId + " is no longer the coordinator's current run");
        return -1;
      }
      String state = run.path("state").asText();
      if (!state.equals(lastState)) {
        Commands.note(log, "run " + runId + ": " + state);
        lastState = state;
      }
      if (state.equals("finished") || state.equals("failed")) {
        if (!run.path("failure").isNull() && !run.path("failure").isMissingNode()) {
          Commands.note(log, "failure: " + run.path("failure").asText());
        }
        if (!run.path("exit_code").canConvertToInt()) {
          throw new Trouble(
              "the coordinator at "
                  + coordinator.url()
                  + " reported run "
                  + runId
                  + " ended without an exit code");
        }
        int exit = run.path("exit_code").asInt();
        Commands.note(log, "(exit status " + exit + ")");
        return exit;
      }
      if (System.nanoTime() - lastProgress >= PROGRESS.toNanos()) {
        lastProgress = System.nanoTime();
        Commands.note(
            log,
            String.format(
                "%d users connected, %d messages sent, %d delivered",
                run.path("users_connected").asInt(),
                run.path("sent").asLong(),
                run.path("delivered").asLong()));
      }
    }
  }

  /** {@code GET /runs/{id}/summary} into {@code runFolder}; a run without one leaves none. */
  private void fetchSummary(String runId, Path runFolder) throws InterruptedException {
    Response r = call("GET", "/runs/" + runId + "/summary", null);
    if (r.status() == 404) {
      Commands.note(log, "the coordinator has no summary.json of run " + runId);
      return;
    }
    expect200(r, "GET /runs/" + runId + "/summary");
    try {
      Files.createDirectories(runFolder);
      Files.writeString(runFolder.resolve(Summary.FILE), r.body(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + runFolder.resolve(Summary.FILE), e);
    }
    Commands.note(log, "summary.json of run " + runId + " fetched into " + runFolder);
  }

  /** The exit code in a fetched summary: for a run whose end the status no longer showed. */
  private int summaryExit(String runId, Path runFolder) {
    Path file = runFolder.resolve(Summary.FILE);
    try {
      if (Files.isRegularFile(file)) {
        int exit = Summary.read(file).exit().code();
        Commands.note(log, "(exit status " + exit + ", from summary.json)");
        return exit;
      }
    } catch (IOException | RuntimeException e) {
      // as if there were none
    }
    throw new Trouble(
        "run "
            + runId
            + " is gone from the status of the coordinator at "
            + coordinator.url()
            + " and left no summary (was the coordinator restarted?)");
  }

  /**
   * Stops run {@code runId} if it is the coordinator's run under way, and waits up to {@link
   * #STOP_WAIT} for it to end. Never throws: a run that cannot be stopped is noted in the log.
   */
  private void stop(String runId, String why) {
    boolean interrupted = Thread.interrupted();
    try {
      long until = System.nanoTime() + STOP_WAIT.toNanos();
      boolean asked = false;
      while (true) {
        JsonNode run = expect200(call("GET", "/status", null), "GET /status").path("run");
        String state = run.path("state").asText();
        if (!runId.equals(run.path("run_id").asText())) {
          if (asked) {
            Commands.note(log, "run " + runId + " ended");
          }
          return;
        }
        if (!state.equals("starting") && !state.equals("running")) {
          Commands.note(log, "run " + runId + " ended: " + state);
          return;
        }
        if (System.nanoTime() > until) {
          Commands.note(
              log, "run " + runId + " still " + state + " after " + STOP_WAIT.toSeconds() + " s");
          return;
        }
        if (!asked) {
          Response r = call("POST", "/execution/stop", null);
          if (r.status() == 200) {
            Commands.note(log, why + ": run " + runId + " stopped (" + message(r) + ")");
            asked = true;
          } else if (r.status() != 409) { // 409: still starting, no run to stop yet
            expect200(r, "POST /execution/stop");
          }
        }
        Thread.sleep(POLL.toMillis()); // not pause(): the cancel flag may be what stops it
      }
    } catch (Trouble e) {
      Commands.note(log, why + ", but run " + runId + " could not be stopped: " + e.getMessage());
    } catch (InterruptedException e) {
      interrupted = true;
      Commands.note(log, why + ": waiting for run " + runId + " to stop was interrupted");
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private record Response(int status, String body) {}

  /** One request with the token; a coordinator that cannot be reached is {@link Trouble}. */
  private Response call(String method, String path, String body) throws InterruptedException {
    String base = coordinator.url().toString().replaceFirst("/+$", "");
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(REQUEST_TIMEOUT)
            .header("Authorization", "Bearer " + coordinator.token())
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    try {
      HttpResponse<String> r =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Response(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new Trouble(
          "the coordinator at "
              + coordinator.url()
              + " cannot be reached: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " " + e.getMessage()));
    }
  }

  /** The body of a 200 answer; anything else is {@link Trouble} saying what the answer was. */
  private JsonNode expect200(Response r, String what) {
    if (r.status() == 401) {
      throw new Trouble(
          "the coordinator at "
              + coordinator.url()
              + " refused the token (401): coordinator.token-file must hold the token of its"
              + " --api-token-file");
    }
    if (r.status() != 200) {
      throw new Trouble(
          "the coordinator at "
              + coordinator.url()
              + " answered "
              + r.status()
              + " to "
              + what
              + ": "
              + excerpt(r.body()));
    }
    try {
      return json.readTree(r.body());
    } catch (IOException e) {
      throw new Trouble(
          "the coordinator at " + coordinator.url() + " answered " + what + " with no JSON");
    }
  }

  /** The {@code message} of a verb's answer, or the body's start. */
  private String message(Response r) {
    try {
      JsonNode answer = json.readTree(r.body());
      if (answer != null && answer.hasNonNull("message")) {
        return answer.get("message").asText();
      }
    } catch (IOException e) {
      // the body as it is
    }
    return excerpt(r.body());
  }

  private static String excerpt(String body) {
    String one = body == null ? "" : body.strip().replaceAll("\\s+", " ");
    return one.length() > 300 ? one.substring(0, 300) + "…" : one;
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void checkCancelled() {
    if (cancelled.getAsBoolean()) {
      throw new CancellationException("cancelled");
    }
  }

  /** Sleeps {@code d}, waking every 100 ms to notice a cancel (then returns early). */
  private void pause(Duration d) throws InterruptedException {
    long until = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < until && !cancelled.getAsBoolean()) {
      Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
    }
  }

  /** The coordinator cannot be used: trouble of the service's side, never the commit's. */
  private static final class Trouble extends RuntimeException {
    Trouble(String message) {
      super(message);
    }
  }
}
