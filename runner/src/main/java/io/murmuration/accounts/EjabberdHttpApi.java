package io.murmuration.accounts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.murmuration.xmpp.Account;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Calls ejabberd's HTTP API ({@code mod_http_api}, e.g. {@code http://127.0.0.1:5280/api}) — above
 * all to register many accounts quickly before a run: {@link #register} keeps up to {@code
 * concurrency} requests in flight over keep-alive connections (one sequential client manages ~120
 * users/s).
 *
 * <p>The server must allow the commands for the caller's address ({@code api_permissions}).
 * Failures are {@link IllegalStateException}s whose message is one line naming the URL, the HTTP
 * status and ejabberd's answer.
 */
public final class EjabberdHttpApi implements AutoCloseable {
  /** Requests in flight by default: enough to keep ejabberd's two schedulers busy on 2 cores. */
  public static final int DEFAULT_CONCURRENCY = 32;

  private static final int CONNECT_ATTEMPTS = 3;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final int concurrency;
  private final HttpClient http;

  /** A client for the API at {@code base} ({@code http://host:port/api}). */
  public EjabberdHttpApi(URI base) {
    this(base, DEFAULT_CONCURRENCY);
  }

  public EjabberdHttpApi(URI base, int concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, not " + concurrency);
    }
    String text = base.toString();
    this.base = URI.create(text.endsWith("/") ? text : text + "/");
    this.concurrency = concurrency;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /** How a bulk registration went. */
  public record Registered(int created, int existing) {
    public int total() {
      return created + existing;
    }
  }

  /** Told after each account, from the HTTP client's threads, one call at a time. */
  @FunctionalInterface
  public interface Progress {
    void registered(int done, int total);
  }

  /**
   * Registers the accounts of users {@code firstId .. firstId+count-1} on virtual host {@code
   * host}; blocks until all exist. An account that exists already counts as registered (its
   * password is left as it is).
   */
  public Registered register(Accounts accounts, String host, int firstId, int count) {
    return register(accounts, host, firstId, count, (done, total) -> {});
  }

  /** {@link #register(Accounts, String, int, int)}, telling {@code progress} after each account. */
  public Registered register(
      Accounts accounts, String host, int firstId, int count, Progress progress) {
    Semaphore slots = new Semaphore(concurrency);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicInteger created = new AtomicInteger();
    AtomicInteger existing = new AtomicInteger();
    Object progressLock = new Object();
    try {
      for (int i = 0; i < count && failure.get() == null; i++) {
        slots.acquire();
        Account account = accounts.forUser(firstId + i);
        Map<String, String> body =
            Map.of("user", account.username(), "host", host, "password", account.password());
        post("register", body, 1)
            .whenComplete(
                (response, error) -> {
                  try {
                    if (error != null) {
                      failure.compareAndSet(null, error);
                      return;
                    }
                    if (response.statusCode() == 200) {
                      created.incrementAndGet();
                    } else if (isConflict(response)) {
                      existing.incrementAndGet();
                    } else {
                      failure.compareAndSet(null, failed("register", response));
                      return;
                    }
                    synchronized (progressLock) {
                      progress.registered(created.get() + existing.get(), count);
                    }
                  } finally {
                    slots.release();
                  }
                });
      }
      slots.acquire(concurrency);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while registering users at " + url("register"), e);
    }
    Throwable error = failure.get();
    if (error != null) {
      throw asIllegalState("register", error);
    }
    return new Registered(created.get(), existing.get());
  }

  /**
   * Calls one API command with JSON arguments and returns ejabberd's JSON answer as text, e.g.
   * {@code call("status", Map.of())} or {@code call("send_message", Map.of("type", "chat", ...))}.
   */
  public String call(String command, Map<String, ?> arguments) {
    try {
      HttpResponse<String> response = post(command, arguments, 1).join();
      if (response.statusCode() != 200) {
        throw failed(command, response);
      }
      return response.body();
    } catch (CompletionException e) {
      throw asIllegalState(command, e.getCause());
    }
  }

  /** ejabberd's {@code status} text, e.g. "The node ... is started. Status: started ...". */
  public String status() {
    return call("status", Map.of());
  }

  /** The URL of one command. */
  public URI url(String command) {
    return base.resolve(command);
  }

  @Override
  public void close() {
    http.close();
  }

  private CompletableFuture<HttpResponse<String>> post(
      String command, Map<String, ?> body, int attempt) {
    HttpRequest request;
    try {
      request =
          HttpRequest.newBuilder(url(command))
              .timeout(REQUEST_TIMEOUT)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
              .build();
    } catch (JsonProcessingException e) {
      return CompletableFuture.failedFuture(e);
    }
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .exceptionallyCompose(
            error -> {
              // a burst can find the listener's backlog full, or ejabberd still starting: retry a
              // little
              if (attempt < CONNECT_ATTEMPTS && unwrap(error) instanceof ConnectException) {
                return CompletableFuture.supplyAsync(
                        () -> null,
                        CompletableFuture.delayedExecutor(200L * attempt, TimeUnit.MILLISECONDS))
                    .thenCompose(ignored -> post(command, body, attempt + 1));
              }
              return CompletableFuture.failedFuture(error);
            });
  }

  private static boolean isConflict(HttpResponse<String> response) {
    return response.statusCode() == 409 || response.body().contains("already registered");
  }

  private IllegalStateException failed(String command, HttpResponse<String> response) {
    return new IllegalStateException(
        "ejabberd HTTP API "
            + url(command)
            + " answered HTTP "
            + response.statusCode()
            + ": "
            + response.body().strip());
  }

  private IllegalStateException asIllegalState(String command, Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof IllegalStateException e) {
      return e;
    }
    return new IllegalStateException(
        "ejabberd HTTP API "
            + url(command)
            + " failed: "
            + (cause instanceof ConnectException ? "connection refused" : String.valueOf(cause)),
        cause);
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
