package io.murmuration.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.murmuration.accounts.Accounts;
import io.murmuration.dashboards.Population.Run;
import io.murmuration.gate.VerdictEvent;
import io.murmuration.influx.RunTags;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.sut.LocalInflux;
import io.murmuration.testing.Cli;
import io.murmuration.testing.LocalServersExtension;
import io.murmuration.testing.MurmProcess;
import io.murmuration.testing.RunHistory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fills InfluxDB for {@link DashboardQueriesTest} the way users do: short runs against ejabberd,
 * written by the runner with {@code --influx} and {@code --tag}. Of one-to-one: two runs of {@code
 * main} with different commits, the base and head arms of pull request 42, and a command-line run
 * without repository tags in which two of eight users cannot log in (so it has {@code errors}
 * points and ends {@code failed}); each writes the one-to-one scenario's own timer {@code
 * bucket_wait} and counter {@code bucket_short}, and in the failed run the last bucket starts short
 * of users. And one run of http-to-xmpp in a repository of its own, which writes the HTTP load's
 * timer {@code http_response} and counters {@code http_requests} and {@code http_2xx} (its Gatling
 * child's figures, merged into the run's metrics). And two verdict events, as the webhook service
 * writes them: of main's second run and of the pull request's gate (on its head run).
 */
final class RealRuns {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RealRuns() {}

  static Population write(LocalInflux influx, LocalEjabberd ejabberd, Path runsDir)
      throws IOException {
    List<Run> runs = new ArrayList<>();
    runs.add(
        run(
            influx,
            ejabberd,
            runsDir,
            0,
            "repo=acme/chat,branch=main,commit=3f2a9c1,trigger=push",
            false));
    // this one on a worker node, as a run over a cluster: its node points
    runs.add(
        run(
            influx,
            ejabberd,
            runsDir,
            0,
            "repo=acme/chat,branch=main,commit=8e41d07,trigger=push",
            true));
    runs.add(
        run(
            influx,
            ejabberd,
            runsDir,
            0,
            "repo=acme/chat,pr=42,branch=main,commit=8e41d07,arm=base,trigger=pull_request",
            false));
    runs.add(
        run(
            influx,
            ejabberd,
            runsDir,
            0,
            "repo=acme/chat,pr=42,branch=feature/faster-acks,commit=c0ffee5,arm=head,"
                + "trigger=pull_request",
            false));
    runs.add(run(influx, ejabberd, runsDir, 2, null, false));
    runs.add(
        run(
            influx,
            ejabberd,
            runsDir,
            0,
            "repo=acme/gateway,branch=main,commit=5ca1ab1,trigger=push",
            false,
            "http-to-xmpp",
            "-Prate=20",
            "-Phold=6s",
            "-Purl=" + ejabberd.httpApi() + "/send_message"));
    // the webhook service's verdicts: of main's second build, and of pull request 42's gate
    runs.set(1, withVerdict(influx, runs.get(1), "one-to-one: success", null));
    runs.set(3, withVerdict(influx, runs.get(3), "one-to-one: failure", "ttd.p50: worse"));
    long from = runs.stream().mapToLong(Run::startMs).min().orElseThrow() - 60_000;
    long to = runs.stream().mapToLong(Run::endMs).max().orElseThrow() + 60_000;
    return new Population(from, to, runs);
  }

  /**
   * Writes a verdict event about {@code run} as the webhook service does ({@link VerdictEvent}):
   * tagged like the run (without the tags of the machine that ran it and its run id), at its end;
   * returns the run with that event.
   */
  private static Run withVerdict(LocalInflux influx, Run run, String title, String text) {
    Map<String, String> tags = new LinkedHashMap<>(run.tags());
    tags.keySet().removeAll(Set.of("run_id", "node", "sut", "sut_version"));
    RunHistory.write(
        influx,
        List.of(
            new VerdictEvent(
                    Instant.ofEpochMilli(run.endMs()),
                    tags,
                    title,
                    text == null ? "TTD p99 4 ms, 0 lost (job 1)" : text)
                .line()));
    Set<String> events = new HashSet<>(run.eventTypes());
    events.add(VerdictEvent.TYPE);
    return new Run(
        run.tags(),
        run.startMs(),
        run.endMs(),
        run.ended(),
        run.errorKinds(),
        Set.copyOf(events),
        run.timers(),
        run.counters(),
        run.nodes());
  }

  /**
   * One one-to-one run of 8 users for 7 s, {@code missing} of them without an account; {@code
   * onAWorker}: its users on one worker node (a {@code murm node} JVM), this process coordinating.
   */
  private static Run run(
      LocalInflux influx,
      LocalEjabberd ejabberd,
      Path runsDir,
      int missing,
      String tags,
      boolean onAWorker)
      throws IOException {
    return run(
        influx,
        ejabberd,
        runsDir,
        missing,
        tags,
        onAWorker,
        "one-to-one",
        "--duration",
        "7s",
        "-Pbucket_size=4",
        "-Pbucket_wait=2s",
        "-Pmessages=0",
        "-Pinterval=100ms",
        "-Plinger=1s");
  }

  /** One run of 8 users of {@code scenario}, given its own options ({@code scenarioArgs}). */
  private static Run run(
      LocalInflux influx,
      LocalEjabberd ejabberd,
      Path runsDir,
      int missing,
      String tags,
      boolean onAWorker,
      String scenario,
      String... scenarioArgs)
      throws IOException {
    int users = 8;
    int first = LocalServersExtension.freshUserIds(users);
    Accounts accounts = Accounts.existing("dash_{id}", "secret_{id}");
    ejabberd.registerUsers(accounts, first, users - missing);
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                scenario,
                "--target",
                ejabberd.c2s().getHostString() + ":" + ejabberd.c2s().getPort(),
                "--domain",
                ejabberd.domain(),
                "--users",
                Integer.toString(users),
                "--first-user",
                Integer.toString(first),
                "--arrival-rate",
                "100",
                "--accounts",
                "existing",
                "--username",
                "dash_{id}",
                "--password",
                "secret_{id}",
                "--runs-dir",
                runsDir.toString(),
                "--quiet",
                "--influx",
                influx.url().toString()));
    args.addAll(List.of(scenarioArgs));
    if (tags != null) {
      args.addAll(List.of("--tag", tags));
    }
    Cli cli;
    if (onAWorker) {
      int port = MurmProcess.freePort();
      args.addAll(List.of("--nodes", "1", "--cluster-bind", "127.0.0.1:" + port));
      try (MurmProcess worker =
          MurmProcess.start(
              runsDir.resolve("worker.log"),
              "node",
              "--seed",
              "127.0.0.1:" + port,
              "--bind",
              "127.0.0.2:0",
              "--runs-dir",
              runsDir.toString())) {
        cli = Cli.murm(args.toArray(String[]::new));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    } else {
      cli = Cli.murm(args.toArray(String[]::new));
    }
    JsonNode summary = cli.summary();
    assertEquals(
        missing == 0 ? "finished" : "failed", summary.get("state").asText(), cli.toString());
    String id = summary.get("run_id").asText();

    // the run's tags as InfluxDB has them
    JsonNode point =
        JSON.readTree(influx.query("SELECT * FROM \"run\" WHERE run_id = '" + id + "'"))
            .at("/results/0/series/0");
    Map<String, String> written = new HashMap<>();
    List<String> keys = new ArrayList<>(RunTags.KEYS);
    keys.addAll(List.of("run_id", "scenario"));
    for (int i = 0; i < point.get("columns").size(); i++) {
      String column = point.get("columns").get(i).asText();
      JsonNode value = point.get("values").get(0).get(i);
      if (keys.contains(column) && !value.isNull()) {
        written.put(column, value.asText());
      }
    }
    Set<String> errorKinds = new HashSet<>();
    summary.get("errors").fieldNames().forEachRemaining(errorKinds::add);
    Set<String> events = new HashSet<>(Set.of("run_start", "run_end"));
    if (written.containsKey("commit")) {
      events.add("commit");
    }
    return new Run(
        Map.copyOf(written),
        Instant.parse(summary.get("started_at").asText()).toEpochMilli(),
        Instant.parse(summary.get("ended_at").asText()).toEpochMilli(),
        true,
        Set.copyOf(errorKinds),
        Set.copyOf(events),
        timers(summary.path("timers_ms")),
        counters(summary.path("counters")),
        nodes(summary.path("nodes")));
  }

  private static Set<String> nodes(JsonNode nodes) {
    Set<String> names = new HashSet<>();
    nodes.forEach(n -> names.add(n.get("node").asText()));
    return Set.copyOf(names);
  }

  /**
   * {@code timers_ms} of summary.json as the fields of {@code run_timer} points: {@code count}, and
   * each statistic as {@code <stat>_ms} ({@code p99_9} as {@code p999_ms}); none without samples.
   */
  private static Map<String, Map<String, Double>> timers(JsonNode timersMs) {
    Map<String, Map<String, Double>> timers = new LinkedHashMap<>();
    timersMs
        .fields()
        .forEachRemaining(
            timer -> {
              Map<String, Double> fields = new LinkedHashMap<>();
              timer
                  .getValue()
                  .fields()
                  .forEachRemaining(
                      stat -> {
                        if (!stat.getValue().isNull()) {
                          String field =
                              stat.getKey().equals("count")
                                  ? "count"
                                  : stat.getKey().replace("p99_9", "p999") + "_ms";
                          fields.put(field, stat.getValue().asDouble());
                        }
                      });
              timers.put(timer.getKey(), Map.copyOf(fields));
            });
    return Map.copyOf(timers);
  }

  private static Map<String, Long> counters(JsonNode counters) {
    Map<String, Long> totals = new LinkedHashMap<>();
    counters.fields().forEachRemaining(c -> totals.put(c.getKey(), c.getValue().asLong()));
    return Map.copyOf(totals);
  }
}
