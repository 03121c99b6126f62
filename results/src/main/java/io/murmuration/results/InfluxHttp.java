package io.murmuration.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The one client of InfluxDB's v1 HTTP API that reads: InfluxQL queries ({@code GET /query}),
 * statements that change something ({@code POST /query}: {@code CREATE DATABASE}, {@code DROP}),
 * and small writes of line protocol ({@code POST /write}) — what {@code murm analyze}, the webhook
 * service's trend check and the local {@code influxd} of {@code murm influx} and the tests need. A
 * run's own stream of points goes through influxdb-java's batching writer instead (the runner's
 * {@code InfluxWriter}), which queues and spools.
 *
 * <p>Basic authentication when the settings have a user. Every failure is an {@link Problem} whose
 * message is one line naming what happened, never the password. Thread-safe.
 */
public final class InfluxHttp {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final InfluxSettings settings;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public InfluxHttp(InfluxSettings settings) {
    this.settings = settings;
  }

  /**
   * InfluxDB did not answer, refused, or answered something else than InfluxDB would. {@link
   * #kind()} lets a caller add the fix in its own terms (a flag, a configuration key).
   */
  public static final class Problem extends RuntimeException {
    /** What went wrong. */
    public enum Kind {
      UNREACHABLE,
      CREDENTIALS_REFUSED,
      NO_DATABASE,
      REFUSED,
      NOT_INFLUXDB,
      INTERRUPTED
    }

    private final Kind kind;

    Problem(Kind kind, String message, Throwable cause) {
      super(message, cause);
      this.kind = kind;
    }

    public Kind kind() {
      return kind;
    }
  }

  /**
   * The {@code series} of the first result of InfluxDB's answer to {@code influxQl} (empty when
   * nothing matched), with times in epoch milliseconds.
   */
  public JsonNode query(String influxQl) {
    URI uri =
        settings
            .url()
            .resolve(
                "/query?epoch=ms&db=" + encode(settings.database()) + "&q=" + encode(influxQl));
    return answer(send(HttpRequest.newBuilder(uri).GET())).path("results").path(0).path("series");
  }

  /** Runs a statement that changes something ({@code CREATE DATABASE …}); its whole answer. */
  public JsonNode execute(String statement) {
    String form = "db=" + encode(settings.database()) + "&epoch=ms&q=" + encode(statement);
    return answer(
        send(
            HttpRequest.newBuilder(settings.url().resolve("/query"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))));
  }

  /** Writes {@code lines} of line protocol with millisecond timestamps, in one request. */
  public void write(String lines) {
    URI uri = settings.url().resolve("/write?precision=ms&db=" + encode(settings.database()));
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(lines)));
    if (response.statusCode() / 100 != 2) {
      throw problem(response.statusCode(), response.body());
    }
  }

  /** Whether InfluxDB answers {@code GET /ping} with 204 within 2 s. */
  public boolean ping() {
    try {
      return http.send(
                  HttpRequest.newBuilder(settings.url().resolve("/ping"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 204;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The answer as JSON; an error at the top or in any statement's result is a {@link Problem}. */
  private JsonNode answer(HttpResponse<String> response) {
    try {
      JsonNode answer = JSON.readTree(response.body());
      String error = answer.has("error") ? answer.path("error").asText() : null;
      for (JsonNode result : answer.path("results")) {
        if (error == null && result.has("error")) {
          error = result.path("error").asText();
        }
      }
      if (error != null || response.statusCode() / 100 != 2) {
        throw problem(response.statusCode(), error != null ? error : response.body());
      }
      return answer;
    } catch (IOException e) {
      throw new Problem(
          Problem.Kind.NOT_INFLUXDB,
          "InfluxDB at " + settings.url() + " answered something that is not JSON",
          e);
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    request.timeout(Duration.ofSeconds(30));
    if (settings.user() != null) {
      String basic = settings.user() + ":" + settings.password();
      request.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 401 || response.statusCode() == 403) {
        throw problem(response.statusCode(), response.body());
      }
      return response;
    } catch (IOException e) {
      throw new Problem(
          Problem.Kind.UNREACHABLE,
          "InfluxDB at " + settings.url() + " does not answer (" + e + ")",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Problem(Problem.Kind.INTERRUPTED, "interrupted while talking to InfluxDB", e);
    }
  }

  /** What InfluxDB's refusal means, in one line. */
  private Problem problem(int status, String error) {
    String where = "InfluxDB at " + settings.url();
    if (status == 401 || status == 403) {
      return new Problem(
          Problem.Kind.CREDENTIALS_REFUSED, where + " refused the credentials", null);
    }
    if (error.contains("database not found")) {
      return new Problem(
          Problem.Kind.NO_DATABASE, where + " has no database '" + settings.database() + "'", null);
    }
    return new Problem(
        Problem.Kind.REFUSED,
        where + " refused the request: " + error.strip().replaceAll("\\s+", " "),
        null);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
