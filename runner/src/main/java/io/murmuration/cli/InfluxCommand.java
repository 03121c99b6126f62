package io.murmuration.cli;

import io.murmuration.influx.InfluxWriter;
import io.murmuration.results.InfluxSettings;
import io.murmuration.sut.LocalInflux;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code murm influx start|push}: a local InfluxDB, and points a run could not write. */
@Command(
    name = "influx",
    description = "A local InfluxDB (start), or send a run's kept points to InfluxDB (push).",
    subcommands = {InfluxCommand.Start.class, InfluxCommand.Push.class})
final class InfluxCommand implements Runnable {
  @Override
  public void run() {
    throw new SetupException("name a command: murm influx start, or murm influx push RUN_FOLDER");
  }

  @Command(
      name = "start",
      description =
          "Start Debian's influxd on loopback with its data in a folder; Ctrl-C stops it.")
  static final class Start implements Callable<Integer> {
    @Option(
        names = "--dir",
        defaultValue = "influxdb",
        description = "config and data (kept between starts; default: ${DEFAULT-VALUE})")
    Path dir;

    @Option(
        names = "--port",
        defaultValue = "8086",
        description = "HTTP port on 127.0.0.1; 0 = any free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(
        names = "--database",
        defaultValue = InfluxSettings.DEFAULT_DATABASE,
        description = "database to create (default: ${DEFAULT-VALUE})")
    String database;

    PrintStream out = System.out;

    @Override
    public Integer call() throws InterruptedException {
      LocalInflux.Options options =
          LocalInflux.Options.defaults().withFolder(dir).withPort(port).withDatabase(database);
      LocalInflux influx;
      try {
        influx = LocalInflux.start(options);
      } catch (IllegalStateException e) {
        throw new SetupException(e.getMessage(), e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(influx::close, "stop influxd"));
      out.printf("influxd is up; data and log in %s%n", influx.folder());
      out.printf(
          "write runs to it with: ./murm run … --influx %s --influx-db %s%n",
          influx.url(), influx.database());
      out.println("Ctrl-C stops it");
      new CountDownLatch(1).await();
      return 0;
    }
  }

  @Command(
      name = "push",
      description = "Send the points kept in run folders (influx-spool.lp) to InfluxDB.")
  static final class Push implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RUN_FOLDER", description = "run folders")
    List<Path> runDirs;

    @Mixin InfluxConnectionOptions connection = new InfluxConnectionOptions();

    PrintStream out = System.out;
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() {
      InfluxSettings settings;
      try {
        settings = connection.settings(env);
      } catch (IllegalArgumentException e) {
        throw new SetupException(e.getMessage(), e);
      }
      if (settings == null) {
        throw new SetupException("say where to send the points: --influx http://host:8086");
      }
      for (Path runDir : runDirs) {
        if (!Files.isRegularFile(runDir.resolve("summary.json"))) {
          throw new SetupException(runDir + " is not a run folder (it has no summary.json)");
        }
      }
      for (Path runDir : runDirs) {
        try {
          int written = InfluxWriter.push(settings, runDir);
          out.printf(
              "%s: %s%n",
              runDir, written == 0 ? "nothing kept, nothing to send" : written + " points written");
        } catch (IllegalStateException e) {
          throw new SetupException(runDir + ": " + e.getMessage(), e);
        }
      }
      return 0;
    }
  }
}
