package io.murmuration.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.accounts.Accounts;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.testing.Cli;
import io.murmuration.testing.LocalServersExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Bad input: one clear line naming the problem, exit code 2, no stack trace, nothing run. */
@ExtendWith(LocalServersExtension.class)
class CliErrorsTest {
  @TempDir Path runs;

  private Cli murmRun(String... more) {
    String[] args = new String[more.length + 5];
    args[0] = "run";
    System.arraycopy(more, 0, args, 1, more.length);
    args[more.length + 1] = "--runs-dir";
    args[more.length + 2] = runs.toString();
    args[more.length + 3] = "--quiet";
    args[more.length + 4] = "--connect-timeout=3s";
    return Cli.murm(args);
  }

  private void assertSetupError(Cli run, String expected) throws Exception {
    assertEquals(2, run.code(), run.toString());
    String err = run.err().strip();
    assertFalse(err.contains("\n"), "more than one line:\n" + err);
    assertTrue(err.startsWith("murm: ") && err.contains(expected), err);
    assertFalse(err.contains("Exception") || err.contains("\tat "), err);
    try (var folders = Files.list(runs)) {
      assertEquals(0, folders.count(), "a run folder was written although nothing ran");
    }
  }

  @Test
  void anUnknownScenarioNamesTheKnownOnes() throws Exception {
    assertSetupError(
        murmRun("one-two-three"),
        "unknown scenario 'one-two-three': known scenarios are "
            + String.join(
                ", ",
                io.murmuration.scenario.ScenarioCatalog.load().all().stream()
                    .map(io.murmuration.scenario.Scenario::name)
                    .toList())
            + " (./murm scenarios lists them");
  }

  @Test
  void anUnknownParameterNamesTheScenariosParameters() throws Exception {
    assertSetupError(
        murmRun("one-to-one", "-Pmesages=3"),
        "unknown parameter 'mesages' given with -P: scenario one-to-one takes bucket_size");
  }

  @Test
  void anInvalidValueSaysWhatIsExpected() throws Exception {
    assertSetupError(
        murmRun("one-to-one", "-Pinterval=fast"),
        "parameter interval: 'fast' is not a duration (write e.g. 250ms, 5s, 2m, 1h)");
    assertSetupError(
        murmRun("one-to-one", "-Pbucket_size=1"), "parameter bucket_size: '1' must be at least 2");
  }

  @Test
  void aFlagOfTheWrongTypeIsAOneLineUsageError() throws Exception {
    assertSetupError(
        murmRun("one-to-one", "--users", "lots"), "Invalid value for option '--users'");
  }

  @Test
  void zeroUsersIsRefusedInsteadOfAnEmptyRun(LocalEjabberd ejabberd) throws Exception {
    assertSetupError(
        murmRun(
            "one-to-one",
            "--target",
            ejabberd.c2s().getHostString() + ":" + ejabberd.c2s().getPort(),
            "--accounts",
            "register",
            "--users",
            "0"),
        "--users 0: a run needs at least one user; give --users 1 or more");
  }

  @Test
  void aRunIdThatIsNotOneFolderNameOrIsTakenIsRefused(LocalEjabberd ejabberd) throws Exception {
    String target = ejabberd.c2s().getHostString() + ":" + ejabberd.c2s().getPort();
    for (String id : new String[] {"../escape", "-x", "a/b", "x".repeat(129)}) {
      assertSetupError(
          murmRun("one-to-one", "--target", target, "--accounts", "register", "--run-id", id),
          "--run-id '" + id + "': use 1 to 128 letters, digits");
    }
    Files.createDirectory(runs.resolve("taken"));
    Cli taken =
        murmRun("one-to-one", "--target", target, "--accounts", "register", "--run-id", "taken");
    assertEquals(2, taken.code(), taken.toString());
    assertEquals(
        "murm: --run-id taken: " + runs.resolve("taken") + " exists already: choose another id",
        taken.err().strip());
    try (var folders = Files.list(runs.resolve("taken"))) {
      assertEquals(0, folders.count(), "the taken folder was written into");
    }
  }

  @Test
  void anUnknownAssertionMetricListsTheKnownOnes() throws Exception {
    assertSetupError(
        murmRun("one-to-one", "--assert", "ttd.p98 < 5ms"), "unknown metric 'ttd.p98'");
  }

  @Test
  void anUnknownSettingInTheConfigFileNamesFileAndLine() throws Exception {
    Path config = runs.getParent().resolve("bad-" + System.nanoTime() + ".conf");
    Files.writeString(config, "users = 10\nuserz = 20\n");
    try {
      assertSetupError(
          murmRun("one-to-one", "--config", config.toString()),
          config + ":2: unknown setting 'userz'");
    } finally {
      Files.delete(config);
    }
  }

  @Test
  void anUnclosedBraceInTheConfigFileNamesTheLineItOpenedOn() throws Exception {
    Path config = runs.getParent().resolve("unclosed-" + System.nanoTime() + ".conf");
    Files.writeString(
        config, "users = 10\nparams {\n  messages = 3\n  interval = 1s\n\nduration = 5s\n");
    try {
      assertSetupError(
          murmRun("one-to-one", "--config", config.toString()),
          config
              + ":2: unclosed brace: this '{' has no matching '}' before the end of the file:"
              + " add it");
    } finally {
      Files.delete(config);
    }
  }

  @Test
  void anUnreachableTargetSaysWhereAndWhatToDo() throws Exception {
    assertSetupError(
        murmRun("one-to-one", "--target", "127.0.0.1:1"),
        "cannot reach the XMPP server at 127.0.0.1:1 (Connection refused): start the server or fix --target");
  }

  @Test
  void aWrongPasswordIsRefusedBeforeAnyUserStarts(LocalEjabberd ejabberd) throws Exception {
    int first = LocalServersExtension.freshUserIds(1);
    ejabberd.registerUsers(Accounts.existing("user_{id}", "password_{id}"), first, 1);
    assertSetupError(
        murmRun(
            "one-to-one",
            "--target",
            ejabberd.c2s().getHostString() + ":" + ejabberd.c2s().getPort(),
            "--first-user",
            Integer.toString(first),
            "--password",
            "wrong_{id}"),
        "login refused for user_" + first + "@localhost");
  }

  @Test
  void verboseAddsTheStackTrace() {
    Cli run =
        Cli.murm(
            "run",
            "one-to-one",
            "--target",
            "127.0.0.1:1",
            "--verbose",
            "--runs-dir",
            runs.toString());
    assertEquals(2, run.code());
    assertTrue(run.err().contains("\tat io.murmuration."), run.err());
  }

  @Test
  void aMisspeltTagKeyNamesTheKnownKeys() throws Exception {
    assertSetupError(
        murmRun("one-to-one", "--target", "127.0.0.1:5222", "--tag", "brnach=main"),
        "unknown tag 'brnach': use one of node, trigger, sut, sut_version, repo, branch, commit");
  }

  @Test
  void anInfluxUrlWithoutSchemeShowsWhatOneLooksLike() throws Exception {
    assertSetupError(
        murmRun("one-to-one", "--target", "127.0.0.1:5222", "--influx", "127.0.0.1:8086"),
        "the InfluxDB URL must look like http://host:8086, not '127.0.0.1:8086'");
  }

  @Test
  void influxPushNeedsARunFolderAndAnInfluxDb() throws Exception {
    assertSetupError(
        Cli.murm("influx", "push", runs.toString()),
        "say where to send the points: --influx http://host:8086");
    assertSetupError(
        Cli.murm("influx", "push", runs.toString(), "--influx", "http://127.0.0.1:1"),
        runs + " is not a run folder (it has no summary.json)");
  }

  @Test
  void aWarmUpAsLongAsTheRunIsRefusedBeforeAnythingRuns() throws Exception {
    assertSetupError(
        murmRun("one-to-one", "--duration", "5s", "--warm-up", "5s"),
        "--warm-up 5s is not shorter than --duration 5s: no sample would count;"
            + " shorten the warm-up or lengthen the run");
    assertSetupError(
        murmRun("one-to-one", "--warm-up", "soon"),
        "--warm-up 'soon' is not a duration: write e.g. 250ms, 5s, 2m, 1h");
  }

  @Test
  void theProxySaysWhatItNeeds() throws Exception {
    assertSetupError(
        Cli.murm("proxy", "--to", "127.0.0.1:5222", "--delay", "slow"),
        "--delay slow: write a duration, e.g. 0.15ms or 2ms");
    assertSetupError(
        Cli.murm("proxy", "--to", "localhost"),
        "--to localhost: expected HOST:PORT, e.g. 127.0.0.1:5222");
  }

  @Test
  void everyCommandHasHelp() throws Exception {
    for (String command :
        List.of("run", "demo", "server", "influx", "compare", "analyze", "proxy")) {
      Cli help = Cli.murm(command, "--help");
      assertEquals(0, help.code(), command + ": " + help);
      assertTrue(help.out().startsWith("Usage: murm " + command), help.out());
    }
  }
}
