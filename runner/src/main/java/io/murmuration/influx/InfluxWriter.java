package io.murmuration.influx;

import io.murmuration.results.InfluxSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBException;
import org.influxdb.InfluxDBFactory;

/**
 * Sends line-protocol points to InfluxDB from one thread of its own, in batches, and loses none
 * when InfluxDB is down, slow or refuses them: {@link #offer} never blocks — points wait in a
 * bounded queue, or go straight to the {@link Spool} when it is full — and a batch InfluxDB did not
 * take goes to the spool too. The writer retries every {@link #RETRY} and, once InfluxDB answers,
 * sends the spool first. Refused credentials and a missing database are not retried: they cannot
 * heal during a run; the spool keeps the points for {@code murm influx push}.
 *
 * <p>Problems are reported through {@code notice} in one line each: the first failure, the
 * recovery. Thread-safe.
 */
public final class InfluxWriter {
  static final int QUEUE_LINES = 100_000;
  static final int BATCH_LINES = 5_000;
  static final Duration RETRY = Duration.ofSeconds(2);

  private final InfluxSettings settings;
  private final InfluxDB influx;
  private final Spool spool;
  private final Consumer<String> notice;
  private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE_LINES);
  private final AtomicLong written = new AtomicLong();
  private final Thread thread;
  private volatile long finishBy = Long.MAX_VALUE;
  private volatile boolean finishing;

  /** Down since this failure (null: up); written by the writer thread only. */
  private String down;

  /** InfluxDB refused for good (credentials, database): spool only. */
  private volatile boolean refused;

  InfluxWriter(InfluxSettings settings, Spool spool, Consumer<String> notice) {
    this.settings = settings;
    this.spool = spool;
    this.notice = notice;
    this.influx = connect(settings);
    this.thread = new Thread(this::writeUntilFinished, "murmuration-influx");
    thread.setDaemon(true);
  }

  /**
   * Writes {@code lines} now, on the caller's thread, to find out at once whether InfluxDB takes
   * them (the one line of {@link #problem} if not; they are spooled then), and starts the writer
   * thread.
   *
   * @return null when InfluxDB took them; otherwise the problem, in one line
   */
  String start(List<String> lines) {
    String problem = null;
    try {
      influx.write(
          settings.database(), null, InfluxDB.ConsistencyLevel.ONE, TimeUnit.MILLISECONDS, lines);
      written.addAndGet(lines.size());
    } catch (RuntimeException e) {
      spool.append(lines);
      problem = problem(e);
      down = problem;
      refused = isRefusal(e);
    }
    thread.start();
    return problem;
  }

  /** Queues {@code lines} for writing; never blocks: spools what does not fit. */
  void offer(List<String> lines) {
    List<String> overflow = null;
    for (String line : lines) {
      if (refused || !queue.offer(line)) {
        if (overflow == null) {
          overflow = new ArrayList<>();
        }
        overflow.add(line);
      }
    }
    if (overflow != null) {
      spool.append(overflow);
    }
  }

  /**
   * Gives the writer up to {@code within} to send everything queued and spooled — one more try when
   * InfluxDB is down, not a wait — then stops it; what is left stays in the spool file.
   */
  InfluxSink.Result finish(Duration within) {
    finishBy = System.nanoTime() + within.toNanos();
    finishing = true;
    try {
      thread.join(within.toMillis() + 5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<String> left = new ArrayList<>();
    queue.drainTo(left);
    spool.append(left);
    influx.close();
    return new InfluxSink.Result(written.get(), spool.count(), spool.file());
  }

  private void writeUntilFinished() {
    long retryAt = System.nanoTime();
    while (true) {
      List<String> batch = new ArrayList<>();
      if (!finishing) {
        try {
          String first = queue.poll(1, TimeUnit.SECONDS);
          if (first != null) {
            batch.add(first);
          }
        } catch (InterruptedException e) {
          return; // the JVM is going down: finish() spools what is left
        }
      }
      queue.drainTo(batch, BATCH_LINES - batch.size());
      boolean failed = false;
      if (!refused && System.nanoTime() - retryAt >= 0) {
        if (!sendSpoolThen(batch)) {
          spool.append(batch);
          retryAt = System.nanoTime() + RETRY.toNanos();
          failed = true;
        }
      } else {
        spool.append(batch);
      }
      if (finishing) {
        // at the end, one more try rather than a wait: what InfluxDB does not take stays spooled
        if (failed
            || refused
            || (queue.isEmpty() && spool.isEmpty())
            || System.nanoTime() - finishBy >= 0) {
          return;
        }
        sleepUntil(Math.min(retryAt, finishBy));
      }
    }
  }

  /** Sends the spool, then {@code batch}; true when both went through. */
  private boolean sendSpoolThen(List<String> batch) {
    try {
      if (!spool.isEmpty()) {
        Spool.Chunk chunk = spool.take();
        for (int from = 0; from < chunk.lines().size(); from += BATCH_LINES) {
          write(chunk.lines().subList(from, Math.min(chunk.lines().size(), from + BATCH_LINES)));
        }
        spool.drop(chunk.bytes());
      }
      if (!batch.isEmpty()) {
        write(batch);
      }
      if (down != null) {
        notice.accept("InfluxDB at " + settings.url() + " answers again; kept points written");
        down = null;
      }
      return true;
    } catch (RuntimeException e) {
      if (down == null) {
        down = problem(e);
        notice.accept(down);
      }
      refused = isRefusal(e);
      return false;
    }
  }

  /**
   * Sends the spool of run folder {@code runDir} to InfluxDB now, in batches, and removes it once
   * all of it is written.
   *
   * @return the points written (0 when there was no spool)
   * @throws IllegalStateException with the problem in one line; the spool stays as it was
   */
  public static int push(InfluxSettings settings, Path runDir) {
    Spool spool = new Spool(runDir);
    Spool.Chunk chunk = spool.take();
    if (chunk.lines().isEmpty()) {
      return 0;
    }
    InfluxWriter writer = new InfluxWriter(settings, spool, line -> {});
    try {
      for (int from = 0; from < chunk.lines().size(); from += BATCH_LINES) {
        writer.write(
            chunk.lines().subList(from, Math.min(chunk.lines().size(), from + BATCH_LINES)));
      }
    } catch (RuntimeException e) {
      throw new IllegalStateException(problem(settings, e), e);
    } finally {
      writer.influx.close();
    }
    spool.drop(chunk.bytes());
    return chunk.lines().size();
  }

  private void write(List<String> lines) {
    influx.write(
        settings.database(), null, InfluxDB.ConsistencyLevel.ONE, TimeUnit.MILLISECONDS, lines);
    written.addAndGet(lines.size());
  }

  /** The problem in one line, and where the points are. */
  private String problem(RuntimeException e) {
    return problem(settings, e)
        + "; points are kept in "
        + spool.file()
        + " (send them later: murm influx push)";
  }

  /** What {@code e} says about InfluxDB, in one line that names the fix. */
  static String problem(InfluxSettings settings, RuntimeException e) {
    String where = "InfluxDB at " + settings.url();
    if (e instanceof InfluxDBException.AuthorizationFailedException) {
      return where
          + " refused the credentials: set MURM_INFLUX_USER and MURM_INFLUX_PASSWORD"
          + " or --influx-credentials";
    }
    if (e instanceof InfluxDBException.DatabaseNotFoundException) {
      return where
          + " has no database '"
          + settings.database()
          + "': create it (CREATE DATABASE \""
          + settings.database()
          + "\") or choose one with --influx-db";
    }
    String cause = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
    return where + " cannot be written to (" + oneLine(cause) + ")";
  }

  private static boolean isRefusal(RuntimeException e) {
    return e instanceof InfluxDBException.AuthorizationFailedException
        || e instanceof InfluxDBException.DatabaseNotFoundException;
  }

  private static String oneLine(String text) {
    if (text == null) {
      return "no answer";
    }
    String line = text.strip().replaceAll("\\s+", " ");
    return line.length() > 160 ? line.substring(0, 160) + "…" : line;
  }

  private static void sleepUntil(long nanoTime) {
    long nanos = nanoTime - System.nanoTime();
    if (nanos > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(nanos);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static InfluxDB connect(InfluxSettings settings) {
    OkHttpClient.Builder http =
        new OkHttpClient.Builder()
            .connectTimeout(Duration.ofSeconds(2))
            .readTimeout(Duration.ofSeconds(10))
            .writeTimeout(Duration.ofSeconds(10))
            .retryOnConnectionFailure(false);
    String url = settings.url().toString();
    return settings.user() == null
        ? InfluxDBFactory.connect(url, http)
        : InfluxDBFactory.connect(url, settings.user(), settings.password(), http);
  }
}
