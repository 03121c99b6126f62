package io.murmuration.httpload;

import io.murmuration.scenario.HttpLoad;
import io.murmuration.scenario.HttpTemplate;
import io.murmuration.scenario.TtdStamp;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * Everything the HTTP load's child process needs to know, decided by the runner: the run id (for
 * the stamps), the {@link HttpLoad} and the recipients' JIDs; and what request {@code k} of the
 * schedule is ({@link #request}). The runner writes it into the run folder ({@link #write}) and
 * names the file in system property {@value #FILE_PROPERTY} of the child, which reads it back
 * ({@link #read}); the basic-auth password travels in the child's environment ({@value
 * #PASSWORD_ENV}), never in the file or on its command line.
 *
 * @param runId the run's id, in every stamp
 * @param load what to send, and when
 * @param recipients the run's users' bare JIDs, at least 2, each one that {@link HttpTemplate}
 *     accepts for {@code {{to}}}
 */
public record HttpLoadPlan(String runId, HttpLoad load, List<String> recipients) {

  /**
   * The runner's system property that names the file holding the child's class path ({@code
   * gatling/target/gatling.classpath}, written by the build): set by {@code ./murm}, by surefire
   * for the scenarios' tests, and passed on to the {@code murm run} processes of the webhook
   * service.
   */
  public static final String CLASSPATH_FILE_PROPERTY = "murm.gatling.classpath.file";

  /** The child's system property that names the plan file. */
  public static final String FILE_PROPERTY = "murm.http.plan";

  /** The child's environment variable that holds the basic-auth password, when there is one. */
  public static final String PASSWORD_ENV = "MURM_HTTP_PASSWORD";

  /** The Gatling simulation that plays a plan (in the {@code gatling} module). */
  public static final String SIMULATION = "io.murmuration.gatling.HttpSendsSimulation";

  /**
   * @throws IllegalArgumentException when there are fewer than 2 recipients (each message comes
   *     from another user than its recipient) or a JID cannot go into a request
   */
  public HttpLoadPlan {
    recipients = List.copyOf(recipients);
    if (recipients.size() < 2) {
      throw new IllegalArgumentException(
          "an HTTP load needs 2 users or more: each message comes from another user of the run"
              + " than its recipient; give --users 2 or more");
    }
    recipients.forEach(jid -> HttpTemplate.check(HttpTemplate.Field.TO, jid));
  }

  /** One request of the schedule: where to post, and what. */
  public record Request(String url, String body) {}

  /**
   * Request {@code k} (from 0) of the schedule, due at {@code dueNanos} ({@link System#nanoTime()}
   * of this machine): to recipient {@code k mod n}, from recipient {@code k + 1 mod n}, its message
   * text {@code http K [ttd:RUN:DUE]}.
   */
  public Request request(long k, long dueNanos) {
    int n = recipients.size();
    String to = recipients.get((int) (k % n));
    String from = recipients.get((int) ((k + 1) % n));
    String text = "http " + k + " " + new TtdStamp(runId, dueNanos).text();
    return new Request(load.url().render(from, to, text), load.body().render(from, to, text));
  }

  /** Writes this plan, without the password, as a properties file. */
  public void write(Path file) throws IOException {
    Properties p = new Properties();
    p.setProperty("run", runId);
    p.setProperty("url", load.url().toString());
    p.setProperty("body", load.body().toString());
    if (load.basicAuthUser() != null) {
      p.setProperty("basic_auth_user", load.basicAuthUser());
    }
    p.setProperty("rate", Double.toString(load.rate()));
    p.setProperty("ramp_nanos", Long.toString(load.ramp().toNanos()));
    p.setProperty("hold_nanos", Long.toString(load.hold().toNanos()));
    p.setProperty("timeout_nanos", Long.toString(load.timeout().toNanos()));
    p.setProperty("recipients", String.join(",", recipients));
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(out, "the HTTP load of run " + runId + ", for its Gatling child");
    }
  }

  /**
   * Reads a plan {@link #write} wrote.
   *
   * @param password the basic-auth password ({@value #PASSWORD_ENV}), or null; needed when the plan
   *     names a user
   * @throws IllegalArgumentException when a setting is missing or invalid
   */
  public static HttpLoadPlan read(Path file, String password) throws IOException {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    String user = p.getProperty("basic_auth_user");
    if (user != null && password == null) {
      throw new IllegalArgumentException(
          file + " names basic-auth user " + user + " but " + PASSWORD_ENV + " is not set");
    }
    HttpLoad load =
        HttpLoad.post(required(p, "url", file), required(p, "body", file))
            .rate(Double.parseDouble(required(p, "rate", file)))
            .ramp(Duration.ofNanos(Long.parseLong(required(p, "ramp_nanos", file))))
            .hold(Duration.ofNanos(Long.parseLong(required(p, "hold_nanos", file))))
            .timeout(Duration.ofNanos(Long.parseLong(required(p, "timeout_nanos", file))));
    if (user != null) {
      load = load.basicAuth(user, password);
    }
    return new HttpLoadPlan(
        required(p, "run", file), load, Arrays.asList(required(p, "recipients", file).split(",")));
  }

  private static String required(Properties p, String key, Path file) {
    String value = p.getProperty(key);
    if (value == null) {
      throw new IllegalArgumentException(file + " has no " + key);
    }
    return value;
  }
}
