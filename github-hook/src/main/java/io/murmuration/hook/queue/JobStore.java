package io.murmuration.hook.queue;

import io.murmuration.hook.Job;
import io.murmuration.hook.Job.State;
import io.murmuration.hook.Job.Trigger;
import io.murmuration.hook.JobResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The durable job queue: every accepted delivery and job lives in a relational database, written
 * with portable SQL over plain JDBC so that the embedded H2 default and PostgreSQL both work.
 *
 * <p>Each state change is one short transaction, and each transition is a conditional {@code UPDATE
 * … WHERE state = <expected>}: whoever changes the row first wins and everyone else sees an update
 * count of 0. That is what makes {@link #claim()} safe when two workers race and {@link #finish}
 * record at most one result per job. See the package documentation for what "exactly once" means
 * here.
 *
 * <p>A connection is opened per operation ({@link DriverManager}, no pool: webhook rates are a few
 * per minute); one extra connection stays open for the store's lifetime so that an embedded H2
 * database is not closed and reopened between operations. Thread-safe.
 */
public final class JobStore implements AutoCloseable {

  /** The {@code title} column's size (schema.sql); a longer title is stored cut. */
  public static final int TITLE_MAX = 1000;

  /** The {@code summary} column's size (schema.sql); a longer summary is stored cut. */
  public static final int SUMMARY_MAX = 100_000;

  private static final String COLUMNS =
      "id, delivery_id, trigger_kind, repo, clone_url, default_branch, branch, sha, pr, base_sha,"
          + " base_branch, installation_id, requested_by, state, accepted_at, scenario, metric,"
          + " change_at";

  private final String url;
  private final String user;
  private final String password;
  private final Connection keepOpen;
  private final Outbox outbox = new Outbox(this);

  private JobStore(String url, String user, String password) throws SQLException {
    this.url = url;
    this.user = user;
    this.password = password;
    this.keepOpen = connect();
    createTables();
  }

  /** The reports to GitHub waiting to be sent, in the same database. */
  public Outbox outbox() {
    return outbox;
  }

  /**
   * Opens (and creates if needed) the tables behind any JDBC URL, e.g. {@code
   * jdbc:postgresql://db/tide}. {@code user} and {@code password} may be null.
   */
  public static JobStore open(String jdbcUrl, String user, String password) throws SQLException {
    return new JobStore(jdbcUrl, user, password);
  }

  /**
   * The embedded default: an H2 file database {@code <dataDir>/jobs.mv.db}, so the service needs
   * nothing else to start. {@code WRITE_DELAY=0} makes H2 write each commit to its file before the
   * commit returns; with H2's default (a background write up to 500 ms later) a {@code kill -9}
   * loses commits the service has already answered 202 for. {@code DB_CLOSE_ON_EXIT=FALSE}: H2's
   * own shutdown hook would close the database while the service's hook still lets the running job
   * finish (SIGTERM), and that job's result could not be stored.
   */
  public static JobStore openH2(Path dataDir) throws SQLException {
    return open(h2Url(dataDir), "sa", "");
  }

  /** The JDBC URL {@link #openH2} uses. */
  public static String h2Url(Path dataDir) {
    return "jdbc:h2:file:"
        + dataDir.toAbsolutePath().resolve("jobs")
        + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
  }

  /** Runs {@code schema.sql}: statements separated by ";", each idempotent. */
  private void createTables() throws SQLException {
    String schema;
    try (InputStream in = JobStore.class.getResourceAsStream("schema.sql")) {
      schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (Statement s = keepOpen.createStatement()) {
      for (String sql : schema.replaceAll("(?m)^--.*$", "").split(";")) {
        if (!sql.isBlank()) {
          s.execute(sql.strip());
        }
      }
    }
  }

  /**
   * Stores {@code job} (its id and accepted time are assigned here) together with its delivery, in
   * one transaction. Empty when the delivery id was seen before: a redelivery makes no second job.
   * The job's state must be {@link State#QUEUED} or {@link State#AWAITING_APPROVAL}.
   */
  public Optional<Job> accept(Job job) throws SQLException {
    if (job.state() != State.QUEUED && job.state() != State.AWAITING_APPROVAL) {
      throw new IllegalArgumentException("a new job is queued or awaits approval: " + job.state());
    }
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try {
        Instant now = Instant.now();
        if (!recordDelivery(c, job.deliveryId(), now)) {
          c.rollback();
          return Optional.empty();
        }
        Job stored = insertJob(c, job, now);
        c.commit();
        return Optional.of(stored);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /**
   * Approves a pull request on behalf of delivery {@code deliveryId} (a {@code /loadtest} comment,
   * a label): its jobs waiting for approval are queued. When none waits and {@code runAgain} is
   * true (a {@code /loadtest} comment), a new queued copy of its newest job (same commit) is stored
   * instead; when {@code runAgain} is false (a label), nothing is. One transaction. Returns the
   * jobs now queued (empty list: nothing was queued, and the delivery is not recorded), or empty
   * when the delivery was seen before.
   */
  public Optional<List<Job>> approve(
      String deliveryId, String repo, int pr, String approvedBy, boolean runAgain)
      throws SQLException {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try {
        Instant now = Instant.now();
        if (!recordDelivery(c, deliveryId, now)) {
          c.rollback();
          return Optional.empty();
        }
        List<Job> waiting =
            select(
                c,
                "WHERE repo = ? AND pr = ? AND state = 'AWAITING_APPROVAL' ORDER BY id",
                repo,
                pr);
        List<Job> queued = new ArrayList<>();
        for (Job job : waiting) {
          if (setState(c, job.id(), State.AWAITING_APPROVAL, State.QUEUED)) {
            queued.add(job.withState(State.QUEUED));
          }
        }
        if (waiting.isEmpty() && runAgain) {
          List<Job> newest = select(c, "WHERE repo = ? AND pr = ? ORDER BY id DESC", repo, pr);
          if (!newest.isEmpty()) {
            Job again = copy(newest.get(0), 0, deliveryId, approvedBy, State.QUEUED, now);
            queued.add(insertJob(c, again, now));
          }
        }
        if (queued.isEmpty()) {
          c.rollback();
        } else {
          c.commit();
        }
        return Optional.of(queued);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /**
   * Moves the oldest queued job to {@link State#RUNNING} and counts the attempt. Safe when several
   * workers (threads or processes) race: the move is conditional, a loser tries the next job.
   */
  public Optional<Job> claim() throws SQLException {
    try (Connection c = connect()) {
      while (true) {
        List<Job> oldest = select(c, "WHERE state = 'QUEUED' ORDER BY id FETCH FIRST 1 ROWS ONLY");
        if (oldest.isEmpty()) {
          return Optional.empty();
        }
        long id = oldest.get(0).id();
        try (PreparedStatement ps =
            c.prepareStatement(
                "UPDATE jobs SET state = 'RUNNING', attempts = attempts + 1, started_at = ?"
                    + " WHERE id = ? AND state = 'QUEUED'")) {
          ps.setObject(1, now());
          ps.setLong(2, id);
          if (ps.executeUpdate() == 1) {
            return Optional.of(oldest.get(0).withState(State.RUNNING));
          }
        }
      }
    }
  }

  /**
   * Records the result of a running job and moves it to {@link State#DONE}. Returns false, and
   * records nothing, when the job is no longer running (cancelled meanwhile, or already finished):
   * a job has at most one result. A title or summary longer than its column is stored cut, ending
   * with "…" (GitHub gets the whole result from the worker, not from here).
   */
  public boolean finish(long id, JobResult result) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE jobs SET state = 'DONE', finished_at = ?, conclusion = ?, title = ?,"
                    + " summary = ? WHERE id = ? AND state = 'RUNNING'")) {
      ps.setObject(1, now());
      ps.setString(2, result.conclusion());
      ps.setString(3, cut(result.title(), TITLE_MAX));
      ps.setString(4, cut(result.summary(), SUMMARY_MAX));
      ps.setLong(5, id);
      return ps.executeUpdate() == 1;
    }
  }

  /**
   * Puts a running job back in the queue without a result: the worker is stopping and the job was
   * interrupted before its end, so it must run again after the restart.
   */
  public boolean requeue(long id) throws SQLException {
    try (Connection c = connect()) {
      return setState(c, id, State.RUNNING, State.QUEUED);
    }
  }

  /**
   * Cancels the jobs of pull request {@code pr} older than {@code newerJobId} that have not ended
   * (waiting for approval, queued or running): a newer push supersedes them. Returns the ids of
   * those that were running, which the caller must stop.
   */
  public List<Long> cancelOlder(String repo, int pr, long newerJobId) throws SQLException {
    try (Connection c = connect()) {
      List<Job> older =
          select(
              c,
              "WHERE repo = ? AND pr = ? AND id < ?"
                  + " AND state IN ('AWAITING_APPROVAL', 'QUEUED', 'RUNNING') ORDER BY id",
              repo,
              pr,
              newerJobId);
      List<Long> wasRunning = new ArrayList<>();
      for (Job job : older) {
        if (setState(c, job.id(), job.state(), State.CANCELLED) && job.state() == State.RUNNING) {
          wasRunning.add(job.id());
        }
      }
      return wasRunning;
    }
  }

  /**
   * To be called once at start, before any worker claims: jobs left {@link State#RUNNING} by a
   * process that died never recorded a result, so they go back to the queue (in their original
   * order) and run again. Assumes one service process per database: a second live process's running
   * jobs would be requeued too. Returns how many were requeued.
   */
  public int recoverAfterCrash() throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement("UPDATE jobs SET state = 'QUEUED' WHERE state = 'RUNNING'")) {
      return ps.executeUpdate();
    }
  }

  /** The {@code n} newest jobs, newest first, for the status page. */
  public List<Job> recent(int n) throws SQLException {
    try (Connection c = connect()) {
      return select(c, "ORDER BY id DESC FETCH FIRST ? ROWS ONLY", n);
    }
  }

  /** Queued jobs, oldest (next to run) first. */
  public List<Job> queued() throws SQLException {
    return inState(State.QUEUED);
  }

  /** Running jobs, oldest first. */
  public List<Job> running() throws SQLException {
    return inState(State.RUNNING);
  }

  /** One job, or empty. */
  public Optional<Job> job(long id) throws SQLException {
    try (Connection c = connect()) {
      return select(c, "WHERE id = ?", id).stream().findFirst();
    }
  }

  /** A finished job's result (its run folder is not stored), or empty when it has none. */
  public Optional<JobResult> result(long id) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT conclusion, title, summary FROM jobs WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || rs.getString(1) == null) {
          return Optional.empty();
        }
        return Optional.of(new JobResult(rs.getString(1), rs.getString(2), rs.getString(3), null));
      }
    }
  }

  /** How many times the job was claimed: more than 1 when a crash interrupted a run. */
  public int attempts(long id) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement("SELECT attempts FROM jobs WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    }
  }

  /** Jobs waiting for a trusted collaborator's approval, oldest first. */
  public List<Job> awaitingApproval() throws SQLException {
    return inState(State.AWAITING_APPROVAL);
  }

  /** When the job's latest attempt started (it was claimed), or empty when it never ran. */
  public Optional<Instant> startedAt(long id) throws SQLException {
    return time(id, "started_at");
  }

  /** When the job recorded its result, or empty when it has none. */
  public Optional<Instant> finishedAt(long id) throws SQLException {
    return time(id, "finished_at");
  }

  private Optional<Instant> time(long id, String column) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM jobs WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.ofNullable(rs.getObject(1, OffsetDateTime.class)).map(t -> t.toInstant())
            : Optional.empty();
      }
    }
  }

  /**
   * A job that recorded a result, as the status page lists it: the conclusion and title, not the
   * (possibly long) summary, which {@link #result(long)} gives for one job.
   */
  public record Ended(Job job, String conclusion, String title, Instant finishedAt) {}

  /** The {@code n} jobs that most recently recorded a result, newest first; one query. */
  public List<Ended> ended(int n) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT "
                    + COLUMNS
                    + ", conclusion, title, finished_at FROM jobs WHERE conclusion IS NOT NULL"
                    + " ORDER BY finished_at DESC, id DESC FETCH FIRST ? ROWS ONLY")) {
      ps.setInt(1, n);
      List<Ended> ended = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ended.add(
              new Ended(
                  job(rs),
                  rs.getString("conclusion"),
                  rs.getString("title"),
                  rs.getObject("finished_at", OffsetDateTime.class).toInstant()));
        }
      }
      return ended;
    }
  }

  private List<Job> inState(State state) throws SQLException {
    try (Connection c = connect()) {
      return select(c, "WHERE state = ? ORDER BY id", state.name());
    }
  }

  @Override
  public void close() throws SQLException {
    keepOpen.close();
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(url, user, password);
  }

  /** Inserts the delivery; false when its id is already there (a redelivery). */
  private static boolean recordDelivery(Connection c, String deliveryId, Instant now)
      throws SQLException {
    try (PreparedStatement seen =
        c.prepareStatement("SELECT 1 FROM deliveries WHERE delivery_id = ?")) {
      seen.setString(1, deliveryId);
      try (ResultSet rs = seen.executeQuery()) {
        if (rs.next()) {
          return false;
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO deliveries (delivery_id, received_at) VALUES (?, ?)")) {
      ps.setString(1, deliveryId);
      ps.setObject(2, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
      ps.executeUpdate();
      return true;
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())) { // unique violation: the same delivery, concurrently
        return false;
      }
      throw e;
    }
  }

  private static Job insertJob(Connection c, Job job, Instant now) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO jobs (delivery_id, trigger_kind, repo, clone_url, default_branch, branch,"
                + " sha, pr, base_sha, base_branch, installation_id, requested_by, state,"
                + " accepted_at, scenario, metric, change_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            new String[] {"id"})) {
      ps.setString(1, job.deliveryId());
      ps.setString(2, job.trigger().name());
      ps.setString(3, job.repo());
      ps.setString(4, job.cloneUrl());
      ps.setString(5, job.defaultBranch());
      ps.setString(6, job.branch());
      ps.setString(7, job.sha());
      ps.setObject(8, job.pr(), Types.INTEGER);
      ps.setString(9, job.baseSha());
      ps.setString(10, job.baseBranch());
      ps.setObject(11, job.installationId(), Types.BIGINT);
      ps.setString(12, job.requestedBy());
      ps.setString(13, job.state().name());
      ps.setObject(14, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
      Job.ChangePoint cp = job.changePoint();
      ps.setString(15, cp == null ? null : cp.scenario());
      ps.setString(16, cp == null ? null : cp.metric());
      ps.setObject(
          17,
          cp == null ? null : OffsetDateTime.ofInstant(cp.at(), ZoneOffset.UTC),
          Types.TIMESTAMP_WITH_TIMEZONE);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        return copy(job, keys.getLong(1), job.deliveryId(), job.requestedBy(), job.state(), now);
      }
    }
  }

  private static boolean setState(Connection c, long id, State from, State to) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE jobs SET state = ? WHERE id = ? AND state = ?")) {
      ps.setString(1, to.name());
      ps.setLong(2, id);
      ps.setString(3, from.name());
      return ps.executeUpdate() == 1;
    }
  }

  static List<Job> select(Connection c, String where, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM jobs " + where)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      List<Job> jobs = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          jobs.add(job(rs));
        }
      }
      return jobs;
    }
  }

  /** The job in the current row of a query that selected {@link #COLUMNS}. */
  private static Job job(ResultSet rs) throws SQLException {
    String scenario = rs.getString("scenario");
    Job.ChangePoint changePoint =
        scenario == null
            ? null
            : new Job.ChangePoint(
                scenario,
                rs.getString("metric"),
                rs.getObject("change_at", OffsetDateTime.class).toInstant());
    return new Job(
        rs.getLong("id"),
        rs.getString("delivery_id"),
        Trigger.valueOf(rs.getString("trigger_kind")),
        rs.getString("repo"),
        rs.getString("clone_url"),
        rs.getString("default_branch"),
        rs.getString("branch"),
        rs.getString("sha"),
        (Integer) rs.getObject("pr", Integer.class),
        rs.getString("base_sha"),
        rs.getString("base_branch"),
        (Long) rs.getObject("installation_id", Long.class),
        rs.getString("requested_by"),
        State.valueOf(rs.getString("state")),
        rs.getObject("accepted_at", OffsetDateTime.class).toInstant(),
        changePoint);
  }

  private static Job copy(
      Job j, long id, String deliveryId, String requestedBy, State state, Instant acceptedAt) {
    return new Job(
        id,
        deliveryId,
        j.trigger(),
        j.repo(),
        j.cloneUrl(),
        j.defaultBranch(),
        j.branch(),
        j.sha(),
        j.pr(),
        j.baseSha(),
        j.baseBranch(),
        j.installationId(),
        requestedBy,
        state,
        acceptedAt,
        j.changePoint());
  }

  static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }
}
