package io.murmuration.hook.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.murmuration.hook.Job;
import io.murmuration.hook.Job.State;
import io.murmuration.hook.Job.Trigger;
import io.murmuration.hook.PayloadValues;
import io.murmuration.hook.queue.JobStore;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Turns one verified GitHub delivery into store operations: which events make a job, which wait for
 * approval, which approve, which are ignored. The trust rules live here:
 *
 * <ul>
 *   <li>a pull request runs at once only when its head is in the same repository (not a fork) and
 *       its author is {@code OWNER}, {@code MEMBER} or {@code COLLABORATOR}; otherwise its job
 *       waits for approval, and every new push to it waits again (approving one commit does not
 *       approve the next);
 *   <li>approval is a {@code /loadtest} comment from a trusted author, or adding one of the
 *       configured labels (GitHub lets only triagers and writers label); a comment on a pull
 *       request with nothing waiting runs its newest commit again, a label then does nothing;
 *   <li>{@code check_run rerequested} is trusted: only users with write access can re-run a check.
 * </ul>
 *
 * <p>Every payload value that reaches the store, and through it a command line or a path, is
 * checked by {@link PayloadValues} first: a commit id, a branch, a repository name, a clone URL, a
 * login, a number that breaks its rule makes the whole delivery a {@link MalformedPayload} (400)
 * naming the field.
 */
final class EventRouter {
  static final Set<String> TRUSTED = Set.of("OWNER", "MEMBER", "COLLABORATOR");
  private static final Set<String> PR_RUN_ACTIONS = Set.of("opened", "synchronize", "reopened");

  /** What became of a delivery; {@code jobs} are the ids stored or queued by it. */
  record Outcome(Kind kind, List<Long> jobs, String note) {}

  enum Kind {
    ACCEPTED,
    DUPLICATE,
    IGNORED,
    PONG
  }

  /**
   * The payload lacks a field its event always has, or a value breaks its rule: answered 400 with
   * the message, one line naming the field.
   */
  static final class MalformedPayload extends Exception {
    MalformedPayload(String message) {
      super(message);
    }
  }

  private final JobStore store;
  private final Set<String> approvalLabels;
  private final List<String> cloneUrlPrefixes;
  private final Runnable wake;
  private final LongConsumer cancelRunning;

  /**
   * @param cloneUrlPrefixes clone URLs accepted besides {@code https://} ones (see {@link
   *     PayloadValues#cloneUrl})
   */
  EventRouter(
      JobStore store,
      Set<String> approvalLabels,
      List<String> cloneUrlPrefixes,
      Runnable wake,
      LongConsumer cancelRunning) {
    this.store = store;
    this.approvalLabels = Set.copyOf(approvalLabels);
    this.cloneUrlPrefixes = List.copyOf(cloneUrlPrefixes);
    this.wake = wake;
    this.cancelRunning = cancelRunning;
  }

  Outcome route(String event, String deliveryId, JsonNode p) throws SQLException, MalformedPayload {
    try {
      PayloadValues.deliveryId("X-GitHub-Delivery", deliveryId);
    } catch (PayloadValues.Invalid e) {
      throw new MalformedPayload(e.getMessage());
    }
    return switch (event) {
      case "ping" -> new Outcome(Kind.PONG, List.of(), "pong");
      case "push" -> push(deliveryId, p);
      case "pull_request" -> pullRequest(deliveryId, p);
      case "issue_comment" -> comment(deliveryId, p);
      case "check_run" -> checkRun(deliveryId, p);
      default -> ignored("event " + event + " is not handled");
    };
  }

  private Outcome push(String deliveryId, JsonNode p) throws SQLException, MalformedPayload {
    String defaultBranch = branch(p, "/repository/default_branch");
    String ref = text(p, "/ref");
    if (!ref.equals("refs/heads/" + defaultBranch)) {
      return ignored("push to " + ref + ", not to the default branch");
    }
    if (p.path("deleted").asBoolean(false)) {
      return ignored("the default branch was deleted");
    }
    Job job =
        newJob(deliveryId, Trigger.PUSH, p, defaultBranch, sha(p, "/after"), null, null, null)
            .withState(State.QUEUED);
    return stored(store.accept(job), null);
  }

  private Outcome pullRequest(String deliveryId, JsonNode p) throws SQLException, MalformedPayload {
    String action = text(p, "/action");
    int pr = number(p, "/pull_request/number");
    if ("labeled".equals(action)) {
      String label = p.at("/label/name").asText("");
      if (!approvalLabels.contains(label)) {
        return ignored("label " + label + " is not an approval label");
      }
      Optional<List<Job>> queued = store.approve(deliveryId, repo(p), pr, sender(p), false);
      if (queued.isPresent() && queued.get().isEmpty()) {
        return ignored("no job of pull request #" + pr + " awaits approval");
      }
      return approved(queued, pr);
    }
    if (!PR_RUN_ACTIONS.contains(action)) {
      return ignored("pull_request " + action + " runs nothing");
    }
    String headRepo = p.at("/pull_request/head/repo/full_name").asText(""); // null: fork deleted
    boolean fork = !headRepo.equals(repo(p));
    boolean trusted = !fork && TRUSTED.contains(text(p, "/pull_request/author_association"));
    Job job =
        newJob(
                deliveryId,
                Trigger.PULL_REQUEST,
                p,
                branch(p, "/pull_request/head/ref"),
                sha(p, "/pull_request/head/sha"),
                pr,
                sha(p, "/pull_request/base/sha"),
                branch(p, "/pull_request/base/ref"))
            .withState(trusted ? State.QUEUED : State.AWAITING_APPROVAL);
    return stored(store.accept(job), pr);
  }

  private Outcome comment(String deliveryId, JsonNode p) throws SQLException, MalformedPayload {
    if (!"created".equals(text(p, "/action"))) {
      return ignored("comment edits and deletions run nothing");
    }
    if (p.at("/issue/pull_request").isMissingNode()) {
      return ignored("a comment on an issue, not on a pull request");
    }
    boolean command =
        text(p, "/comment/body")
            .lines()
            .map(String::strip)
            .anyMatch(line -> line.equals("/loadtest") || line.startsWith("/loadtest "));
    if (!command) {
      return ignored("the comment has no /loadtest line");
    }
    String association = text(p, "/comment/author_association");
    if (!TRUSTED.contains(association)) {
      return ignored("/loadtest from " + association + " authors approves nothing");
    }
    int pr = number(p, "/issue/number");
    String by = valid(p, "/comment/user/login", PayloadValues::login);
    return approved(store.approve(deliveryId, repo(p), pr, by, true), pr);
  }

  private Outcome checkRun(String deliveryId, JsonNode p) throws SQLException, MalformedPayload {
    if (!"rerequested".equals(text(p, "/action"))) {
      return ignored("check_run " + p.path("action").asText() + " runs nothing");
    }
    String sha = sha(p, "/check_run/head_sha");
    JsonNode prs = p.at("/check_run/pull_requests");
    if (prs.isArray() && !prs.isEmpty()) {
      String first = "/check_run/pull_requests/0";
      int pr = number(p, first + "/number");
      Job job =
          newJob(
              deliveryId,
              Trigger.PULL_REQUEST,
              p,
              optional(p, first + "/head/ref", PayloadValues::branch),
              sha,
              pr,
              optional(p, first + "/base/sha", PayloadValues::sha),
              optional(p, first + "/base/ref", PayloadValues::branch));
      return stored(store.accept(job.withState(State.QUEUED)), pr);
    }
    String defaultBranch = branch(p, "/repository/default_branch");
    if (!defaultBranch.equals(p.at("/check_run/check_suite/head_branch").asText(""))) {
      return ignored(
          "a re-run of a commit that is neither on a pull request nor the default branch");
    }
    Job job = newJob(deliveryId, Trigger.PUSH, p, defaultBranch, sha, null, null, null);
    return stored(store.accept(job.withState(State.QUEUED)), null);
  }

  /** After {@link JobStore#accept}: supersede older runs of the pull request, wake the worker. */
  private Outcome stored(Optional<Job> accepted, Integer pr) throws SQLException {
    if (accepted.isEmpty()) {
      return new Outcome(Kind.DUPLICATE, List.of(), "delivery already accepted");
    }
    Job job = accepted.get();
    supersede(job, pr);
    if (job.state() == State.QUEUED) {
      wake.run();
      return new Outcome(Kind.ACCEPTED, List.of(job.id()), "queued");
    }
    return new Outcome(Kind.ACCEPTED, List.of(job.id()), "awaiting approval");
  }

  private Outcome approved(Optional<List<Job>> queued, int pr) throws SQLException {
    if (queued.isEmpty()) {
      return new Outcome(Kind.DUPLICATE, List.of(), "delivery already accepted");
    }
    List<Job> jobs = queued.get();
    if (jobs.isEmpty()) {
      return ignored("no job of pull request #" + pr + " is known");
    }
    supersede(jobs.get(jobs.size() - 1), pr);
    wake.run();
    return new Outcome(Kind.ACCEPTED, jobs.stream().map(Job::id).toList(), "approved");
  }

  private void supersede(Job newest, Integer pr) throws SQLException {
    if (pr != null) {
      for (long running : store.cancelOlder(newest.repo(), pr, newest.id())) {
        cancelRunning.accept(running);
      }
    }
  }

  private Job newJob(
      String deliveryId,
      Trigger trigger,
      JsonNode p,
      String branch,
      String sha,
      Integer pr,
      String baseSha,
      String baseBranch)
      throws MalformedPayload {
    return new Job(
        0,
        deliveryId,
        trigger,
        repo(p),
        valid(p, "/repository/clone_url", (f, v) -> PayloadValues.cloneUrl(f, v, cloneUrlPrefixes)),
        branch(p, "/repository/default_branch"),
        branch,
        sha,
        pr,
        baseSha,
        baseBranch,
        installation(p),
        sender(p),
        State.QUEUED,
        Instant.now());
  }

  /** A check of {@link PayloadValues}: the field's name and its value in, the value out. */
  private interface Rule {
    String check(String field, String value);
  }

  private static String repo(JsonNode p) throws MalformedPayload {
    return valid(p, "/repository/full_name", PayloadValues::repo);
  }

  private static String sha(JsonNode p, String pointer) throws MalformedPayload {
    return valid(p, pointer, PayloadValues::sha);
  }

  private static String branch(JsonNode p, String pointer) throws MalformedPayload {
    return valid(p, pointer, PayloadValues::branch);
  }

  /** The sender's login, or null when the payload names none. */
  private static String sender(JsonNode p) throws MalformedPayload {
    return optional(p, "/sender/login", PayloadValues::login);
  }

  /** The GitHub App installation, or null when the payload names none (a repository webhook). */
  private static Long installation(JsonNode p) throws MalformedPayload {
    JsonNode node = p.at("/installation/id");
    if (node.isMissingNode() || node.isNull()) {
      return null;
    }
    if (!node.canConvertToLong() || !node.isIntegralNumber() || node.asLong() < 1) {
      throw new MalformedPayload(field("/installation/id") + ": not a positive whole number");
    }
    return node.asLong();
  }

  /** The text at {@code pointer}, checked by {@code rule}. */
  private static String valid(JsonNode p, String pointer, Rule rule) throws MalformedPayload {
    String value = text(p, pointer);
    try {
      return rule.check(field(pointer), value);
    } catch (PayloadValues.Invalid e) {
      throw new MalformedPayload(e.getMessage());
    }
  }

  /** Like {@link #valid}, but null when the payload has no value (or null) there. */
  private static String optional(JsonNode p, String pointer, Rule rule) throws MalformedPayload {
    JsonNode node = p.at(pointer);
    return node.isMissingNode() || node.isNull() ? null : valid(p, pointer, rule);
  }

  private static String text(JsonNode p, String pointer) throws MalformedPayload {
    JsonNode node = p.at(pointer);
    if (!node.isTextual()) {
      throw new MalformedPayload(field(pointer) + ": missing, or not a string");
    }
    return node.asText();
  }

  private static int number(JsonNode p, String pointer) throws MalformedPayload {
    JsonNode node = p.at(pointer);
    if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < 1) {
      throw new MalformedPayload(field(pointer) + ": missing, or not a positive whole number");
    }
    return node.asInt();
  }

  /** {@code /pull_request/head/sha} → {@code pull_request.head.sha}, as messages name fields. */
  private static String field(String pointer) {
    return pointer.substring(1).replace('/', '.');
  }

  private static Outcome ignored(String why) {
    return new Outcome(Kind.IGNORED, List.of(), why);
  }
}
