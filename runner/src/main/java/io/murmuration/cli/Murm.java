package io.murmuration.cli;

import io.murmuration.results.ExitCode;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code murm} command line: {@code run}, {@code scenarios}, {@code demo}, {@code server},
 * {@code influx}, {@code compare}, {@code analyze}, {@code proxy}.
 */
@Command(
    name = "murm",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT, // every command takes --help (and --version)
    version = "Murmuration 0.1.0",
    description = "Continuous load testing for XMPP servers.",
    subcommands = {
      RunCommand.class,
      NodeCommand.class,
      CoordinatorCommand.class,
      ScenariosCommand.class,
      DemoCommand.class,
      ServerCommand.class,
      InfluxCommand.class,
      CompareCommand.class,
      AnalyzeCommand.class,
      ProxyCommand.class,
      ClusterCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Murm implements Runnable {

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "more logging, and stack traces on errors")
  boolean verbose;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        new CommandLine(this),
        "name a command: run, node, coordinator, cluster, scenarios, demo, server, influx, compare,"
            + " analyze or proxy");
  }

  /**
   * The command line of {@code murm ARGS…} in a JVM of its own, as this one runs (its java, its
   * class path): local worker nodes, and tests that need a process to kill.
   */
  public static java.util.List<String> childCommand(String... args) {
    java.util.List<String> command = new java.util.ArrayList<>();
    command.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (Runtime.version().feature() >= 24) {
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Murm.class.getName());
    command.addAll(java.util.List.of(args));
    return command;
  }

  public static void main(String[] args) {
    System.exit(execute(args, System.getenv(), System.out, System.err));
  }

  /** Runs the command line; returns the exit code (see {@link ExitCode}). */
  public static int execute(
      String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    if (verbose) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
    }
    // before any other thread logs: SLF4J replays (and warns about) calls made while it starts
    org.slf4j.LoggerFactory.getILoggerFactory();
    CommandLine cl = new CommandLine(new Murm());
    cl.setOut(new java.io.PrintWriter(out, true));
    cl.setErr(new java.io.PrintWriter(err, true));
    cl.setParameterExceptionHandler(
        (e, a) -> {
          err.println(
              "murm: "
                  + e.getMessage()
                  + " (see murm "
                  + subcommandName(e.getCommandLine())
                  + "--help)");
          return ExitCode.SETUP_ERROR.code;
        });
    cl.setExecutionExceptionHandler(
        (e, c, parsed) -> {
          if (e instanceof SetupException) {
            err.println("murm: " + e.getMessage());
            if (verbose) {
              e.printStackTrace(err);
            }
            return ExitCode.SETUP_ERROR.code;
          }
          err.println(
              "murm: internal error: "
                  + e
                  + (verbose ? "" : " (run with --verbose for the stack trace)"));
          if (verbose) {
            e.printStackTrace(err);
          }
          return ExitCode.INTERNAL_ERROR.code;
        });
    CommandLine run = cl.getSubcommands().get("run");
    RunCommand runCommand = run.getCommand();
    runCommand.out = out;
    runCommand.env = env;
    ((DemoCommand) cl.getSubcommands().get("demo").getCommand()).out = out;
    ((ServerCommand) cl.getSubcommands().get("server").getCommand()).out = out;
    ((NodeCommand) cl.getSubcommands().get("node").getCommand()).out = out;
    CoordinatorCommand coordinator = cl.getSubcommands().get("coordinator").getCommand();
    coordinator.out = out;
    coordinator.env = env;
    DemoCommand demo = cl.getSubcommands().get("demo").getCommand();
    demo.env = env;
    CommandLine influx = cl.getSubcommands().get("influx");
    ((InfluxCommand.Start) influx.getSubcommands().get("start").getCommand()).out = out;
    InfluxCommand.Push push = influx.getSubcommands().get("push").getCommand();
    push.out = out;
    push.env = env;
    ((CompareCommand) cl.getSubcommands().get("compare").getCommand()).out = out;
    ((ProxyCommand) cl.getSubcommands().get("proxy").getCommand()).out = out;
    CommandLine cluster = cl.getSubcommands().get("cluster");
    ((ClusterCommand.Certs) cluster.getSubcommands().get("certs").getCommand()).out = out;
    AnalyzeCommand analyze = cl.getSubcommands().get("analyze").getCommand();
    analyze.out = out;
    analyze.env = env;
    try {
      Set<String> known =
          run.getCommandSpec().options().stream()
              .map(OptionSpec::longestName)
              .filter(
                  n ->
                      n.startsWith("--")
                          && !n.equals("--config")
                          && !n.equals("--help")
                          && !n.equals("--version"))
              .map(n -> n.substring(2))
              .collect(Collectors.toSet());
      runCommand.defaults = ConfigDefaults.load(configPath(args, env), env, known);
    } catch (SetupException e) {
      err.println("murm: " + e.getMessage());
      return ExitCode.SETUP_ERROR.code;
    }
    run.setDefaultValueProvider(runCommand.defaults);
    return cl.execute(args);
  }

  private static String subcommandName(CommandLine c) {
    return c.getParent() == null ? "" : c.getCommandName() + " ";
  }

  /**
   * {@code --config FILE} or {@code --config=FILE} among the arguments, else {@code MURM_CONFIG}.
   */
  static String configPath(String[] args, Map<String, String> env) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        return args[i + 1];
      }
      if (args[i].startsWith("--config=")) {
        return args[i].substring("--config=".length());
      }
    }
    return env.get("MURM_CONFIG");
  }
}
