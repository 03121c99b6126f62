package io.murmuration.sut;

import io.murmuration.results.InfluxHttp;
import io.murmuration.results.InfluxSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real InfluxDB 1.x ({@code influxd} from the Debian package {@code influxdb}) for users who have
 * none and for tests: a generated config, HTTP and RPC bound to free (or given) loopback ports,
 * meta, data and WAL under {@link #folder()}, usage reporting and self-monitoring off. The database
 * is created when the server first answers; with credentials, authentication is on and the first
 * user is an admin.
 *
 * <p>{@link #stop()} and {@link #start()} stop and restart the same server — same ports, same data
 * — which is how tests take InfluxDB away in the middle of a run.
 */
public final class LocalInflux implements AutoCloseable {
  private static final Path INFLUXD = Path.of("/usr/bin/influxd");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /**
   * What to start.
   *
   * @param folder where config and data live; {@code null}: a temp folder removed at close
   * @param port the HTTP port; 0 picks a free one
   * @param database created at start
   * @param user with {@code password}: turns authentication on and creates this admin; or null
   */
  public record Options(Path folder, int port, String database, String user, String password) {
    public static Options defaults() {
      return new Options(null, 0, "murmuration", null, null);
    }

    public Options withFolder(Path folder) {
      return new Options(folder, port, database, user, password);
    }

    public Options withPort(int port) {
      return new Options(folder, port, database, user, password);
    }

    public Options withDatabase(String database) {
      return new Options(folder, port, database, user, password);
    }

    public Options withCredentials(String user, String password) {
      return new Options(folder, port, database, user, password);
    }
  }

  private final Options options;
  private final Path folder;
  private final URI url;
  private final Path config;
  private final InfluxHttp http;
  private final AtomicBoolean closed = new AtomicBoolean();
  private ServerProcess process;

  private LocalInflux(Options options, Path folder, URI url, Path config) {
    this.options = options;
    this.folder = folder;
    this.url = url;
    this.http =
        new InfluxHttp(
            new InfluxSettings(url, options.database(), options.user(), options.password()));
    this.config = config;
  }

  /** Starts {@code influxd} and returns once it answers and the database exists. */
  public static LocalInflux start(Options options) {
    DebianPackages.ensure("influxdb", INFLUXD);
    Path folder = Folders.create(options.folder(), "murm-influxdb-");
    int[] free = FreePorts.pick(2);
    int port = options.port() > 0 ? options.port() : free[0];
    Path config = folder.resolve("influxdb.conf");
    try {
      Files.writeString(
          config, config(folder, port, free[1], options.user() != null), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write InfluxDB's config into " + folder, e);
    }
    LocalInflux influx =
        new LocalInflux(options, folder, URI.create("http://127.0.0.1:" + port), config);
    influx.start();
    return influx;
  }

  /** (Re)starts the server on the same ports and data; returns once it answers. */
  public synchronized void start() {
    if (process != null && process.isAlive()) {
      return;
    }
    process =
        ServerProcess.start(
            "influxd",
            List.of(
                INFLUXD.toString(),
                "-config",
                config.toString(),
                "-pidfile",
                folder.resolve("influxd.pid").toString()),
            Map.of(),
            folder,
            folder.resolve("influxd.log"),
            folder.resolve("influxd.pid"),
            false);
    try {
      awaitPing();
      if (options.user() != null) {
        // with no user yet, InfluxDB accepts this one statement unauthenticated
        query(
            "CREATE USER \""
                + options.user()
                + "\" WITH PASSWORD '"
                + options.password().replace("'", "\\'")
                + "' WITH ALL PRIVILEGES");
      }
      query("CREATE DATABASE \"" + options.database() + "\"");
    } catch (RuntimeException e) {
      process.killKeepingFolder();
      throw e;
    }
  }

  /** Stops the server (TERM, then KILL), keeping its data for {@link #start()}. */
  public synchronized void stop() {
    if (process != null) {
      process.stop(Duration.ofSeconds(10));
    }
  }

  /** {@code http://127.0.0.1:PORT} */
  public URI url() {
    return url;
  }

  public String database() {
    return options.database();
  }

  public Path folder() {
    return folder;
  }

  /**
   * Runs InfluxQL against the database (with the admin's credentials, if any) and returns
   * InfluxDB's JSON answer; throws {@link InfluxHttp.Problem} when InfluxDB refuses it.
   */
  public String query(String influxQl) {
    return http.execute(influxQl).toString();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stop();
    if (options.folder() == null) {
      Folders.delete(folder);
    }
  }

  @Override
  public String toString() {
    return "influxd on " + url + " (database " + database() + ", " + folder + ")";
  }

  private void awaitPing() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    try {
      process.awaitPid(deadline);
      while (!http.ping()) {
        if (!process.isAlive()) {
          throw new IllegalStateException("influxd exited at start; " + logTail());
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "influxd did not answer on " + url + " within " + START_TIMEOUT + "; " + logTail());
        }
        Thread.sleep(50);
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException(e.getMessage() + "; " + logTail(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting influxd", e);
    }
  }

  private String logTail() {
    Path log = folder.resolve("influxd.log");
    return "last lines of " + log + ":\n" + ServerProcess.tail(log, 15);
  }

  private static String config(Path folder, int httpPort, int rpcPort, boolean auth) {
    return """
        reporting-disabled = true
        bind-address = "127.0.0.1:%d"

        [meta]
          dir = "%s"

        [data]
          dir = "%s"
          wal-dir = "%s"
          query-log-enabled = false

        [http]
          enabled = true
          bind-address = "127.0.0.1:%d"
          auth-enabled = %s
          log-enabled = false

        [monitor]
          store-enabled = false

        [subscriber]
          enabled = false
        """
        .formatted(
            rpcPort,
            folder.resolve("meta"),
            folder.resolve("data"),
            folder.resolve("wal"),
            httpPort,
            auth);
  }
}
