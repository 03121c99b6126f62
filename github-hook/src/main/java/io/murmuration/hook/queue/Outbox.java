package io.murmuration.hook.queue;

import io.murmuration.hook.Job;
import io.murmuration.hook.JobResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The reports to GitHub that must get through, in the job store's database (table {@code reports}):
 * each is stored before it is sent, and stays {@link State#PENDING} until GitHub takes it ({@link
 * State#POSTED}) or refuses it for good ({@link State#FAILED}). {@link ReportSender} sends them.
 * Same rules as the {@link JobStore}: portable SQL, one short transaction per change, every
 * transition a conditional {@code UPDATE … WHERE state = 'PENDING'}.
 *
 * <p>Each report has a key, unique among the reports of its kind: storing a key a second time
 * changes nothing ({@code false}), whether the first is still pending or long posted. A job's
 * result is keyed by the job and its attempt ({@code job:<id>:attempt:<n>}), so a run repeated
 * after a crash reports its own result too; a commit comment by what it is about, as its caller
 * names it.
 *
 * <p>Reports on one <em>subject</em> — a pull request, or for a push its commit — go out in the
 * order they were stored: one that waits to be tried again holds back the later ones of its
 * subject, so an older result never replaces a newer one in the sticky comment.
 */
public final class Outbox {

  /** What a report says. */
  public enum Kind {
    /** A job's result: check run or commit status, and a pull request's sticky comment. */
    RESULT,
    /** A comment on the job's commit. */
    COMMIT_COMMENT
  }

  /** Where a report stands. */
  public enum State {
    /** Stored, not yet taken by GitHub: sent at {@code nextAttemptAt}. */
    PENDING,
    /** GitHub took it. */
    POSTED,
    /** GitHub refused it for good; {@code lastError} says why. */
    FAILED
  }

  /** What a caller may use as a commit comment's key. */
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._:/@+=-]{1,200}");

  private static final String COLUMNS =
      "id, report_key, kind, job_id, commit_sha, conclusion, title, body, details_url, state,"
          + " attempts,"
          + " created_at, next_attempt_at, ended_at, last_error";

  /** No older pending report on the same subject. */
  private static final String FIRST_OF_SUBJECT =
      "NOT EXISTS (SELECT 1 FROM reports o WHERE o.subject = r.subject AND o.state = 'PENDING'"
          + " AND o.id < r.id)";

  /**
   * One stored report and where it stands.
   *
   * @param job the job it reports on, as the store holds it
   * @param result for {@link Kind#RESULT}: the result; null for a comment
   * @param markdown for {@link Kind#COMMIT_COMMENT}: the comment; null for a result
   * @param attempts how many times it was sent
   * @param lastError the last failure, one line, or null
   */
  public record Report(
      long id,
      String key,
      Kind kind,
      Job job,
      JobResult result,
      String markdown,
      String detailsUrl,
      State state,
      int attempts,
      Instant createdAt,
      Instant nextAttemptAt,
      Instant endedAt,
      String lastError) {}

  /** How many reports are pending, and how many GitHub refused for good. */
  public record Counts(int pending, int failed) {}

  private final JobStore store;

  Outbox(JobStore store) {
    this.store = store;
  }

  /**
   * Stores the result of the job's current attempt, due now. False when it was stored before (the
   * same attempt reported twice).
   */
  public boolean addResult(Job job, JobResult result, String detailsUrl) throws SQLException {
    int attempt = store.attempts(job.id());
    return add(
        "job:" + job.id() + ":attempt:" + attempt,
        Kind.RESULT,
        job,
        result.conclusion(),
        result.title(),
        result.summary(),
        detailsUrl);
  }

  /**
   * Stores a comment on the job's commit, due now. False when {@code key} was stored before.
   *
   * @throws IllegalArgumentException when {@code key} is not 1 to 200 of {@code A-Z a-z 0-9 . _ :
   *     / @ + = -}
   */
  public boolean addCommitComment(Job job, String key, String markdown) throws SQLException {
    if (key == null || !KEY.matcher(key).matches()) {
      throw new IllegalArgumentException(
          "commit comment key '"
              + key
              + "': use 1 to 200 letters, digits and . _ : / @ + = - (e.g. change-points:<hash>)");
    }
    return add(key, Kind.COMMIT_COMMENT, job, null, null, markdown, null);
  }

  private boolean add(
      String key,
      Kind kind,
      Job job,
      String conclusion,
      String title,
      String body,
      String detailsUrl)
      throws SQLException {
    OffsetDateTime now = now();
    try (Connection c = store.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO reports (report_key, kind, job_id, subject, conclusion, title, body,"
                    + " details_url, state, created_at, next_attempt_at, commit_sha)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?)")) {
      ps.setString(1, key);
      ps.setString(2, kind.name());
      ps.setLong(3, job.id());
      ps.setString(
          4, job.pr() != null ? job.repo() + "#" + job.pr() : job.repo() + "@" + job.sha());
      ps.setString(5, conclusion);
      ps.setString(6, title == null ? null : JobStore.cut(title, JobStore.TITLE_MAX));
      ps.setString(7, JobStore.cut(body, JobStore.SUMMARY_MAX));
      ps.setString(8, detailsUrl);
      ps.setObject(9, now);
      ps.setObject(10, now);
      ps.setString(11, job.sha());
      ps.executeUpdate();
      return true;
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())) { // unique violation: this kind and key are stored
        return false;
      }
      throw e;
    }
  }

  /**
   * Up to {@code n} pending reports due at {@code at}, oldest first, leaving out those held back by
   * an older pending report of their subject.
   */
  public List<Report> due(Instant at, int n) throws SQLException {
    return select(
        "WHERE r.state = 'PENDING' AND r.next_attempt_at <= ? AND "
            + FIRST_OF_SUBJECT
            + " ORDER BY r.id FETCH FIRST ? ROWS ONLY",
        at(at),
        n);
  }

  /** When the next pending report falls due (a held-back one counts when it is first), or empty. */
  public Optional<Instant> nextDue() throws SQLException {
    try (Connection c = store.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT MIN(r.next_attempt_at) FROM reports r WHERE r.state = 'PENDING' AND "
                    + FIRST_OF_SUBJECT);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return Optional.ofNullable(rs.getObject(1, OffsetDateTime.class))
          .map(OffsetDateTime::toInstant);
    }
  }

  /**
   * Makes every pending report due now; returns how many there are. Called at start: a restart is
   * often what fixed the reason they failed (credentials, the network), so they need not wait out
   * their back-off.
   */
  public int allDueNow() throws SQLException {
    try (Connection c = store.connect();
        PreparedStatement ps =
            c.prepareStatement("UPDATE reports SET next_attempt_at = ? WHERE state = 'PENDING'")) {
      ps.setObject(1, now());
      return ps.executeUpdate();
    }
  }

  /**
   * GitHub took report {@code id}: its text is dropped (the job's result stays in the jobs table),
   * its key and history kept. False when it was no longer pending.
   */
  public boolean posted(long id) throws SQLException {
    return end(id, State.POSTED, null);
  }

  /** GitHub refused report {@code id} for good, saying {@code error}. False when not pending. */
  public boolean failed(long id, String error) throws SQLException {
    return end(id, State.FAILED, error);
  }

  /** Report {@code id} did not get through: tried again at {@code next}. */
  public boolean retryAt(long id, Instant next, String error) throws SQLException {
    try (Connection c = store.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE reports SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?"
                    + " WHERE id = ? AND state = 'PENDING'")) {
      ps.setObject(1, at(next));
      ps.setString(2, JobStore.cut(error, 1000));
      ps.setLong(3, id);
      return ps.executeUpdate() == 1;
    }
  }

  private boolean end(long id, State state, String error) throws SQLException {
    try (Connection c = store.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE reports SET state = ?, attempts = attempts + 1, ended_at = ?,"
                    + " last_error = COALESCE(?, last_error)"
                    + (state == State.POSTED ? ", body = ''" : "")
                    + " WHERE id = ? AND state = 'PENDING'")) {
      ps.setString(1, state.name());
      ps.setObject(2, now());
      ps.setString(3, error == null ? null : JobStore.cut(error, 1000));
      ps.setLong(4, id);
      return ps.executeUpdate() == 1;
    }
  }

  /** How many reports are pending and how many failed, for the status page. */
  public Counts counts() throws SQLException {
    try (Connection c = store.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT state, COUNT(*) FROM reports WHERE state <> 'POSTED' GROUP BY state");
        ResultSet rs = ps.executeQuery()) {
      int pending = 0;
      int failed = 0;
      while (rs.next()) {
        if (rs.getString(1).equals(State.PENDING.name())) {
          pending = rs.getInt(2);
        } else if (rs.getString(1).equals(State.FAILED.name())) {
          failed = rs.getInt(2);
        }
      }
      return new Counts(pending, failed);
    }
  }

  /** The {@code n} newest reports not posted (pending or failed), newest first. */
  public List<Report> notPosted(int n) throws SQLException {
    return select("WHERE r.state <> 'POSTED' ORDER BY r.id DESC FETCH FIRST ? ROWS ONLY", n);
  }

  /** Every report on job {@code jobId}, oldest first. */
  public List<Report> ofJob(long jobId) throws SQLException {
    return select("WHERE r.job_id = ? ORDER BY r.id", jobId);
  }

  private List<Report> select(String where, Object... args) throws SQLException {
    List<Report> reports = new ArrayList<>();
    try (Connection c = store.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT " + COLUMNS.replaceAll("(\\w+)", "r.$1") + " FROM reports r " + where)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          reports.add(report(c, rs));
        }
      }
    }
    return reports;
  }

  private Report report(Connection c, ResultSet rs) throws SQLException {
    Kind kind = Kind.valueOf(rs.getString("kind"));
    long jobId = rs.getLong("job_id");
    // the foreign key keeps the job there; the report is about the commit it was stored for, which
    // for a bisection's comment is the commit it names, not the job's own
    Job job = JobStore.select(c, "WHERE id = ?", jobId).get(0).withSha(rs.getString("commit_sha"));
    String body = rs.getString("body");
    return new Report(
        rs.getLong("id"),
        rs.getString("report_key"),
        kind,
        job,
        kind == Kind.RESULT
            ? new JobResult(rs.getString("conclusion"), rs.getString("title"), body, null)
            : null,
        kind == Kind.COMMIT_COMMENT ? body : null,
        rs.getString("details_url"),
        State.valueOf(rs.getString("state")),
        rs.getInt("attempts"),
        instant(rs, "created_at"),
        instant(rs, "next_attempt_at"),
        instant(rs, "ended_at"),
        rs.getString("last_error"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static OffsetDateTime at(Instant t) {
    return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }
}
