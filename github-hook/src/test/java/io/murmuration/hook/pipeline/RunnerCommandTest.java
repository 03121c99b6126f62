package io.murmuration.hook.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.murmuration.cli.Murm;
import io.murmuration.hook.Job;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** The runner's command line, parsed by the runner's own picocli model. */
class RunnerCommandTest {
  @Test
  void theScenarioFollowsDoubleDashAndEveryValueStaysTheValueOfItsOption() {
    RepoConfig config =
        RepoConfig.parse(
            """
            start = "run"
            accounts { mode = existing, username = "u{id} --influx=http://evil", password = "p -P" }
            scenarios = [ { scenario = one-to-one, params { interval = "1s --runs-dir=/etc" },
                            assert = ["ttd.p99 < 5ms --tag=repo=evil", "errors.total == 0"] } ]
            """,
            "loadtest.conf",
            Map.of("MURM_SUT_PORT", "31000"));
    List<String> command =
        RunnerCommand.of(
            job(),
            config,
            config.scenarios().get(0),
            Path.of("/jobs/1/runs"),
            "20261204-101500-j1-1-one-to-one",
            null,
            job().sha(),
            null);

    ParseResult run =
        new CommandLine(new Murm())
            .parseArgs(
                command.subList(command.indexOf("run"), command.size()).toArray(String[]::new))
            .subcommand();

    assertEquals(List.of("--", "one-to-one"), command.subList(command.size() - 2, command.size()));
    assertEquals("one-to-one", run.matchedPositionalValue(0, null));
    assertEquals("u{id} --influx=http://evil", run.matchedOptionValue("--username", null));
    assertEquals("p -P", run.matchedOptionValue("--password", null));
    assertEquals(Map.of("interval", "1s --runs-dir=/etc"), run.matchedOptionValue("-P", Map.of()));
    assertEquals(
        List.of("ttd.p99 < 5ms --tag=repo=evil", "errors.total == 0"),
        run.matchedOptionValue("--assert", List.of()));
    assertEquals(Path.of("/jobs/1/runs"), run.matchedOptionValue("--runs-dir", null));
    assertEquals("20261204-101500-j1-1-one-to-one", run.matchedOptionValue("--run-id", null));
    assertEquals(false, run.hasMatchedOption("--influx"));
  }

  @Test
  void aGatesBaseArmIsTaggedWithTheBaseBranchAndItsHeadArmWithThePullRequestsBranch() {
    Job job =
        new Job(
            2,
            "delivery-2",
            Job.Trigger.PULL_REQUEST,
            "acme/chat",
            "https://github.com/acme/chat.git",
            "main",
            "faster-roster",
            "0123456789abcdef0123456789abcdef01234567",
            42,
            "fedcba9876543210fedcba9876543210fedcba98",
            "release-2",
            null,
            "alice",
            Job.State.RUNNING,
            Instant.now());

    assertEquals(
        List.of(
            "repo=acme/chat",
            "branch=release-2",
            "commit=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "trigger=pull_request",
            "pr=42",
            "arm=base"),
        RunnerCommand.tags(job, "a".repeat(40), "base"));
    assertEquals(
        List.of(
            "repo=acme/chat",
            "branch=faster-roster",
            "commit=0123456789abcdef0123456789abcdef01234567",
            "trigger=pull_request",
            "pr=42",
            "arm=head"),
        RunnerCommand.tags(job, job.sha(), "head"));
  }

  private static Job job() {
    return new Job(
        1,
        "delivery-1",
        Job.Trigger.PUSH,
        "acme/chat",
        "https://github.com/acme/chat.git",
        "main",
        "main",
        "0123456789abcdef0123456789abcdef01234567",
        null,
        null,
        null,
        null,
        "alice",
        Job.State.RUNNING,
        Instant.now());
  }
}
