package io.murmuration.hook.queue;

import io.murmuration.testing.Prerequisites;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link JobStoreTest} against a real PostgreSQL, to keep the store's SQL portable: a throwaway
 * cluster ({@code initdb}, trust authentication, loopback only) in a temporary directory, one fresh
 * database per test, with the newest PostgreSQL installed ({@code /usr/lib/postgresql/VERSION/bin},
 * as Debian installs it). Without one the test is skipped, or fails under {@code CI=true} (see
 * {@link Prerequisites}); run as the {@code postgres} user through {@code setpriv} when the tests
 * run as root (PostgreSQL refuses root).
 */
class PostgresJobStoreTest extends JobStoreTest {
  private static final Path VERSIONS = Path.of("/usr/lib/postgresql");
  private static final AtomicInteger databases = new AtomicInteger();
  private static Path bin;
  private static Path cluster;
  private static int port;

  private String url;

  @BeforeAll
  static void startPostgres() throws Exception {
    Optional<Path> newest = newestBin();
    Prerequisites.require(
        "PostgreSQL (" + VERSIONS + "/VERSION/bin/initdb)",
        newest.isPresent(),
        "apt-get install -y postgresql");
    bin = newest.get();
    boolean root = "root".equals(System.getProperty("user.name"));
    cluster = Files.createTempDirectory("murm-pg");
    if (root) {
      UserPrincipalLookupService users = cluster.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(cluster, users.lookupPrincipalByName("postgres"));
    }
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path data = cluster.resolve("data");
    run(
        root,
        bin.resolve("initdb").toString(),
        "-D",
        data.toString(),
        "-A",
        "trust",
        "-U",
        "postgres");
    run(
        root,
        bin.resolve("pg_ctl").toString(),
        "-D",
        data.toString(),
        "-l",
        cluster.resolve("log").toString(),
        "-w",
        "-o",
        "-p " + port + " -k " + cluster + " -c listen_addresses=127.0.0.1 -c fsync=off",
        "start");
  }

  /** The bin folder of the newest PostgreSQL version installed, if any. */
  private static Optional<Path> newestBin() throws IOException {
    if (!Files.isDirectory(VERSIONS)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(VERSIONS)) {
      return versions
          .filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)*"))
          .filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
          .max(Comparator.comparing(v -> Runtime.Version.parse(v.getFileName().toString())))
          .map(v -> v.resolve("bin"));
    }
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (cluster == null) {
      return;
    }
    if (Files.exists(cluster.resolve("data/postmaster.pid"))) {
      boolean root = "root".equals(System.getProperty("user.name"));
      run(
          root,
          bin.resolve("pg_ctl").toString(),
          "-D",
          cluster.resolve("data").toString(),
          "-m",
          "immediate",
          "-w",
          "stop");
    }
    try (var files = Files.walk(cluster)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  @Override
  JobStore openStore() throws Exception {
    if (url == null) {
      String name = "jobs" + databases.incrementAndGet();
      try (Connection c = DriverManager.getConnection(base("postgres"), "postgres", "");
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + name);
      }
      url = base(name);
    }
    return JobStore.open(url, "postgres", "");
  }

  private static String base(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  private static void run(boolean root, String... command)
      throws IOException, InterruptedException {
    List<String> line = new java.util.ArrayList<>();
    if (root) {
      line.addAll(
          List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
    }
    line.addAll(List.of(command));
    Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", line) + " failed:\n" + out);
    }
  }
}
