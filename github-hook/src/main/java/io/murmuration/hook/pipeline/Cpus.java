package io.murmuration.hook.pipeline;

import com.typesafe.config.Config;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Where the pipeline pins the server under test and the runner: two disjoint Linux CPU lists (as
 * {@code taskset -c} reads them), from the operator's {@code cpus { server = "0", runner = "1" }}.
 * The repository's {@code start} command (and everything it starts) runs on the server's CPUs, each
 * {@code murm run} on the runner's, so that neither takes time from the other and a change in one
 * does not show in the other's numbers. Build, ready and stop commands are not pinned.
 *
 * @param server the CPUs of the server under test, e.g. {@code "0"}
 * @param runner the CPUs of the runner, e.g. {@code "1-3"}
 */
public record Cpus(String server, String runner) {
  /** A CPU list: numbers and ranges separated by commas. */
  private static final Pattern LIST =
      Pattern.compile("\\d{1,4}(-\\d{1,4})?(,\\d{1,4}(-\\d{1,4})?){0,63}");

  public Cpus {
    for (String[] named : new String[][] {{"server", server}, {"runner", runner}}) {
      if (named[1] == null || !LIST.matcher(named[1]).matches()) {
        throw new IllegalArgumentException(
            "cpus."
                + named[0]
                + " = \""
                + named[1]
                + "\": expected a CPU list as taskset -c reads it, e.g. \"0\" or \"1-3,6\"");
      }
    }
    BitSet common = set(server);
    common.and(set(runner));
    if (!common.isEmpty()) {
      throw new IllegalArgumentException(
          "cpus: the server and the runner share CPU "
              + common.nextSetBit(0)
              + ": give them separate CPUs, e.g. server = \"0\", runner = \"1\"");
    }
  }

  /** The operator's {@code cpus} block, checked: both lists valid, disjoint, and usable here. */
  public static Cpus of(Config block) {
    for (String key : block.root().keySet()) {
      if (!Set.of("server", "runner").contains(key)) {
        throw new IllegalArgumentException(
            "cpus." + key + ": unknown setting; known are runner, server");
      }
    }
    if (!block.hasPath("server") || !block.hasPath("runner")) {
      throw new IllegalArgumentException(
          "cpus needs both server and runner, e.g. cpus { server = \"0\", runner = \"1\" }");
    }
    Cpus cpus = new Cpus(block.getString("server"), block.getString("runner"));
    cpus.check(cpus.server, "server");
    cpus.check(cpus.runner, "runner");
    return cpus;
  }

  /** {@code command} run on the server's CPUs. */
  List<String> server(List<String> command) {
    return on(server, command);
  }

  /** {@code command} run on the runner's CPUs. */
  List<String> runner(List<String> command) {
    return on(runner, command);
  }

  /**
   * {@code taskset -c LIST command…}. No {@code --}: taskset takes its first argument after the
   * list as the command (it would try to run {@code --}); the commands here are {@code bash} or an
   * absolute path to java, never an option.
   */
  private static List<String> on(String cpus, List<String> command) {
    List<String> pinned = new ArrayList<>(List.of("taskset", "-c", cpus));
    pinned.addAll(command);
    return pinned;
  }

  /** Runs {@code taskset -c LIST true}: taskset is installed and the CPUs exist and are allowed. */
  private void check(String cpus, String which) {
    try {
      Process p =
          new ProcessBuilder("taskset", "-c", cpus, "true")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalArgumentException("cpus." + which + ": taskset did not answer");
      }
      if (p.exitValue() != 0) {
        throw new IllegalArgumentException(
            "cpus."
                + which
                + " = \""
                + cpus
                + "\": taskset cannot run a process there (CPUs this machine has: "
                + Runtime.getRuntime().availableProcessors()
                + "); name online CPUs");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cpus needs taskset: apt-get install -y util-linux (" + e.getMessage() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking cpus", e);
    }
  }

  private static BitSet set(String list) {
    BitSet set = new BitSet();
    for (String part : list.split(",")) {
      String[] range = part.split("-", 2);
      int from = Integer.parseInt(range[0]);
      int to = range.length == 2 ? Integer.parseInt(range[1]) : from;
      if (to >= from) {
        set.set(from, to + 1);
      }
    }
    return set;
  }
}
