package io.murmuration.hook;

import io.murmuration.hook.pipeline.RepoConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A real git repository on disk with a {@code main} branch: the remote a job fetches from. */
public record GitRepo(Path dir) {
  public static GitRepo create(Path dir) throws Exception {
    Files.createDirectories(dir);
    GitRepo repo = new GitRepo(dir);
    repo.git("init", "-q", "-b", "main");
    repo.git("config", "user.email", "test@example.com");
    repo.git("config", "user.name", "Test");
    return repo;
  }

  /** Writes {@code .murmuration/loadtest.conf}, commits everything; returns the commit. */
  public String commit(String config) throws Exception {
    Path file = dir.resolve(RepoConfig.PATH);
    Files.createDirectories(file.getParent());
    Files.writeString(file, config, StandardCharsets.UTF_8);
    git("add", "-A");
    git("commit", "-q", "-m", "load-test configuration");
    return git("rev-parse", "HEAD");
  }

  /** Runs git in the repository; returns its output; throws when it fails. */
  public String git(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + ": " + out);
    }
    return out;
  }
}
