package io.murmuration.scenario;

import java.time.Duration;

/**
 * A run's HTTP load: messages posted to a chat server's HTTP send API, on an open schedule, for
 * XMPP users of the run to receive. A scenario declares one in {@code init} ({@link
 * RunSetup#httpLoad}); the runner plays it with Gatling in a child process once the scenario starts
 * it, and each message's body carries a time-to-delivery stamp in text form ({@link
 * TtdStamp#text()}) so that its delivery is timed like a chat message's.
 *
 * <pre>{@code
 * HttpLoad.post("http://127.0.0.1:5280/api/send_message", EJABBERD_SEND_MESSAGE)
 *     .rate(50)
 *     .ramp(Duration.ofSeconds(10))
 *     .hold(Duration.ofMinutes(1));
 * }</pre>
 *
 * <p><b>The schedule</b> is open: send {@code k} (0, 1, …) is due at a fixed time from the
 * schedule's start, whatever happened to the ones before it. The rate rises linearly from 0 to
 * {@code rate} sends per second over {@code ramp}, then stays at {@code rate} for {@code hold};
 * send {@code k} is due when {@code k} sends are due by the rate's integral ({@link #offsetNanos}),
 * so the first is due at once and there are {@link #sends()} in all. Each send is stamped with its
 * due time, not with the time it went out.
 *
 * <p>Immutable: the fluent methods return a new load. The password of {@link #basicAuth} is never
 * printed.
 *
 * @param url where to post; may hold {@code {{from}}} and {@code {{to}}}
 * @param body the request body (JSON); must hold {@code {{body}}}, the message text with its stamp
 * @param basicAuthUser the user of HTTP basic authentication, or null for none
 * @param basicAuthPassword its password, or null for none
 * @param rate sends per second once the ramp is over
 * @param ramp how long the rate takes to rise from 0 to {@code rate}
 * @param hold how long it stays at {@code rate} after the ramp
 * @param timeout how long a request may wait for its response before it counts as timed out
 */
public record HttpLoad(
    HttpTemplate url,
    HttpTemplate body,
    String basicAuthUser,
    String basicAuthPassword,
    double rate,
    Duration ramp,
    Duration hold,
    Duration timeout) {

  /**
   * ejabberd's {@code send_message} command ({@code mod_http_api}, {@code POST
   * {base}/send_message}): a chat message with an empty subject.
   */
  public static final String EJABBERD_SEND_MESSAGE =
      "{\"type\":\"chat\",\"from\":\"{{from}}\",\"to\":\"{{to}}\",\"subject\":\"\","
          + "\"body\":\"{{body}}\"}";

  /** Far above any HTTP API's rate; keeps the schedule's arithmetic exact to the nanosecond. */
  private static final double MAX_RATE = 1_000_000;

  /** A due count within this of an integer is that integer (50/s × 3 s is 150 sends, not 151). */
  private static final double EPSILON = 1e-9;

  /**
   * @throws IllegalArgumentException naming what is wrong: a body without {@code {{body}}}, no
   *     {@code {{to}}} in URL or body, a rate outside (0, 1,000,000], a negative ramp, a negative
   *     or zero-length schedule, a time-out that is not positive, a user for basic authentication
   *     with a colon or control character, or a user without a password
   */
  public HttpLoad {
    if (url == null || body == null) {
      throw new IllegalArgumentException("an HTTP load needs a URL and a body");
    }
    if (!body.uses(HttpTemplate.Field.BODY)) {
      throw new IllegalArgumentException(
          "the request body has no {{body}}: the message text carries the time-to-delivery stamp,"
              + " without it no delivery could be timed");
    }
    if (!body.uses(HttpTemplate.Field.TO) && !url.uses(HttpTemplate.Field.TO)) {
      throw new IllegalArgumentException(
          "neither the URL nor the request body has {{to}}: the API would not know the recipient");
    }
    if (!(rate > 0) || rate > MAX_RATE) {
      throw new IllegalArgumentException(
          "the send rate " + rate + "/s must be more than 0 and at most 1,000,000");
    }
    if (ramp == null || ramp.isNegative() || hold == null || hold.isNegative()) {
      throw new IllegalArgumentException("ramp and hold must be 0 or more");
    }
    if (ramp.plus(hold).isZero()) {
      throw new IllegalArgumentException(
          "ramp and hold are both 0: there would be nothing to send");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the request time-out must be more than 0");
    }
    if ((basicAuthUser == null) != (basicAuthPassword == null)) {
      throw new IllegalArgumentException(
          "basic authentication needs both a user and a password, or neither");
    }
    if (basicAuthUser != null
        && (basicAuthUser.isEmpty() || !basicAuthUser.matches("[^:\\p{Cntrl}]+"))) {
      throw new IllegalArgumentException(
          "the basic-auth user '"
              + basicAuthUser
              + "' must be non-empty, without ':' or control"
              + " characters");
    }
    if (basicAuthPassword != null && basicAuthPassword.matches("(?s).*[\\r\\n\\x00].*")) {
      throw new IllegalArgumentException(
          "the basic-auth password holds a line break or NUL: give the password alone on one line");
    }
  }

  /**
   * What {@link RunSetup#httpLoad} returns: the switch that starts the declared load. Safe to call
   * from any user's callback; only the first call counts, and a call once the run is stopping does
   * nothing.
   */
  @FunctionalInterface
  public interface Starter {
    void start();
  }

  /**
   * A load posting to {@code url} with {@code body}, 10 sends per second for 10 s, no ramp, no
   * authentication, a 10 s time-out.
   *
   * @throws IllegalArgumentException when a template is not valid (see {@link HttpTemplate})
   */
  public static HttpLoad post(String url, String body) {
    return new HttpLoad(
        HttpTemplate.url(url),
        HttpTemplate.body(body),
        null,
        null,
        10,
        Duration.ZERO,
        Duration.ofSeconds(10),
        Duration.ofSeconds(10));
  }

  public HttpLoad rate(double perSecond) {
    return new HttpLoad(
        url, body, basicAuthUser, basicAuthPassword, perSecond, ramp, hold, timeout);
  }

  public HttpLoad ramp(Duration ramp) {
    return new HttpLoad(url, body, basicAuthUser, basicAuthPassword, rate, ramp, hold, timeout);
  }

  public HttpLoad hold(Duration hold) {
    return new HttpLoad(url, body, basicAuthUser, basicAuthPassword, rate, ramp, hold, timeout);
  }

  public HttpLoad timeout(Duration timeout) {
    return new HttpLoad(url, body, basicAuthUser, basicAuthPassword, rate, ramp, hold, timeout);
  }

  /** With HTTP basic authentication (RFC 7617); read the password from a file, never a flag. */
  public HttpLoad basicAuth(String user, String password) {
    return new HttpLoad(url, body, user, password, rate, ramp, hold, timeout);
  }

  /** How many sends the schedule has: the due count at its end, {@code ramp + hold}. */
  public long sends() {
    return dueBy(ramp.plus(hold).toNanos());
  }

  /**
   * How many sends are due before {@code nanos} from the schedule's start: those whose {@link
   * #offsetNanos} is less, at most {@link #sends()}.
   */
  public long dueBy(long nanos) {
    double end = ramp.plus(hold).toNanos();
    double due = Math.ceil(integral(Math.min(nanos, end)) - EPSILON);
    return Math.max(0, (long) due);
  }

  /** Sends due by {@code nanos} from the start as a real number: the integral of the rate. */
  private double integral(double nanos) {
    double t = nanos / 1e9;
    double r = ramp.toNanos() / 1e9;
    return t < r ? rate * t * t / (2 * r) : rate * r / 2 + rate * (t - r);
  }

  /**
   * When send {@code k} (from 0) is due, in nanoseconds from the schedule's start: where the rate's
   * integral reaches {@code k}.
   */
  public long offsetNanos(long k) {
    double r = ramp.toNanos() / 1e9;
    double rampSends = rate * r / 2;
    double seconds = k <= rampSends ? Math.sqrt(2 * r * k / rate) : r + (k - rampSends) / rate;
    return Math.round(seconds * 1e9);
  }

  @Override
  public String toString() {
    return "HttpLoad[POST "
        + url
        + ", "
        + rate
        + "/s, ramp "
        + ramp
        + ", hold "
        + hold
        + ", time-out "
        + timeout
        + (basicAuthUser == null ? "" : ", basic auth as " + basicAuthUser)
        + "]";
  }
}
