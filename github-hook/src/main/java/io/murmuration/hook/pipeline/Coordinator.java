package io.murmuration.hook.pipeline;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * A long-lived coordinator ({@code murm coordinator}) that runs the pipeline's scenarios on its
 * worker nodes instead of a local {@code murm run}: the {@code coordinator} block of the service's
 * settings (docs/github.md, "Running on a cluster"). {@link CoordinatorRunner} talks to it.
 *
 * @param url the control API's base URL, e.g. {@code http://127.0.0.1:8086}
 * @param token the control API's bearer token, read once at start-up; never logged
 * @param nodes how many worker nodes a run uses, or null: every worker in the cluster
 */
public record Coordinator(URI url, String token, Integer nodes) {
  private static final Set<String> KEYS = Set.of("url", "token-file", "nodes");

  /**
   * The {@code coordinator} block: {@code url}, {@code token-file} and optional {@code nodes}. The
   * token file must exist, hold 16 characters or more on one line and be readable by its owner
   * only, as for {@code murm coordinator --api-token-file}.
   *
   * @throws IllegalArgumentException one line naming the key and the fix
   */
  public static Coordinator of(Config block) {
    for (String key : block.root().keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "coordinator."
                + key
                + ": unknown setting; known are "
                + String.join(", ", KEYS.stream().sorted().toList()));
      }
    }
    for (String key : java.util.List.of("url", "token-file")) {
      if (!block.hasPath(key)) {
        throw new IllegalArgumentException(
            "coordinator."
                + key
                + " is missing: give "
                + (key.equals("url")
                    ? "the coordinator's control API, e.g. url = \"http://127.0.0.1:8086\""
                    : "the file holding the token of its --api-token-file"));
      }
    }
    Integer nodes = null;
    try {
      if (block.hasPath("nodes")) {
        nodes = block.getInt("nodes");
        if (nodes < 1) {
          throw new IllegalArgumentException(
              "coordinator.nodes must be 1 or more, not " + nodes + " (leave it out: all workers)");
        }
      }
      return new Coordinator(
          url(block.getString("url")), token(Path.of(block.getString("token-file"))), nodes);
    } catch (ConfigException.WrongType e) {
      throw new IllegalArgumentException("coordinator: " + e.getMessage(), e);
    }
  }

  private static URI url(String text) {
    URI url;
    try {
      url = new URI(text.strip());
    } catch (java.net.URISyntaxException e) {
      url = null;
    }
    if (url == null
        || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
        || url.getHost() == null
        || url.getUserInfo() != null
        || url.getQuery() != null
        || url.getFragment() != null) {
      throw new IllegalArgumentException(
          "coordinator.url '"
              + text
              + "' is not an http(s) URL with a host: give the coordinator's --api address,"
              + " e.g. http://127.0.0.1:8086");
    }
    return url;
  }

  /** The token in {@code file}, under the rules of {@code murm coordinator --api-token-file}. */
  private static String token(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "coordinator.token-file "
              + file
              + " does not exist: copy the coordinator's --api-token-file there (chmod 600)");
    }
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.contains(PosixFilePermission.GROUP_READ)
          || perms.contains(PosixFilePermission.OTHERS_READ)) {
        throw new IllegalArgumentException(
            "coordinator.token-file " + file + " is readable by others: chmod 600 " + file);
      }
      String token = Files.readString(file).strip();
      if (token.length() < 16) {
        throw new IllegalArgumentException(
            "coordinator.token-file "
                + file
                + " holds fewer than 16 characters: put the coordinator's token in it");
      }
      if (token.chars().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException(
            "coordinator.token-file " + file + " holds more than one line: keep the token only");
      }
      return token;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "coordinator.token-file " + file + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** The URL and nodes; never the token. */
  @Override
  public String toString() {
    return url + (nodes == null ? " (all workers)" : " (" + nodes + " workers)");
  }
}
