package io.murmuration.hook.github;

import io.murmuration.hook.Job;
import io.murmuration.hook.JobResult;
import io.murmuration.hook.Reporter;
import java.io.IOException;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.kohsuke.github.GHCheckRun;
import org.kohsuke.github.GHCheckRunBuilder;
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
 * <p>A report is a side effect of a job, never a reason for it to fail: every GitHub answer that is
 * not a success (and any surprise in reading it) is logged as one line with the HTTP status and
 * URL, secrets redacted, and the job goes on. Each step (check run or status, comment) is tried on
 * its own, so a refused check run still leaves the comment.
 *
 * <p>A comment on a merged build's commit ({@link #commitComment}) is a new one each time: the
 * trend check calls it only for change points it has not reported before.
 */
public final class GitHubReporter implements Reporter {
  public static final String CHECK_NAME = "Murmuration load test";
  public static final String STATUS_CONTEXT = "murmuration/loadtest";

  /** The hidden line that tells the sticky comment from every other comment on the PR. */
  public static final String MARKER = "<!-- murmuration:loadtest -->";

  /** GitHub's limits: commit status description 140 characters, check run summary 65,535. */
  static final int STATUS_DESCRIPTION_MAX = 140;

  static final int SUMMARY_MAX = 65_535;

  private static final Logger LOG = LoggerFactory.getLogger(GitHubReporter.class);

  private final GitHubAuth auth;

  /** Check run id per job id, from started to finished (found again on GitHub after a restart). */
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
  public void finished(Job job, JobResult result, String detailsUrl) {
    GHRepository repo = repository(job);
    if (repo == null) {
      checkRuns.remove(job.id());
      return;
    }
    if (auth.isApp()) {
      step(job, "complete check run", () -> completeCheckRun(repo, job, result, detailsUrl));
    } else {
      step(
          job,
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
      step(job, "write PR comment", () -> upsertComment(repo, job, result, detailsUrl));
    }
  }

  /** {@code POST /repos/{owner}/{repo}/commits/{sha}/comments}, after reading the commit. */
  @Override
  public void commitComment(Job job, String markdown) {
    GHRepository repo = repository(job);
    if (repo == null) {
      return;
    }
    step(
        job,
        "write commit comment",
        () -> repo.getCommit(job.sha()).createComment(abbreviate(markdown, SUMMARY_MAX)));
  }

  private void completeCheckRun(GHRepository repo, Job job, JobResult result, String detailsUrl)
      throws IOException {
    Long id = checkRuns.remove(job.id());
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

  /**
   * The job's repository, or null (logged) when GitHub cannot be reached or its answer is not
   * usable: github-api builds the URLs of statuses, commits and check-run lists from the owner's
   * login, and fails with a NullPointerException for an answer without {@code owner}.
   */
  private GHRepository repository(Job job) {
    GHRepository repo;
    try {
      repo = auth.client(job.installationId()).getRepository(job.repo());
    } catch (IOException | RuntimeException e) {
      logFailure(job, "reach repository", e);
      return null;
    }
    if (!namesOwner(repo)) {
      warn(
          job,
          "reach repository",
          "GitHub's answer to GET /repos/"
              + job.repo()
              + " names no owner, so nothing can be reported there");
      return null;
    }
    return repo;
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

  private void step(Job job, String what, Step step) {
    try {
      step.run();
    } catch (IOException | RuntimeException e) {
      logFailure(job, what, e);
    }
  }

  /** One line: what failed for which job, GitHub's status and URL, its message (redacted). */
  private void logFailure(Job job, String what, Exception e) {
    String cause;
    if (e instanceof HttpException h && h.getResponseCode() < 0) {
      cause = "no answer from " + h.getUrl() + ": " + (h.getCause() == null ? h : h.getCause());
    } else if (e instanceof HttpException h) {
      cause = "HTTP " + h.getResponseCode() + " at " + h.getUrl() + ": " + h.getMessage();
    } else if (e instanceof GHFileNotFoundException) {
      cause = "HTTP 404: " + e.getMessage();
    } else {
      cause = e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    warn(job, what, cause);
  }

  private void warn(Job job, String what, String cause) {
    LOG.warn(
        "GitHub: could not {} for job {} ({}@{}): {}",
        what,
        job.id(),
        job.repo(),
        job.sha().substring(0, Math.min(7, job.sha().length())),
        abbreviate(auth.redact(cause.replaceAll("\\s+", " ")), 300));
  }
}
