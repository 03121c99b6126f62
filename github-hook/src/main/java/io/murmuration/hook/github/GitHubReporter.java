package io.murmuration.hook.github;

import io.murmuration.hook.Job;
import io.murmuration.hook.JobResult;
import io.murmuration.hook.ReportTarget;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.kohsuke.github.GHCheckRun;
import org.kohsuke.github.GHCheckRunBuilder;
import org.kohsuke.github.GHCommit;
import org.kohsuke.github.GHCommitComment;
import org.kohsuke.github.GHCommitState;
import org.kohsuke.github.GHFileNotFoundException;
import org.kohsuke.github.GHIssue;
import org.kohsuke.github.GHIssueComment;
import org.kohsuke.github.GHRepository;
import org.kohsuke.github.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports jobs on GitHub through {@code org.kohsuke:github-api}.
 *
 * <p>With a GitHub App: a check run {@value #CHECK_NAME} {@code in_progress} on the commit when the
 * job starts, completed with the result's conclusion, title and markdown summary when it ends. With
 * only a token (which cannot write check runs): a commit status {@value #STATUS_CONTEXT}, {@code
 * pending} then {@code success}, {@code failure} or {@code error}. For a pull request, in both
 * modes, one comment that carries {@value #MARKER} and is edited in place on every later result, so
 * a pull request pushed to ten times still has one comment, showing the latest numbers.
 *
 * <p>The outbox's sender ({@code ReportSender}) calls {@link #finished} and {@link #commitComment}
 * until they succeed, so both are safe to repeat: the check run is found again by the job id (its
 * external id), a commit status replaces the previous one of its context, the sticky comment is
 * edited in place, and a commit comment carries a hidden {@code <!-- murmuration:report KEY -->}
 * line that is looked for before posting, so a post whose answer was lost is not made twice. Each
 * step (check run or status, comment) is tried on its own, so a refused check run still leaves the
 * comment; what failed is thrown as one {@link NotPosted}, whose {@link NotPosted#permanent()} says
 * whether trying again can help ({@link #permanent(Exception)}). {@link #started} is best effort: a
 * failure is one logged line with the HTTP status and URL, secrets redacted.
 */
public final class GitHubReporter implements ReportTarget {
  public static final String CHECK_NAME = "Murmuration load test";
  public static final String STATUS_CONTEXT = "murmuration/loadtest";

  /** The hidden line that tells the sticky comment from every other comment on the PR. */
  public static final String MARKER = "<!-- murmuration:loadtest -->";

  /**
   * A commit comment's first line, with its outbox key: {@code <!-- murmuration:report KEY -->}.
   */
  static String reportMarker(String key) {
    return "<!-- murmuration:report " + key + " -->";
  }

  /** GitHub's limits: commit status description 140 characters, check run summary 65,535. */
  static final int STATUS_DESCRIPTION_MAX = 140;

  static final int SUMMARY_MAX = 65_535;

  private static final Logger LOG = LoggerFactory.getLogger(GitHubReporter.class);

  private final GitHubAuth auth;

  /**
   * Check run id per job id, from started to finished (found again on GitHub after a restart, or
   * for a retry).
   */
  private final Map<Long, Long> checkRuns = new ConcurrentHashMap<>();

  public GitHubReporter(GitHubAuth auth) {
    this.auth = auth;
  }

  @Override
  public void started(Job job, String detailsUrl) {
    GHRepository repo = repository(job);
    if (repo == null) {
      return;
    }
    if (auth.isApp()) {
      step(
          job,
          "create check run",
          () -> {
            GHCheckRun run =
                repo.createCheckRun(CHECK_NAME, job.sha())
                    .withStatus(GHCheckRun.Status.IN_PROGRESS)
                    .withDetailsURL(detailsUrl)
                    .withExternalID(Long.toString(job.id()))
                    .withStartedAt(new Date())
                    .create();
            checkRuns.put(job.id(), run.getId());
          });
    } else {
      step(
          job,
          "set commit status pending",
          () ->
              repo.createCommitStatus(
                  job.sha(),
                  GHCommitState.PENDING,
                  detailsUrl,
                  "load test running",
                  STATUS_CONTEXT));
    }
  }

  @Override
  public void finished(Job job, JobResult result, String detailsUrl) throws NotPosted {
    Long checkRun = checkRuns.remove(job.id()); // a retry finds it on GitHub
    GHRepository repo = repositoryOrThrow(job);
    List<Failure> failures = new ArrayList<>();
    if (auth.isApp()) {
      attempt(
          failures,
          "complete check run",
          () -> completeCheckRun(repo, checkRun, job, result, detailsUrl));
    } else {
      attempt(
          failures,
          "set commit status",
          () ->
              repo.createCommitStatus(
                  job.sha(),
                  statusState(result.conclusion()),
                  detailsUrl,
                  abbreviate(result.title(), STATUS_DESCRIPTION_MAX),
                  STATUS_CONTEXT));
    }
    if (job.pr() != null) {
      attempt(failures, "write PR comment", () -> upsertComment(repo, job, result, detailsUrl));
    }
    if (!failures.isEmpty()) {
      throw notPosted(failures);
    }
  }

  /**
   * {@code POST /repos/{owner}/{repo}/commits/{sha}/comments}, after reading the commit and its
   * comments: when one of them carries {@code key}'s marker, the comment was posted before (its
   * answer was lost) and is not posted again.
   */
  @Override
  public void commitComment(Job job, String key, String markdown) throws NotPosted {
    GHRepository repo = repositoryOrThrow(job);
    String marker = reportMarker(key);
    List<Failure> failures = new ArrayList<>();
    attempt(
        failures,
        "write commit comment",
        () -> {
          GHCommit commit = repo.getCommit(job.sha());
          for (GHCommitComment c : commit.listComments().withPageSize(100)) {
            if (c.getBody() != null && c.getBody().contains(marker)) {
              return;
            }
          }
          commit.createComment(abbreviate(marker + "\n" + markdown, SUMMARY_MAX));
        });
    if (!failures.isEmpty()) {
      throw notPosted(failures);
    }
  }

  private static void completeCheckRun(
      GHRepository repo, Long checkRun, Job job, JobResult result, String detailsUrl)
      throws IOException {
    Long id = checkRun;
    if (id == null) {
      id = findCheckRun(repo, job);
    }
    GHCheckRunBuilder update =
        id == null
            ? repo.createCheckRun(CHECK_NAME, job.sha())
                .withExternalID(Long.toString(job.id()))
                .withDetailsURL(detailsUrl)
            : repo.updateCheckRun(id);
    update
        .withStatus(GHCheckRun.Status.COMPLETED)
        .withConclusion(GHCheckRun.Conclusion.valueOf(result.conclusion().toUpperCase(Locale.ROOT)))
        .withCompletedAt(new Date())
        .add(
            new GHCheckRunBuilder.Output(result.title(), abbreviate(result.summary(), SUMMARY_MAX)))
        .create();
  }

  /**
   * The check run this job created, when its id was not remembered (the service restarted between
   * start and end): the one named {@value #CHECK_NAME} on the commit whose external id is the job
   * id. Another job's run on the same commit is left alone. Null when there is none (creating it
   * failed): then a completed one is created.
   */
  private static Long findCheckRun(GHRepository repo, Job job) throws IOException {
    for (GHCheckRun run :
        repo.getCheckRuns(job.sha(), Map.of("check_name", CHECK_NAME)).withPageSize(100)) {
      if (Long.toString(job.id()).equals(run.getExternalId())) {
        return run.getId();
      }
    }
    return null;
  }

  private static void upsertComment(GHRepository repo, Job job, JobResult result, String details)
      throws IOException {
    String body = abbreviate(commentBody(job, result, details), SUMMARY_MAX);
    GHIssue pr = repo.getIssue(job.pr());
    for (GHIssueComment comment : pr.listComments().withPageSize(100)) {
      if (comment.getBody() != null && comment.getBody().contains(MARKER)) {
        comment.update(body);
        return;
      }
    }
    pr.comment(body);
  }

  static String commentBody(Job job, JobResult result, String detailsUrl) {
    String icon =
        switch (result.conclusion()) {
          case "success" -> "✅";
          case "failure" -> "❌";
          case "neutral" -> "➖";
          default -> "⚠️";
        };
    return MARKER
        + "\n### "
        + icon
        + " "
        + CHECK_NAME
        + ": "
        + result.title()
        + "\n\n"
        + result.summary()
        + "\n\n<sub>commit "
        + job.sha()
        + " · job "
        + job.id()
        + (detailsUrl == null ? "" : " · [details](" + detailsUrl + ")")
        + "</sub>\n";
  }

  /**
   * A commit status has no "neutral": an inconclusive run passes as {@code success} (what a neutral
   * check run counts as for branch protection), its title says it was inconclusive.
   */
  static GHCommitState statusState(String conclusion) {
    return switch (conclusion) {
      case "success", "neutral" -> GHCommitState.SUCCESS;
      case "failure" -> GHCommitState.FAILURE;
      default -> GHCommitState.ERROR;
    };
  }

  static String abbreviate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }

  /** The job's repository, or null (logged): for the best-effort {@link #started}. */
  private GHRepository repository(Job job) {
    Lookup found = lookUp(job);
    if (found.failure() != null) {
      LOG.warn(
          "GitHub: could not {} for job {} ({}): {}",
          found.failure().what(),
          job.id(),
          where(job),
          clean(found.failure().cause()));
    }
    return found.repo();
  }

  /** The job's repository, for a report that must get through. */
  private GHRepository repositoryOrThrow(Job job) throws NotPosted {
    Lookup found = lookUp(job);
    if (found.failure() != null) {
      throw notPosted(List.of(found.failure()));
    }
    return found.repo();
  }

  /** The repository, or why there is none. */
  private record Lookup(GHRepository repo, Failure failure) {}

  /**
   * Reads the job's repository. An answer without {@code owner} (a proxy in the way, which trying
   * again does not remove) is a failure too: github-api builds the URLs of statuses, commits and
   * check-run lists from the owner's login, and fails with a NullPointerException without it.
   */
  private Lookup lookUp(Job job) {
    GHRepository repo;
    try {
      repo = auth.client(job.installationId()).getRepository(job.repo());
    } catch (IOException | RuntimeException e) {
      return new Lookup(null, new Failure("reach repository", cause(e), permanent(e)));
    }
    if (!namesOwner(repo)) {
      return new Lookup(
          null,
          new Failure(
              "reach repository",
              "GitHub's answer to GET /repos/"
                  + job.repo()
                  + " names no owner, so nothing can be reported there",
              true));
    }
    return new Lookup(repo, null);
  }

  /** Whether the repository answer had its {@code owner.login} (github-api reads it unchecked). */
  private static boolean namesOwner(GHRepository repo) {
    try {
      return repo.getOwnerName() != null;
    } catch (NullPointerException e) {
      return false;
    }
  }

  private interface Step {
    void run() throws IOException;
  }

  /** One step that failed: what, GitHub's answer (one line), whether trying again can help. */
  private record Failure(String what, String cause, boolean permanent) {}

  /** A best-effort step: a failure is one WARN line. */
  private void step(Job job, String what, Step step) {
    try {
      step.run();
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "GitHub: could not {} for job {} ({}): {}", what, job.id(), where(job), clean(cause(e)));
    }
  }

  /** A step of a report that must get through: a failure is added to {@code failures}. */
  private static void attempt(List<Failure> failures, String what, Step step) {
    try {
      step.run();
    } catch (IOException | RuntimeException e) {
      failures.add(new Failure(what, cause(e), permanent(e)));
    }
  }

  /**
   * What failed, as one line without secrets: {@code could not complete check run: HTTP 500 at URL:
   * message}; permanent when every failure is.
   */
  private NotPosted notPosted(List<Failure> failures) {
    StringBuilder message = new StringBuilder();
    for (Failure f : failures) {
      message.append(message.isEmpty() ? "" : "; ").append("could not ").append(f.what());
      message.append(": ").append(f.cause());
    }
    return new NotPosted(clean(message.toString()), failures.stream().allMatch(Failure::permanent));
  }

  /**
   * Whether GitHub's answer says that sending the same request again cannot succeed: a 4xx (the
   * repository, pull request or commit is not there or not visible, a permission is missing, the
   * request is invalid) and any answer github-api cannot read. Not permanent: no answer (a network
   * error, a time-out), a 5xx, 408, 429 and 403 for a rate limit (the FAIL handlers of {@link
   * GitHubAuth}, or GitHub's own message), and 401: refused credentials are the service's own,
   * which an operator renews or fixes, and the reports should then go out.
   */
  static boolean permanent(Exception e) {
    if (e instanceof HttpException h) {
      int code = h.getResponseCode();
      if (code < 0 || code >= 500 || code == 401 || code == 408 || code == 429) {
        return false;
      }
      return !(code == 403 && rateLimited(h));
    }
    if (e instanceof GHFileNotFoundException) {
      return true; // 404
    }
    return !(e instanceof IOException); // a network error, a time-out: not permanent
  }

  private static boolean rateLimited(HttpException h) {
    String message = String.valueOf(h.getMessage()).toLowerCase(Locale.ROOT);
    Map<String, List<String>> headers = h.getResponseHeaderFields();
    return message.contains("rate limit")
        || message.contains("abuse limit")
        || (headers != null
            && (List.of("0").equals(header(headers, "X-RateLimit-Remaining"))
                || header(headers, "Retry-After") != null));
  }

  private static List<String> header(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      if (name.equalsIgnoreCase(h.getKey())) {
        return h.getValue();
      }
    }
    return null;
  }

  /** GitHub's status and URL and its message, or what went wrong before an answer. */
  private static String cause(Exception e) {
    if (e instanceof HttpException h && h.getResponseCode() < 0) {
      return "no answer from " + h.getUrl() + ": " + (h.getCause() == null ? h : h.getCause());
    } else if (e instanceof HttpException h) {
      return "HTTP " + h.getResponseCode() + " at " + h.getUrl() + ": " + h.getMessage();
    } else if (e instanceof GHFileNotFoundException) {
      return "HTTP 404: " + e.getMessage();
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  /** One line, secrets blanked out, at most 600 characters. */
  private String clean(String text) {
    return abbreviate(auth.redact(text.replaceAll("\\s+", " ")), 600);
  }

  private static String where(Job job) {
    return job.repo() + "@" + job.sha().substring(0, Math.min(7, job.sha().length()));
  }
}
