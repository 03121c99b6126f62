package io.murmuration.hook;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.io.PrintStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code murm hook}: the webhook service. Reads a HOCON file (what to listen on, where to keep
 * jobs, where metrics go; see {@code docs/github.md}) and the environment (secrets only), starts a
 * {@link HookService} and runs until Ctrl-C or SIGTERM, which lets the running job finish for up to
 * 30 s and puts it back in the queue otherwise.
 */
@Command(
    name = "murm hook",
    mixinStandardHelpOptions = true,
    description = "The GitHub webhook service: load-test pull requests and merged builds.")
public final class HookCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "HOCON settings (see docs/github.md); secrets come from the environment")
  File config;

  PrintStream out = System.out;
  Map<String, String> env = System.getenv();

  public static void main(String[] args) {
    CommandLine cl = new CommandLine(new HookCommand());
    cl.setExecutionExceptionHandler(
        (e, c, parsed) -> {
          System.err.println("murm hook: " + e.getMessage());
          return 2;
        });
    System.exit(cl.execute(args));
  }

  @Override
  public Integer call() throws Exception {
    try (HookService service = HookService.start(settings(), env, out)) {
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    service.close();
                    stopped.countDown();
                  },
                  "murm-hook-stop"));
      stopped.await();
    }
    return 0;
  }

  /** The file's settings over the defaults; unknown keys are refused with file:line. */
  Config settings() {
    Config defaults =
        ConfigFactory.parseString(
            """
            listen = "127.0.0.1:8080"
            data-dir = "hook-data"
            max-body = 1MiB
            approval-labels = [loadtest]
            clone-url-prefixes = []
            """);
    if (config == null) {
      return defaults.resolve();
    }
    if (!config.isFile()) {
      throw new IllegalArgumentException(config + " does not exist: fix --config");
    }
    try {
      Config file = ConfigFactory.parseFile(config).resolve();
      Set<String> known =
          Set.of(
              "listen",
              "data-dir",
              "database",
              "max-body",
              "approval-labels",
              "clone-url-prefixes",
              "operator-configs",
              "influx",
              "coordinator",
              "cpus",
              "grafana",
              "runs-url",
              "public-url");
      file.root()
          .forEach(
              (key, value) -> {
                if (!known.contains(key)) {
                  throw new IllegalArgumentException(
                      config
                          + ":"
                          + value.origin().lineNumber()
                          + ": unknown setting '"
                          + key
                          + "': known are "
                          + String.join(", ", known.stream().sorted().toList()));
                }
              });
      return file.withFallback(defaults).resolve();
    } catch (ConfigException e) {
      throw new IllegalArgumentException("cannot read " + e.getMessage(), e);
    }
  }
}
