package io.murmuration.cli;

import io.murmuration.scenario.Param;
import io.murmuration.scenario.Scenario;
import io.murmuration.scenario.ScenarioCatalog;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code murm scenarios}: the scenarios on the class path with their parameters. */
@Command(name = "scenarios", description = "List the scenarios with their parameters and defaults.")
final class ScenariosCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    for (Scenario s : ScenarioCatalog.load().all()) {
      out.printf("%s — %s%n", s.name(), s.description());
      for (Param<?> p : s.params()) {
        String rule = p.rule().isEmpty() ? "" : "; " + p.rule();
        out.printf(
            "  -P%s=%s%n      %s (%s%s%s)%n",
            p.name(),
            p.show(p.defaultValue()),
            p.description(),
            p.type(),
            rule,
            p.isChangeable() ? "; changeable during the run" : "");
      }
      out.println();
    }
    out.flush();
  }
}
