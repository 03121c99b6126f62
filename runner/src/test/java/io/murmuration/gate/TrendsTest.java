package io.murmuration.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.murmuration.gate.Trends.Found;
import io.murmuration.gate.Trends.Key;
import io.murmuration.results.InfluxHttp;
import io.murmuration.results.InfluxSettings;
import io.murmuration.sut.LocalInflux;
import io.murmuration.testing.RunHistory;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link Trends} against a real InfluxDB: one repository whose TTD p99 steps from 20 to 26 ms at
 * its 11th of 20 runs, one whose history is flat. Each test reads or writes its own repository's
 * events, so the order of the tests does not matter.
 */
class TrendsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static LocalInflux influx;
  private static Trends trends;
  private static RunHistory stepped;

  @BeforeAll
  static void startInfluxAndWriteHistories() {
    influx = LocalInflux.start(LocalInflux.Options.defaults());
    trends =
        new Trends(
            InfluxSettings.of(influx.url().toString(), null, null, Map.of()), new ChangePoints());
    stepped = RunHistory.of("acme/chat", i -> String.format("c%02d", i));
    List<String> lines = new ArrayList<>(stepped.steppedRuns(0, 20, 10, 20, 26));
    lines.addAll(stepped.runsToLeaveOut(15));
    lines.addAll(RunHistory.of("acme/flat", i -> "f" + i).steppedRuns(0, 20, 10, 20, 20));
    lines.addAll(RunHistory.of("acme/marked", i -> "m" + i).steppedRuns(0, 20, 10, 20, 26));
    RunHistory.write(influx, lines);
  }

  @AfterAll
  static void stopInflux() {
    if (influx != null) {
      influx.close();
    }
  }

  @Test
  void aStepIsOneChangePointAtTheFirstRunAfterItWithThePreviousRunsCommit() {
    Trends.Analysis analysis = trends.analyze(Trends.Query.of("acme/chat", "main"));

    assertEquals(1, analysis.seriesCount());
    assertEquals(1, analysis.changePoints().size(), analysis.toString());
    Found f = analysis.changePoints().get(0);
    assertEquals("acme/chat main one-to-one", f.series());
    assertEquals("ttd_p99_ms", f.metric());
    assertEquals("c10", f.commit());
    assertEquals("c09", f.previousCommit());
    assertEquals(stepped.timeMs(10), f.timeMs());
    // the pull request's, the failed run's and the bisection's 500 ms are not in the means
    assertEquals(20, f.changePoint().meanBefore(), 0.5);
    assertEquals(26, f.changePoint().meanAfter(), 0.5);
    assertEquals(
        new Key("acme/chat", "main", "one-to-one", "ttd_p99_ms", "c10"), f.key(), "the key");
  }

  @Test
  void pValuesReadWithTwoSignificantDigitsAndNoTrailingZeros() {
    assertEquals("0.001", Trends.pValue(0.001));
    assertEquals("0.035", Trends.pValue(0.035));
    assertEquals("0.0099", Trends.pValue(1.0 / 101));
    assertEquals("0.5", Trends.pValue(0.5));
    assertEquals("1", Trends.pValue(1));
  }

  @Test
  void aFlatHistoryHasNoChangePointAndAnotherBranchNoSeries() {
    assertTrue(trends.analyze(Trends.Query.of("acme/flat", "main")).changePoints().isEmpty());
    Trends.Analysis release = trends.analyze(Trends.Query.of("acme/chat", "release"));
    assertEquals(0, release.seriesCount());
  }

  @Test
  void aChangePointWithAnEventIsReportedOnlyThatOneAndWritingTwiceKeepsOneEvent() throws Exception {
    Trends.Query query = Trends.Query.of("acme/marked", "main");
    List<Found> found = trends.analyze(query).changePoints();
    assertEquals(1, found.size(), found.toString());
    assertEquals(Set.of(), trends.reported(query), "nothing written yet");

    trends.write(found);
    trends.write(found);

    Key key = found.get(0).key();
    assertEquals(Set.of(key), trends.reported(query));
    JsonNode events =
        JSON.readTree(
                influx.query(
                    "SELECT * FROM \"event\" WHERE \"type\" = 'change_point'"
                        + " AND \"repo\" = 'acme/marked'"))
            .path("results")
            .path(0)
            .path("series")
            .path(0)
            .path("values");
    assertEquals(1, events.size(), "one event however often it is written: " + events);
    // the same change point found again is reported; the same one at another commit, metric or
    // in another repository's series is not
    assertTrue(trends.reported(query).contains(trends.analyze(query).changePoints().get(0).key()));
    assertFalse(trends.reported(query).contains(withCommit(key, "m11")));
    assertFalse(trends.reported(Trends.Query.of("acme/chat", "main")).contains(key));
  }

  @Test
  void anEventWrittenWithTheDocumentedTagsCountsAsReported() {
    // as docs/metrics.md lists them, written by hand or by an older murm analyze --write
    RunHistory.write(
        influx,
        List.of(
            "event,type=change_point,repo=acme/flat,branch=main,scenario=one-to-one,"
                + "metric=ttd_p50_ms,commit=f05 title=\"ttd_p50_ms +9.0 %\",text=\"by hand\" "
                + System.currentTimeMillis()));

    assertEquals(
        Set.of(new Key("acme/flat", "main", "one-to-one", "ttd_p50_ms", "f05")),
        trends.reported(Trends.Query.of("acme/flat", "main")));
    assertEquals(Set.of(), trends.reported(Trends.Query.of("acme/flat", "release")));
  }

  @Test
  void aQueryRefusesAMetricThatIsNotAFieldNameAndASinceThatIsNotADuration() {
    IllegalArgumentException metric =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Trends.Query("main", null, null, List.of("ttd\" OR 1=1"), "90d"));
    assertTrue(metric.getMessage().startsWith("metric ttd\" OR 1=1: expected a field"));
    IllegalArgumentException since =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Trends.Query("main", null, null, List.of(), "3 days"));
    assertTrue(since.getMessage().startsWith("since 3 days: expected a duration"));
    Trends.Query defaults = new Trends.Query("main", null, null, null, null);
    assertEquals(Trends.DEFAULT_METRICS, defaults.metrics());
    assertEquals("90d", defaults.since());
    assertNull(defaults.repo());
  }

  @Test
  void anInfluxDbThatDoesNotAnswerIsAProblemOfKindUnreachable() {
    Trends down =
        new Trends(
            new InfluxSettings(URI.create("http://127.0.0.1:9"), null, null, null),
            new ChangePoints());
    InfluxHttp.Problem problem =
        assertThrows(
            InfluxHttp.Problem.class, () -> down.analyze(Trends.Query.of("acme/chat", "main")));
    assertEquals(InfluxHttp.Problem.Kind.UNREACHABLE, problem.kind());
    assertTrue(problem.getMessage().startsWith("InfluxDB at http://127.0.0.1:9 does not answer"));
    assertEquals(1, problem.getMessage().lines().count());
  }

  private static Key withCommit(Key k, String commit) {
    return new Key(k.repo(), k.branch(), k.scenario(), k.metric(), commit);
  }
}
