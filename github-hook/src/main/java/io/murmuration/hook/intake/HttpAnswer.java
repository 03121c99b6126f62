package io.murmuration.hook.intake;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Sends an answer the way HTTP wants it for every method: to a {@code HEAD} request the headers
 * only, with the {@code Content-Length} the body would have. The JDK's server logs a warning for a
 * HEAD answer given a body length, so the length goes into the headers and the body is never
 * written.
 */
final class HttpAnswer {
  private HttpAnswer() {}

  /** {@code status} with {@code body} (null: none) as UTF-8. */
  static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (ex.getRequestMethod().equals("HEAD")) {
      if (body != null) {
        ex.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
      }
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.sendResponseHeaders(status, body == null ? -1 : bytes.length);
    ex.getResponseBody().write(bytes);
  }
}
