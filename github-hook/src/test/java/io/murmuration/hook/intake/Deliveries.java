package io.murmuration.hook.intake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Builds GitHub-like deliveries from the fixtures and sends them over real HTTP, signed. */
final class Deliveries {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final URI endpoint;
  private final String secret;

  Deliveries(int port, String secret) {
    this.endpoint = URI.create("http://127.0.0.1:" + port + "/webhook");
    this.secret = secret;
  }

  /** A fixture under {@code src/test/resources/webhooks}, to adjust before sending. */
  static ObjectNode fixture(String name) {
    try (InputStream in = Deliveries.class.getResourceAsStream("/webhooks/" + name + ".json")) {
      return (ObjectNode) JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sign(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String newDeliveryId() {
    return UUID.randomUUID().toString();
  }

  /** Sends {@code payload} as event {@code event}, correctly signed, with a fresh delivery id. */
  HttpResponse<String> send(String event, Object payload) {
    return send(event, newDeliveryId(), payload);
  }

  HttpResponse<String> send(String event, String deliveryId, Object payload) {
    byte[] body = bytes(payload);
    return send(event, deliveryId, body, sign(secret, body));
  }

  /** Sends raw bytes with the given signature header (null: no header). */
  HttpResponse<String> send(String event, String deliveryId, byte[] body, String signature) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(endpoint)
            .header("Content-Type", "application/json")
            .header("User-Agent", "GitHub-Hookshot/test")
            .header("X-GitHub-Event", event)
            .header("X-GitHub-Delivery", deliveryId)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signature != null) {
      b.header("X-Hub-Signature-256", signature);
    }
    return send(b.build());
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  URI endpoint() {
    return endpoint;
  }

  static byte[] bytes(Object payload) {
    try {
      return payload instanceof byte[] raw ? raw : JSON.writeValueAsBytes(payload);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
