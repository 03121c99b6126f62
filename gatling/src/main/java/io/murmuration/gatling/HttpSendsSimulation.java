package io.murmuration.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.stopLoadGeneratorIf;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.murmuration.httpload.HttpLoadPlan;
import io.murmuration.scenario.HttpLoad;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

/**
 * Plays an {@link HttpLoadPlan} (named by system property {@value HttpLoadPlan#FILE_PROPERTY}): one
 * virtual user per send, each posting one request at its due time and recording how it went.
 *
 * <p><b>Open and on time.</b> Send {@code k} is due at the schedule's start plus {@link
 * HttpLoad#offsetNanos}{@code (k)}, whatever became of the sends before it. Gatling injects the
 * users of each second of the schedule, {@link HttpLoad#dueBy} apart, one second ahead of it
 * ({@link #LEAD}); its user ids count from 1 in injection order, so user {@code k + 1} plays send
 * {@code k}, waits until its due time (Gatling pauses in whole milliseconds: rounded up, so never
 * early) and posts it. The schedule starts {@link #LEAD} after the first user starts, which is
 * never before Gatling's own start. The due time is what the message's stamp carries and what the
 * response time counts from, so a request Gatling sends late is charged its lateness, also recorded
 * on its own as lag (no coordinated omission).
 *
 * <p><b>What it records</b> ({@link IntervalReporter}, one line a second to the runner): for each
 * response, the time from the request's due time to this simulation seeing the response, on {@link
 * System#nanoTime()} (not Gatling's millisecond timings, which count from the actual start), and
 * whether its status was 2xx; for each failure without response, its kind ({@link FailureCauses}).
 * Gatling's own statistics and HTML report ({@code -rf}) count 2xx as OK and anything else as KO.
 *
 * <p><b>Stop.</b> When its standard input ends (the runner closes it to stop the load, or the
 * runner is gone), the next user to come due stops the load generator instead of sending; Gatling
 * then ends, writes its report and exits.
 */
public final class HttpSendsSimulation extends Simulation {

  /** How long before its due time Gatling injects a user (which then waits for its time). */
  static final Duration LEAD = Duration.ofSeconds(1);

  private static final String DUE = "due";
  private static final String URL = "url";
  private static final String BODY = "body";
  private static final String STATUS = "status";
  private static final List<Integer> OK = IntStream.range(200, 300).boxed().toList();

  private final HttpLoadPlan plan;
  private final IntervalReporter reporter = new IntervalReporter(System.out);
  private final AtomicBoolean stopped = new AtomicBoolean();
  private long origin;
  private boolean started;

  public HttpSendsSimulation() {
    String file = System.getProperty(HttpLoadPlan.FILE_PROPERTY);
    if (file == null) {
      throw new IllegalStateException(
          "system property " + HttpLoadPlan.FILE_PROPERTY + " names no HTTP load plan");
    }
    try {
      plan = HttpLoadPlan.read(Path.of(file), System.getenv(HttpLoadPlan.PASSWORD_ENV));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    HttpLoad load = plan.load();
    HttpProtocolBuilder protocol =
        http.contentTypeHeader("application/json")
            .acceptHeader("application/json")
            .shareConnections() // one pool for every send: a virtual user sends one request
            .disableWarmUp()
            .disableFollowRedirect()
            .disableCaching();
    if (load.basicAuthUser() != null) {
      protocol = protocol.basicAuth(load.basicAuthUser(), load.basicAuthPassword());
    }
    ScenarioBuilder sends =
        scenario("http-sends")
            .exec(this::prepare)
            .pause(HttpSendsSimulation::untilDue)
            .exec(stopLoadGeneratorIf("the run stopped the HTTP load", session -> stopped.get()))
            .exec(this::wentOut)
            .exec(
                http("send")
                    .post(session -> session.getString(URL))
                    .body(StringBody(session -> session.getString(BODY)))
                    .requestTimeout(load.timeout())
                    .check(status().saveAs(STATUS), status().in(OK)))
            .exec(this::answered);
    setUp(sends.injectOpen(injection(load))).protocols(protocol);
  }

  /**
   * The users of each second of the schedule, {@link HttpLoad#dueBy} apart, as Gatling steps,
   * starting at once: one {@link #LEAD} ahead of the schedule.
   */
  static List<OpenInjectionStep> injection(HttpLoad load) {
    return stretches(load).stream()
        .map(
            s ->
                s.usersPerSecond() == 0
                    ? nothingFor(Duration.ofSeconds(s.seconds()))
                    : rampUsers(Math.toIntExact(s.seconds() * s.usersPerSecond()))
                        .during(Duration.ofSeconds(s.seconds())))
        .toList();
  }

  /** Consecutive seconds of the schedule with as many sends due in each. */
  record Stretch(long seconds, long usersPerSecond) {}

  /** The schedule's seconds, the sends due in each, runs of equal counts merged. */
  static List<Stretch> stretches(HttpLoad load) {
    long seconds = (load.ramp().plus(load.hold()).toNanos() + 999_999_999) / 1_000_000_000;
    List<Stretch> stretches = new ArrayList<>();
    for (long s = 0; s < seconds; s++) {
      long users = load.dueBy((s + 1) * 1_000_000_000) - load.dueBy(s * 1_000_000_000);
      Stretch last = stretches.isEmpty() ? null : stretches.getLast();
      if (last != null && last.usersPerSecond() == users) {
        stretches.set(stretches.size() - 1, new Stretch(last.seconds() + 1, users));
      } else {
        stretches.add(new Stretch(1, users));
      }
    }
    return stretches;
  }

  /** Fixes this user's send: its due time, URL and body. */
  private Session prepare(Session session) {
    long k = session.userId() - 1;
    long due = origin() + plan.load().offsetNanos(k);
    HttpLoadPlan.Request request = plan.request(k, due);
    return session.set(DUE, due).set(URL, request.url()).set(BODY, request.body());
  }

  /** The schedule's start: {@link #LEAD} after the first user to start. */
  private synchronized long origin() {
    if (!started) {
      origin = System.nanoTime() + LEAD.toNanos();
      started = true;
    }
    return origin;
  }

  /** The pause until the due time, in whole milliseconds rounded up; none when late. */
  private static Duration untilDue(Session session) {
    long wait = session.getLong(DUE) - System.nanoTime();
    return wait <= 0 ? Duration.ZERO : Duration.ofMillis((wait + 999_999) / 1_000_000);
  }

  private Session wentOut(Session session) {
    reporter.wentOut(System.nanoTime() - session.getLong(DUE));
    return session;
  }

  private Session answered(Session session) {
    long now = System.nanoTime();
    if (session.contains(STATUS)) {
      reporter.answered(session.getInt(STATUS), now - session.getLong(DUE));
    } else {
      reporter.failed(FailureCauses.take(session.userId()));
    }
    return session;
  }

  /** Starts the report lines, and the watch on standard input that stops the load. */
  @Override
  public void before() {
    reporter.start();
    Thread watch =
        new Thread(
            () -> {
              InputStream in = System.in;
              try {
                while (in.read() >= 0) {
                  // the runner writes nothing: only the end matters
                }
              } catch (IOException e) {
                // a broken pipe ends it too
              }
              stopped.set(true);
            },
            "murm-http-stdin");
    watch.setDaemon(true);
    watch.start();
  }

  /** Writes the last report line: every request has ended. */
  @Override
  public void after() {
    reporter.finish();
  }
}
