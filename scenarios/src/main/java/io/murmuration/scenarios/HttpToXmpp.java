package io.murmuration.scenarios;

import io.murmuration.scenario.HttpLoad;
import io.murmuration.scenario.HttpTemplate;
import io.murmuration.scenario.Param;
import io.murmuration.scenario.RunSetup;
import io.murmuration.scenario.Scenario;
import io.murmuration.scenario.User;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Messages posted to a chat server's HTTP API, received by XMPP users: ejabberd's {@code
 * mod_http_api send_message} by default, MongooseIM's REST or GraphQL API by setting the URL and
 * body templates. The runner plays the HTTP side with Gatling in a child process, on an open
 * schedule; each message's body carries its request's due time ({@code [ttd:RUN:NANOS]}), so the
 * receiving user's runner times its delivery as it times chat (TTD).
 *
 * <p>Each user:
 *
 * <ol>
 *   <li>connects, logs in, sends available presence and waits for its reflection (until then, a
 *       message to it would go to offline storage);
 *   <li>joins the one group of all the run's users; once all are online (at most {@code
 *       online_wait}), the HTTP load starts: {@code rate} sends per second (after a linear {@code
 *       ramp} from 0) for {@code hold}, send {@code k} to the k-th user in turn, in the name of the
 *       next one;
 *   <li>stays online receiving, until the run stops: the load's end stops it, the drain waits for
 *       the messages still in flight, then every user logs out.
 * </ol>
 *
 * <p>The runner's metrics of the load (declared with it, see {@link RunSetup#httpLoad}): timer
 * {@code http_response}, counters {@code http_requests} and {@code http_2xx}, errors {@code
 * http-<status>}, {@code http-timeout}, {@code http-refused}, {@code http-failed}; each 2xx is a
 * message sent, so {@code messages.lost} is what the API accepted and no user received.
 */
public final class HttpToXmpp implements Scenario {

  static final Param<Double> RATE =
      Param.ofDouble("rate", 50, "HTTP sends per second once the ramp is over").positive();
  static final Param<Duration> RAMP =
      Param.ofDuration(
          "ramp", Duration.ZERO, "time over which the send rate rises linearly from 0 to rate");
  static final Param<Duration> HOLD =
      Param.ofDuration("hold", Duration.ofSeconds(10), "time the sends go at rate, after the ramp");
  static final Param<String> URL =
      Param.ofString(
          "url",
          "http://127.0.0.1:5280/api/send_message",
          "the HTTP send API's URL; may hold {{from}} and {{to}} (ejabberd's send_message by"
              + " default)");
  static final Param<String> BODY =
      Param.ofString(
          "body",
          HttpLoad.EJABBERD_SEND_MESSAGE,
          "the request's JSON body: {{from}} and {{to}} (bare JIDs) and {{body}} (the message"
              + " text, with its stamp) are filled in");
  static final Param<String> BASIC_AUTH =
      Param.ofString(
          "basic_auth", "", "user for HTTP basic authentication (password in password_file)");
  static final Param<String> PASSWORD_FILE =
      Param.ofString(
          "password_file",
          "",
          "file whose first line is the basic-auth password (never the password on the command"
              + " line)");
  static final Param<Duration> TIMEOUT =
      Param.ofDuration(
              "timeout", Duration.ofSeconds(10), "longest wait for a response to a send request")
          .positive();
  static final Param<Duration> ONLINE_WAIT =
      Param.ofDuration(
              "online_wait",
              Duration.ofSeconds(60),
              "longest wait for every user to be online before the sends start")
          .positive();

  private int users;
  private HttpLoad.Starter sends;

  @Override
  public String name() {
    return "http-to-xmpp";
  }

  @Override
  public String description() {
    return "messages posted to the server's HTTP API (Gatling) reach XMPP users; measures"
        + " time-to-delivery and HTTP response time";
  }

  @Override
  public List<Param<?>> params() {
    return List.of(RATE, RAMP, HOLD, URL, BODY, BASIC_AUTH, PASSWORD_FILE, TIMEOUT, ONLINE_WAIT);
  }

  @Override
  public void init(RunSetup run) {
    users = run.users();
    HttpLoad load =
        HttpLoad.post(checked(URL, run, HttpTemplate::url), checked(BODY, run, HttpTemplate::body))
            .timeout(run.param(TIMEOUT))
            .rate(run.param(RATE))
            .ramp(run.param(RAMP))
            .hold(run.param(HOLD));
    String user = run.param(BASIC_AUTH);
    String passwordFile = run.param(PASSWORD_FILE);
    if (!user.isEmpty()) {
      load = load.basicAuth(user, password(passwordFile));
    } else if (!passwordFile.isEmpty()) {
      throw new IllegalArgumentException(
          "parameter password_file is given without basic_auth: name the user too");
    }
    sends = run.httpLoad(load);
  }

  /** A template parameter's value, checked by {@code check}, whose message names the parameter. */
  private static String checked(
      Param<String> param, RunSetup run, Function<String, HttpTemplate> check) {
    String value = run.param(param);
    try {
      check.apply(value);
      return value;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("parameter " + param.name() + ": " + e.getMessage(), e);
    }
  }

  private static String password(String file) {
    if (file.isEmpty()) {
      throw new IllegalArgumentException(
          "parameter basic_auth needs its password: give password_file, a file whose first line"
              + " is the password");
    }
    Path path = Path.of(file);
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new IllegalArgumentException(
          "parameter password_file: cannot read "
              + file
              + ": no such file, or not readable by this user");
    }
    try {
      List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
      if (lines.isEmpty() || lines.getFirst().isEmpty()) {
        throw new IllegalArgumentException(
            "parameter password_file: " + file + " is empty: put the password on its first line");
      }
      return lines.getFirst();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "parameter password_file: cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void start(User user) {
    user.flow(
        user::connect,
        user::sendPresence,
        next ->
            user.coordinate("online", users, user.param(ONLINE_WAIT), everyone -> sends.start()));
  }
}
