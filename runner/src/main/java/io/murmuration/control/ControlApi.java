package io.murmuration.control;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.murmuration.engine.RunControl.Answer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * The coordinator's control API: {@link Control} as JSON over HTTP, every request authenticated by
 * a bearer token, on loopback unless the operator binds it elsewhere. The routes are listed in
 * {@link #ROUTES} and documented in {@code openapi.yaml} (served at {@code /openapi.yaml}); a test
 * checks one against the other.
 *
 * <p>Verbs answer {@code {"accepted": …, "message": …}}: 200 when accepted, 409 when refused (no
 * run, a run under way, an unknown throttle), 400 for a body that is not what the route takes, 401
 * without the token, 404 and 405 for unknown paths and methods.
 */
public final class ControlApi implements AutoCloseable {

  /** Every route, as {@code METHOD /path}. */
  public static final List<String> ROUTES =
      List.of(
          "GET /status",
          "GET /nodes",
          "GET /scenarios",
          "POST /execution/start",
          "POST /execution/add_users",
          "POST /execution/remove_users",
          "POST /execution/update_settings",
          "POST /execution/stop",
          "GET /runs/{run_id}/summary",
          "GET /openapi.yaml");

  private static final Pattern SUMMARY =
      Pattern.compile("/runs/([A-Za-z0-9][A-Za-z0-9._-]{0,127})/summary");
  private static final int MAX_BODY = 64 * 1024;

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ControlApi.class);

  private final ObjectMapper json =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
  private final Control control;
  private final byte[] token;
  private final HttpServer server;

  private ControlApi(Control control, String token, HttpServer server) {
    this.control = control;
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.server = server;
  }

  /**
   * Serves {@code control} on {@code bind} (port 0: a free one).
   *
   * @param token the bearer token every request must carry; at least 16 characters
   */
  public static ControlApi start(Control control, InetSocketAddress bind, String token)
      throws IOException {
    if (token == null || token.strip().length() < 16) {
      throw new IllegalArgumentException(
          "the control API token must have at least 16 characters: put one in the token file");
    }
    HttpServer server = HttpServer.create(bind, 16);
    ControlApi api = new ControlApi(control, token.strip(), server);
    server.createContext("/", api::handle);
    server.setExecutor(
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "murmuration-control-api");
              t.setDaemon(true);
              return t;
            }));
    server.start();
    return api;
  }

  /** Where it listens. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      try {
        if (!authorised(exchange)) {
          exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer");
          send(exchange, 401, error("give the API token as 'Authorization: Bearer TOKEN'"));
          return;
        }
        route(exchange);
      } catch (BadRequest e) {
        send(exchange, 400, error(e.getMessage()));
      } catch (RuntimeException | LinkageError e) {
        LOG.warn(
            "control API: {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        send(exchange, 500, error("internal error: " + e));
      }
    }
  }

  private boolean authorised(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    byte[] given = header.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token);
  }

  private void route(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    var summary = SUMMARY.matcher(path);
    String route = summary.matches() ? "/runs/{run_id}/summary" : path;
    if (!ROUTES.contains(method + " " + route)) {
      boolean known = ROUTES.stream().anyMatch(r -> r.endsWith(" " + route));
      send(
          exchange,
          known ? 405 : 404,
          error((known ? "method not allowed: " : "no such path: ") + method + " " + path));
      return;
    }
    switch (method + " " + route) {
      case "GET /status" -> send(exchange, 200, control.status());
      case "GET /nodes" -> send(exchange, 200, control.nodes());
      case "GET /scenarios" -> send(exchange, 200, control.scenarios());
      case "GET /openapi.yaml" -> sendYaml(exchange);
      case "GET /runs/{run_id}/summary" -> {
        String body = control.summary(summary.group(1));
        if (body == null) {
          send(exchange, 404, error("no summary for run " + summary.group(1)));
        } else {
          sendRaw(exchange, 200, "application/json", body.getBytes(StandardCharsets.UTF_8));
        }
      }
      case "POST /execution/start" -> {
        Control.StartRequest start = read(exchange, Control.StartRequest.class);
        if (start.scenario() == null) {
          throw new BadRequest("name the scenario: {\"scenario\": \"one-to-one\", …}");
        }
        answer(
            exchange,
            control.start(
                new Control.StartRequest(
                    start.scenario(),
                    start.settings() == null ? Map.of() : start.settings(),
                    start.params() == null ? Map.of() : start.params())));
      }
      case "POST /execution/add_users" -> {
        Users users = read(exchange, Users.class);
        answer(
            exchange,
            control.addUsers(
                users.users(), users.rate() == null ? Math.max(1, users.users()) : users.rate()));
      }
      case "POST /execution/remove_users" ->
          answer(exchange, control.removeUsers(read(exchange, Users.class).users()));
      case "POST /execution/update_settings" ->
          answer(exchange, updateSettings(read(exchange, Settings.class)));
      case "POST /execution/stop" ->
          answer(exchange, control.stop("stopped through the control API"));
      default -> throw new IllegalStateException("route not handled: " + route);
    }
  }

  /** The body of {@code add_users} and {@code remove_users}. */
  record Users(int users, Double rate) {}

  /** The body of {@code update_settings}: changeable parameters and throttle rates. */
  record Settings(Map<String, String> params, Map<String, Double> throttles) {}

  /** Applies each change in turn; the answer is the first refusal, or all that was done. */
  private Answer updateSettings(Settings settings) {
    StringBuilder done = new StringBuilder();
    Map<String, Object> changes = new LinkedHashMap<>();
    if (settings.params() != null) {
      changes.putAll(settings.params());
    }
    if (settings.throttles() != null) {
      settings.throttles().forEach((k, v) -> changes.put("throttle " + k, v));
    }
    if (changes.isEmpty()) {
      throw new BadRequest(
          "give params and/or throttles to change: {\"params\": {\"interval\": \"2s\"}}");
    }
    for (Map.Entry<String, Object> c : changes.entrySet()) {
      Answer a =
          c.getKey().startsWith("throttle ")
              ? control.throttle(c.getKey().substring("throttle ".length()), (Double) c.getValue())
              : control.setParam(c.getKey(), (String) c.getValue());
      if (!a.accepted()) {
        return done.isEmpty() ? a : Answer.refused(done + "; then refused: " + a.message());
      }
      done.append(done.isEmpty() ? "" : "; ").append(a.message());
    }
    return Answer.accepted(done.toString());
  }

  private <T> T read(HttpExchange exchange, Class<T> type) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw new BadRequest("the body is over " + MAX_BODY / 1024 + " KiB");
      }
      if (body.length == 0) {
        body = "{}".getBytes(StandardCharsets.UTF_8);
      }
      JsonNode tree = json.readTree(body);
      if (tree == null || !tree.isObject()) {
        throw new BadRequest("the body must be a JSON object");
      }
      return json.treeToValue(tree, type);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new BadRequest("the body is not what this route takes: " + e.getOriginalMessage());
    }
  }

  private void answer(HttpExchange exchange, Answer answer) throws IOException {
    send(exchange, answer.accepted() ? 200 : 409, answer);
  }

  private static Map<String, String> error(String message) {
    return Map.of("error", message);
  }

  private void send(HttpExchange exchange, int status, Object body) throws IOException {
    sendRaw(exchange, status, "application/json", json.writeValueAsBytes(body));
  }

  private void sendYaml(HttpExchange exchange) throws IOException {
    try (InputStream doc = ControlApi.class.getResourceAsStream("openapi.yaml")) {
      sendRaw(exchange, 200, "application/yaml", doc.readAllBytes());
    }
  }

  private static void sendRaw(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** A request whose body or parameters the route cannot take: answered 400. */
  private static final class BadRequest extends RuntimeException {
    BadRequest(String message) {
      super(message);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
