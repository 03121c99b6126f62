package io.murmuration.hook.intake;

import static io.murmuration.hook.intake.HttpAnswer.send;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.murmuration.hook.queue.JobStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhook}: GitHub's deliveries in, jobs into the {@link JobStore}. Built on the JDK's
 * own HTTP server: the endpoint is one path with a handful of answers, not worth a web framework.
 * Every other path is the {@link StatusPage} ({@code GET /}, {@code /status.json}, {@code
 * /jobs/<id>}), on the same port so that one proxy rule serves both.
 *
 * <p>The checks run cheapest and most hostile first, so that an unauthenticated caller costs
 * little: no {@code X-Hub-Signature-256} → 401 before the body is read; a declared or actual body
 * over the limit → 413 (at most limit + 1 bytes are ever kept); a signature that is not the
 * HMAC-SHA256 of the raw body → 401 (compared in constant time with {@link MessageDigest#isEqual},
 * so that timing does not reveal how much of a forged signature was right); a {@code Content-Type}
 * other than {@code application/json} (GitHub's form encoding, chosen by mistake) → 415 saying
 * which setting to change; then the body is parsed: not JSON, an event without its usual fields, or
 * a value that breaks its rule ({@link io.murmuration.hook.PayloadValues}: a commit id that is not
 * 40 hex digits, a branch with a leading {@code -}…) → 400 with one line naming the field.
 *
 * <p>Answers to a verified delivery: 202 once its job is committed to the store (and for a
 * redelivery of an accepted one, which stores nothing new); 204 for events and actions that run
 * nothing; 200 to {@code ping}; 500 when the store fails, so that GitHub shows the delivery as
 * failed and it can be redelivered. The 202 body lists the job ids, for the sender's logs and
 * tests.
 */
public final class WebhookServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param address where to listen (port 0: any free port, see {@link #port()})
   * @param secret the webhook secret set in the GitHub App or repository webhook
   * @param maxBodyBytes the largest body accepted; GitHub caps payloads at 25 MB, but the events
   *     used here are far below 1 MiB
   * @param approvalLabels pull request labels whose addition approves an untrusted pull request
   * @param cloneUrlPrefixes clone URLs accepted besides {@code https://} ones, by prefix (local
   *     mirrors; see {@link io.murmuration.hook.PayloadValues#cloneUrl})
   */
  public record Settings(
      InetSocketAddress address,
      WebhookSecret secret,
      int maxBodyBytes,
      Set<String> approvalLabels,
      List<String> cloneUrlPrefixes) {
    public static final int DEFAULT_MAX_BODY = 1 << 20;

    public static Settings of(InetSocketAddress address, WebhookSecret secret) {
      return new Settings(address, secret, DEFAULT_MAX_BODY, Set.of("loadtest"), List.of());
    }
  }

  private final HttpServer server;
  private final ExecutorService threads;
  private final Settings settings;
  private final EventRouter router;

  private WebhookServer(Settings settings, EventRouter router, StatusPage status)
      throws IOException {
    this.settings = settings;
    this.router = router;
    this.server = HttpServer.create(settings.address(), 50);
    this.threads = Executors.newFixedThreadPool(4, r -> new Thread(r, "tide-http"));
    server.setExecutor(threads);
    server.createContext("/webhook", this::handle);
    server.createContext("/", status);
  }

  /**
   * Starts listening.
   *
   * @param jobsDir the pipeline's job folders ({@code <data-dir>/jobs}), whose step logs the status
   *     page lists and serves
   * @param runningJob the id of the job the worker is running, or -1 (the status page shows it)
   * @param wake called after a job was queued, to start a worker looking
   * @param cancelRunning called with the id of a running job that a newer push superseded (it is
   *     already cancelled in the store)
   */
  public static WebhookServer start(
      Settings settings,
      JobStore store,
      Path jobsDir,
      LongSupplier runningJob,
      Runnable wake,
      LongConsumer cancelRunning)
      throws IOException {
    WebhookServer s =
        new WebhookServer(
            settings,
            new EventRouter(
                store, settings.approvalLabels(), settings.cloneUrlPrefixes(), wake, cancelRunning),
            new StatusPage(store, jobsDir, runningJob));
    s.server.start();
    return s;
  }

  /** The port listened on. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(1);
    threads.shutdown();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!ex.getRequestURI().getPath().equals("/webhook")) {
        send(ex, 404, "not found");
        return;
      }
      if (!ex.getRequestMethod().equals("POST")) {
        ex.getResponseHeaders().set("Allow", "POST");
        send(ex, 405, "POST only");
        return;
      }
      String signature = ex.getRequestHeaders().getFirst("X-Hub-Signature-256");
      if (signature == null) {
        send(ex, 401, "missing X-Hub-Signature-256");
        return;
      }
      byte[] body = readAtMost(ex, settings.maxBodyBytes());
      if (body == null) {
        send(ex, 413, "body over " + settings.maxBodyBytes() + " bytes");
        return;
      }
      if (!signatureMatches(settings.secret(), body, signature)) {
        log.warn("delivery with a wrong signature from {}", ex.getRemoteAddress());
        send(ex, 401, "signature does not match");
        return;
      }
      if (!isJson(ex.getRequestHeaders().getFirst("Content-Type"))) {
        send(
            ex,
            415,
            "Content-Type must be application/json: choose application/json as the content type"
                + " in the webhook's settings on GitHub");
        return;
      }
      String event = ex.getRequestHeaders().getFirst("X-GitHub-Event");
      String delivery = ex.getRequestHeaders().getFirst("X-GitHub-Delivery");
      if (event == null || delivery == null) {
        send(ex, 400, "missing X-GitHub-Event or X-GitHub-Delivery");
        return;
      }
      respond(ex, event, delivery, body);
    } catch (RuntimeException e) {
      log.error("webhook handler failed", e);
      send(ex, 500, "internal error");
    }
  }

  private void respond(HttpExchange ex, String event, String delivery, byte[] body)
      throws IOException {
    JsonNode payload;
    try {
      payload = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      send(ex, 400, "body is not JSON");
      return;
    }
    if (payload == null || !payload.isObject()) {
      send(ex, 400, "body is not a JSON object");
      return;
    }
    EventRouter.Outcome outcome;
    try {
      outcome = router.route(event, delivery, payload);
    } catch (EventRouter.MalformedPayload e) {
      send(ex, 400, e.getMessage());
      return;
    } catch (java.sql.SQLException e) {
      log.error("could not store delivery {} ({})", delivery, event, e);
      send(ex, 500, "job store unavailable");
      return;
    }
    log.info(
        "delivery {} ({}): {} {} {}",
        delivery,
        oneLine(event),
        outcome.kind(),
        outcome.jobs(),
        oneLine(outcome.note()));
    switch (outcome.kind()) {
      case PONG -> send(ex, 200, "pong");
      case IGNORED -> send(ex, 204, null);
      case ACCEPTED, DUPLICATE -> {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        send(
            ex,
            202,
            JSON.createObjectNode()
                .put(
                    "status",
                    outcome.kind() == EventRouter.Kind.DUPLICATE ? "duplicate" : "accepted")
                .put("note", outcome.note())
                .set("jobs", JSON.valueToTree(outcome.jobs()))
                .toString());
      }
    }
  }

  /** {@code text} (which may quote a payload) as one line of at most 200 characters, for logs. */
  private static String oneLine(String text) {
    String line = text.replaceAll("\\p{Cntrl}", "?");
    return line.length() <= 200 ? line : line.substring(0, 199) + "…";
  }

  /**
   * The body, or null when it is longer than {@code limit}: at most limit + 1 bytes are kept. The
   * rest of a body over the limit is read and dropped, up to {@link #DRAIN_MAX} (GitHub sends at
   * most 25 MB), so that the client is still listening when the 413 comes: answering while it still
   * sends made it see a reset connection instead of the answer.
   */
  private static byte[] readAtMost(HttpExchange ex, int limit) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      String declared = ex.getRequestHeaders().getFirst("Content-Length");
      boolean tooLong;
      try {
        tooLong = declared != null && Long.parseLong(declared.strip()) > limit;
      } catch (NumberFormatException e) {
        tooLong = true;
      }
      byte[] body = tooLong ? null : in.readNBytes(limit + 1);
      if (body != null && body.length <= limit) {
        return body;
      }
      drop(in, DRAIN_MAX);
      return null;
    }
  }

  /** The most of an oversized body read (and dropped) before answering 413. */
  static final long DRAIN_MAX = 32L << 20;

  private static void drop(InputStream in, long max) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long dropped = 0;
    int n;
    while (dropped < max && (n = in.read(buffer)) > 0) {
      dropped += n;
    }
  }

  /** Whether a {@code Content-Type} header says JSON ({@code application/json}, any parameters). */
  private static boolean isJson(String contentType) {
    return contentType != null
        && contentType.split(";", 2)[0].strip().equalsIgnoreCase("application/json");
  }

  /** Whether {@code header} is {@code sha256=<hex of HMAC-SHA256(secret, body)>}. */
  static boolean signatureMatches(WebhookSecret secret, byte[] body, String header) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.key(), "HmacSHA256"));
      byte[] expected =
          ("sha256=" + HexFormat.of().formatHex(mac.doFinal(body)))
              .getBytes(StandardCharsets.US_ASCII);
      return MessageDigest.isEqual(expected, header.strip().getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
