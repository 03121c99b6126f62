package io.murmuration.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Worker nodes on this machine for {@code murm demo --nodes N}: N JVMs running {@code murm node},
 * each on its own loopback address (127.0.0.2, .3, …, so each has its own ephemeral ports), joining
 * the coordinator on 127.0.0.1. They end with the coordinator; closing waits for that, then kills
 * what is left.
 */
final class LocalWorkers implements AutoCloseable {
  private final List<Process> processes;
  private final Path logs;

  private LocalWorkers(List<Process> processes, Path logs) {
    this.processes = processes;
    this.logs = logs;
  }

  /** Starts {@code count} workers seeded with the coordinator on 127.0.0.1:{@code port}. */
  static LocalWorkers start(int count, int port, Path runsDir) throws IOException {
    if (count == 0) {
      return new LocalWorkers(List.of(), null);
    }
    Path logs = Files.createDirectories(runsDir.resolve("workers"));
    List<Process> processes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      List<String> command =
          Murm.childCommand(
              "node",
              "--seed",
              "127.0.0.1:" + port,
              "--bind",
              "127.0.0." + (i + 2) + ":0",
              "--runs-dir",
              runsDir.toString());
      processes.add(
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(logs.resolve("worker-" + (i + 1) + ".log").toFile())
              .start());
    }
    return new LocalWorkers(processes, logs);
  }

  /** Where the workers' output goes. */
  Path logs() {
    return logs;
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : processes) {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }
}
