package io.murmuration.hook.pipeline;

import io.murmuration.hook.Job;
import io.murmuration.hook.PayloadValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The folder of one job under the service's work root, {@code job-<id>/}: the checkout ({@code
 * src/}; for a pull request's A/B gate also the base's, {@code base/}; for a bisection each other
 * commit's, {@code commits/<sha>/}), one log per step ({@code 01-fetch.log}, {@code 02-build.log},
 * …), the configuration as read ({@code loadtest.conf}) and the runner's run folders ({@code
 * runs/}), and the records of its running process groups ({@code processes/}). A job that runs
 * again (after a restart of the service) starts from an empty folder, once the processes its
 * previous attempt left running are stopped.
 *
 * <p>The checkout is {@code git init} + {@code git fetch URL SHA DEFAULT}: fetching the commit
 * itself works for pull-request heads and forks alike (GitHub and git's protocol v2 serve any
 * reachable commit), and the default branch comes along for the configuration, which is read from
 * it and never from the commit under test.
 *
 * <p>The job's values reach git here, so they are checked here again ({@link PayloadValues}; a
 * refused one throws {@link PayloadValues.Invalid} before any command runs), every positional
 * argument comes after {@code --} (or {@code --end-of-options} where {@code --} would start paths),
 * and git may use only the https, http and file transports ({@code GIT_ALLOW_PROTOCOL}).
 */
final class Workspace {
  final Path dir;
  final Path checkout;
  final Path baseCheckout;
  final Path runs;
  final Path processes;

  private Workspace(Path dir) {
    this.dir = dir;
    this.checkout = dir.resolve("src");
    this.baseCheckout = dir.resolve("base");
    this.runs = dir.resolve("runs");
    this.processes = dir.resolve("processes");
  }

  /**
   * An empty {@code job-<id>} folder under {@code root}. When the folder exists (the job runs again
   * after the service was killed), the process groups recorded in it are stopped first ({@link
   * ProcessGroup#stopLeftovers}): its old commands must not run beside the new ones.
   */
  static Workspace create(Path root, long jobId) {
    Workspace w = new Workspace(root.resolve("job-" + jobId).toAbsolutePath());
    try {
      if (Files.exists(w.dir)) {
        ProcessGroup.stopLeftovers(w.processes, Commands.STOP_GRACE);
        try (Stream<Path> all = Files.walk(w.dir)) {
          for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      Files.createDirectories(w.checkout);
      Files.createDirectories(w.runs);
      Files.createDirectories(w.processes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the job folder " + w.dir, e);
    }
    return w;
  }

  Path log(String name) {
    return dir.resolve(name);
  }

  /**
   * Fetches {@code job.sha()}, the pull request's base commit when it has one, and the default
   * branch (as {@code origin/<default>}) and checks the commit out, detached; every git command and
   * its output go to {@code log}. With a {@code token} (null: none) the fetch authenticates, for
   * private repositories.
   *
   * @throws StepFailed when a git command fails or the time runs out ({@link
   *     StepFailed#infrastructure}: a repository that cannot be fetched says nothing of the commit)
   */
  void fetch(Job job, Commands commands, Path log, long deadlineNanos, String token) {
    String url = PayloadValues.gitUrl("job.cloneUrl", job.cloneUrl());
    String sha = PayloadValues.sha("job.sha", job.sha());
    List<String> fetch = new java.util.ArrayList<>(List.of("fetch", "--no-tags", "--", url, sha));
    if (job.baseSha() != null) {
      fetch.add(PayloadValues.sha("job.baseSha", job.baseSha()));
    }
    if (job.defaultBranch() != null) {
      String branch = PayloadValues.branch("job.defaultBranch", job.defaultBranch());
      fetch.add("+refs/heads/" + branch + ":refs/remotes/origin/" + branch);
    }
    git(commands, log, deadlineNanos, "init", "--quiet");
    Map<String, String> env =
        new java.util.HashMap<>(
            Map.of("GIT_TERMINAL_PROMPT", "0", "GIT_ALLOW_PROTOCOL", "https:http:file"));
    if (token != null) {
      env.putAll(basicAuth(token));
    }
    Commands fetching = commands.with(env); // never waits for a password prompt
    git(fetching, log, deadlineNanos, fetch.toArray(String[]::new));
    git(commands, log, deadlineNanos, "switch", "--quiet", "--detach", "--end-of-options", sha);
  }

  /**
   * Git configuration, through the environment, that sends {@code token} as GitHub expects it for
   * HTTPS fetches ({@code x-access-token:<token>}, HTTP Basic). The environment of a process is
   * readable by its user only — unlike a URL with credentials on the command line — and never
   * reaches the logs.
   */
  static Map<String, String> basicAuth(String token) {
    String basic =
        java.util.Base64.getEncoder()
            .encodeToString(("x-access-token:" + token).getBytes(StandardCharsets.UTF_8));
    return Map.of(
        "GIT_CONFIG_COUNT", "1",
        "GIT_CONFIG_KEY_0", "http.extraHeader",
        "GIT_CONFIG_VALUE_0", "Authorization: Basic " + basic);
  }

  /**
   * The configuration file's text on the default branch ({@code git show
   * origin/<default>:.murmuration/loadtest.conf}), also kept as {@code loadtest.conf}; null when
   * the default branch has no such file.
   */
  String configOnDefaultBranch(Job job, Commands commands, Path log, long deadlineNanos) {
    String branch = PayloadValues.branch("job.defaultBranch", job.defaultBranch());
    String object = "origin/" + branch + ":" + RepoConfig.PATH;
    Path out = dir.resolve("loadtest.conf");
    Integer exists =
        commands.run(
            List.of("git", "cat-file", "-e", "--end-of-options", object),
            checkout,
            log,
            null,
            deadlineNanos);
    if (exists == null) {
      throw StepFailed.infrastructure("fetch", "reading the configuration took too long", log);
    }
    if (exists != 0) {
      return null;
    }
    git(commands, log, out, deadlineNanos, "show", "--end-of-options", object);
    try {
      return Files.readString(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The merge base of the pull request's head and its base branch's tip ({@code git merge-base}):
   * the commit the pull request changes, so that commits merged into the base branch since are not
   * blamed on it. Needs a fetch deep enough to reach it, which a full fetch is.
   */
  String mergeBase(Job job, Commands commands, Path log, long deadlineNanos) {
    Path out = dir.resolve("merge-base.txt");
    git(
        commands,
        log,
        out,
        deadlineNanos,
        "merge-base",
        "--",
        PayloadValues.sha("job.baseSha", job.baseSha()),
        PayloadValues.sha("job.sha", job.sha()));
    try {
      return PayloadValues.sha(
          "git merge-base", Files.readString(out, StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A second checkout of {@code commit} in {@link #baseCheckout} ({@code git worktree add}). */
  void checkoutBase(String commit, Commands commands, Path log, long deadlineNanos) {
    worktree(commit, baseCheckout, commands, log, deadlineNanos);
  }

  /**
   * A checkout of {@code commit} for a bisection: the job's own checkout for its commit, else one
   * of its own, {@code commits/<sha>/}, made on first use ({@code git worktree add}).
   */
  Path checkoutOf(String commit, String jobSha, Commands commands, Path log, long deadlineNanos) {
    if (commit.equals(jobSha)) {
      return checkout;
    }
    Path where = dir.resolve("commits").resolve(PayloadValues.sha("commit", commit));
    if (!Files.isDirectory(where)) {
      worktree(commit, where, commands, log, deadlineNanos);
    }
    return where;
  }

  private void worktree(String commit, Path where, Commands commands, Path log, long deadline) {
    git(
        commands,
        log,
        deadline,
        "worktree",
        "add",
        "--quiet",
        "--detach",
        "--",
        where.toString(),
        PayloadValues.sha("commit", commit));
  }

  /**
   * The commits of {@code good..bad} on {@code bad}'s first-parent line, newest first, each with
   * its parents ({@code git rev-list --first-parent --parents}): the merged commits after {@code
   * good} up to {@code bad}. Both ids are checked before git sees them, and every id git answers.
   */
  List<List<String>> firstParentRange(
      String good, String bad, Commands commands, Path log, long deadlineNanos) {
    String range =
        PayloadValues.sha("job.baseSha", good) + ".." + PayloadValues.sha("job.sha", bad);
    Path out = dir.resolve("range.txt");
    git(
        commands,
        log,
        out,
        deadlineNanos,
        "rev-list",
        "--first-parent",
        "--parents",
        "--end-of-options",
        range,
        "--");
    try {
      return Files.readAllLines(out, StandardCharsets.UTF_8).stream()
          .filter(line -> !line.isBlank())
          .map(
              line ->
                  Stream.of(line.strip().split(" "))
                      .map(id -> PayloadValues.sha("git rev-list", id))
                      .toList())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void git(Commands commands, Path log, long deadlineNanos, String... args) {
    git(commands, log, null, deadlineNanos, args);
  }

  private void git(Commands commands, Path log, Path out, long deadlineNanos, String... args) {
    List<String> command =
        Stream.concat(Stream.of("git", "-c", "advice.detachedHead=false"), Stream.of(args))
            .toList();
    Integer status = commands.run(command, checkout, log, out, deadlineNanos);
    if (status == null) {
      throw StepFailed.infrastructure("fetch", "git " + args[0] + " did not finish in time", log);
    }
    if (status != 0) {
      throw StepFailed.infrastructure(
          "fetch", "git " + args[0] + " failed (exit status " + status + ")", log);
    }
  }
}
