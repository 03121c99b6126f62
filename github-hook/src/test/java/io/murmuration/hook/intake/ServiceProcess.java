package io.murmuration.hook.intake;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A main class on this test's class path ({@code murm hook}, or a stand-in) in a JVM of its own, as
 * an operator runs it: its output (stdout and stderr) in a log file, killable with SIGKILL.
 */
record ServiceProcess(Process process, Path log) implements AutoCloseable {
  private static final Pattern PORT = Pattern.compile("on port (\\d+)");

  static ServiceProcess start(Path log, Map<String, String> env, List<String> mainAndArgs)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path")));
    command.addAll(mainAndArgs);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    return new ServiceProcess(pb.start(), log);
  }

  /** The port {@code murm hook} says it listens on, once it says so. */
  int announcedPort() throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      Matcher m = PORT.matcher(output());
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      assertTrue(process.isAlive(), "the service died: " + output());
      assertTrue(System.nanoTime() < deadline, "the service did not start: " + output());
      Thread.sleep(50);
    }
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  /** SIGTERM (the service's shutdown hook runs), and waits until it has exited. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }
}
