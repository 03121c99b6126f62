package io.murmuration.cli;

import io.murmuration.engine.RunControl;
import io.murmuration.metrics.LiveView;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * Commands typed while a run goes (amoc's add/remove and parameter updates): {@code add N [RATE]},
 * {@code remove N}, {@code throttle NAME RATE}, {@code set NAME=VALUE}, {@code stop}, {@code help}.
 * Read from the terminal only: a run without one (CI, pipes) is never blocked on its input.
 */
final class ControlInput {
  static final String HELP =
      "commands: add N [USERS_PER_S] | remove N | throttle NAME PER_S | set PARAM=VALUE | stop";

  private final RunControl run;
  private final PrintStream out;

  ControlInput(RunControl run, PrintStream out) {
    this.run = run;
    this.out = out;
  }

  static void startIfInteractive(RunControl run, PrintStream out) {
    if (!LiveView.isInteractive(out)) {
      return;
    }
    out.println("type 'help' and Enter for run-time commands");
    ControlInput input = new ControlInput(run, out);
    Thread reader =
        new Thread(
            () -> input.readAll(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
            "murmuration-control");
    reader.setDaemon(true);
    reader.start();
  }

  void readAll(Reader source) {
    try (BufferedReader lines = new BufferedReader(source)) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (!line.isBlank()) {
          out.println(apply(line.trim()));
        }
      }
    } catch (IOException e) {
      // the terminal went away: nothing more to read
    }
  }

  /** Applies one command; returns the answer to print. */
  String apply(String line) {
    String[] w = line.split("\\s+");
    try {
      return switch (w[0]) {
        case "add" -> {
          int n = Integer.parseInt(w[1]);
          yield run.addUsers(n, w.length > 2 ? Double.parseDouble(w[2]) : Math.max(1, n)).message();
        }
        case "remove" -> run.removeUsers(Integer.parseInt(w[1])).message();
        case "throttle" -> run.throttle(w[1], Double.parseDouble(w[2])).message();
        case "set" -> {
          String[] kv = line.substring(3).trim().split("=", 2);
          yield run.setParam(kv[0].trim(), kv[1].trim()).message();
        }
        case "stop" -> run.stop("stopped from the console").message();
        default -> HELP;
      };
    } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
      return "cannot read '" + line + "': " + HELP;
    }
  }
}
