package io.murmuration.results;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a run's points go: an InfluxDB base URL ({@code http://host:8086}), a database, and
 * optional credentials — never printed: {@link #toString()} leaves them out.
 */
public record InfluxSettings(URI url, String database, String user, String password) {
  public static final String DEFAULT_DATABASE = "murmuration";

  public InfluxSettings {
    if (url == null || url.getHost() == null || !url.getScheme().matches("https?")) {
      throw new IllegalArgumentException(
          "the InfluxDB URL must look like http://host:8086, not '" + url + "'");
    }
    if (database == null || database.isBlank()) {
      database = DEFAULT_DATABASE;
    }
    if ((user == null) != (password == null)) {
      throw new IllegalArgumentException(
          "InfluxDB credentials need both a user and a password (MURM_INFLUX_USER,"
              + " MURM_INFLUX_PASSWORD, or a credentials file with user= and password=)");
    }
  }

  /**
   * Settings for {@code url} and {@code database}, with credentials from {@code credentialsFile}
   * (lines {@code user=…} and {@code password=…}) when given, else from {@code MURM_INFLUX_USER}
   * and {@code MURM_INFLUX_PASSWORD} in {@code env}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static InfluxSettings of(
      String url, String database, Path credentialsFile, Map<String, String> env) {
    URI uri;
    try {
      uri = URI.create(url.strip().replaceAll("/+$", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the InfluxDB URL must look like http://host:8086, not '" + url + "'");
    }
    String user = env.get("MURM_INFLUX_USER");
    String password = env.get("MURM_INFLUX_PASSWORD");
    if (credentialsFile != null) {
      user = null;
      password = null;
      try {
        for (String line : Files.readAllLines(credentialsFile, StandardCharsets.UTF_8)) {
          int eq = line.indexOf('=');
          if (line.isBlank() || line.strip().startsWith("#")) {
            continue;
          }
          String key = eq < 0 ? line.strip() : line.substring(0, eq).strip();
          switch (key) {
            case "user" -> user = line.substring(eq + 1).strip();
            case "password" -> password = line.substring(eq + 1).strip();
            default ->
                throw new IllegalArgumentException(
                    credentialsFile
                        + ": expected lines user=NAME and password=SECRET, found key '"
                        + key
                        + "'");
          }
        }
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read the InfluxDB credentials file " + credentialsFile + ": " + e);
      }
    }
    return new InfluxSettings(uri, database, blankToNull(user), blankToNull(password));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  @Override
  public String toString() {
    return url + " database " + database + (user == null ? "" : " as " + user);
  }
}
