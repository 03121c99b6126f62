package io.murmuration.hook.intake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The shared secret GitHub signs deliveries with. Comes from the environment ({@code
 * MURM_WEBHOOK_SECRET}) or, better for containers and systemd credentials, from a file named by
 * {@code MURM_WEBHOOK_SECRET_FILE}; never from a command-line flag (visible in {@code ps}) or a
 * configuration file in the repository. {@link #toString()} hides it so that it cannot reach a log
 * by accident.
 */
public final class WebhookSecret {
  static final String ENV = "MURM_WEBHOOK_SECRET";
  static final String FILE_ENV = "MURM_WEBHOOK_SECRET_FILE";

  private final byte[] key;

  private WebhookSecret(byte[] key) {
    if (key.length == 0) {
      throw new IllegalArgumentException("the webhook secret is empty");
    }
    this.key = key;
  }

  public static WebhookSecret of(String secret) {
    return new WebhookSecret(secret.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads the secret from {@code env} ({@code System.getenv()} in production): the file variable
   * wins; a trailing newline in the file is ignored.
   */
  public static WebhookSecret fromEnvironment(Map<String, String> env) throws IOException {
    String file = env.get(FILE_ENV);
    if (file != null && !file.isBlank()) {
      return of(Files.readString(Path.of(file), StandardCharsets.UTF_8).strip());
    }
    String value = env.get(ENV);
    if (value != null && !value.isEmpty()) {
      return of(value);
    }
    throw new IllegalStateException(
        "no webhook secret: set " + FILE_ENV + " (a file holding it) or " + ENV);
  }

  byte[] key() {
    return key.clone();
  }

  @Override
  public String toString() {
    return "WebhookSecret[hidden]";
  }
}
