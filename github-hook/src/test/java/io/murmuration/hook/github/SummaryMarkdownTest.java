package io.murmuration.hook.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.results.Assertion;
import io.murmuration.results.Summary;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryMarkdownTest {
  /** The example of docs/results.md, as the runner writes it. */
  static Path fixture() throws Exception {
    return Path.of(SummaryMarkdownTest.class.getResource("summary.json").toURI());
  }

  @Test
  void rendersTheKeyNumbersOfARealSummaryWithAssertionsAndLinks() throws Exception {
    SummaryMarkdown markdown =
        new SummaryMarkdown(
            URI.create("https://grafana.example/"), URI.create("https://runs.example/murm"));

    String text =
        markdown.render(
            io.murmuration.results.Summary.read(fixture())
                .concluded(
                    List.of(
                        Assertion.parse("ttd.p99 < 50ms"), Assertion.parse("messages.lost == 0"))));

    assertEquals(
        """
        **one-to-one** — finished in 180.12 s, 2,000 users

        | metric | value |
        |---|---:|
        | TTD p50 | 0.846 ms |
        | TTD p90 | 2.359 ms |
        | TTD p99 | 22.528 ms |
        | TTD p99.9 | 43.45 ms |
        | messages sent | 150,000 |
        | messages delivered | 149,916 (99.944 %) |
        | messages lost | 84 |
        | delivered per second (msg/s) | 832.312 |
        | connect p99 | 1.253 ms |
        | login p99 | 15.385 ms |
        | errors | 43 (connect_refused 6, timeout 37) |
        | runner CPU | 41.87 s on 8 cores |
        | runner RSS peak | 612.45 MiB |

        - ✅ `ttd.p99 < 50ms` — measured 22.528
        - ❌ `messages.lost == 0` — measured 84

        [Grafana: Run dashboard](https://grafana.example/d/murm-run/murmuration-run\
        ?var-run=2025-06-01T10-00-00-a1b2&from=1748771940000&to=1748772240120)\
         · [run report](https://runs.example/murm/2025-06-01T10-00-00-a1b2/report.html)\
         · run `2025-06-01T10-00-00-a1b2`
        """,
        text);
  }

  @Test
  void withoutGrafanaOrRunsUrlThereAreNoLinksAndNoAssertionList() throws Exception {
    String text =
        new SummaryMarkdown(null, null).render(io.murmuration.results.Summary.read(fixture()));

    assertFalse(text.contains("](http"), text);
    assertFalse(text.contains("measured"), text);
    assertTrue(text.endsWith("\nrun `2025-06-01T10-00-00-a1b2`\n"), text);
  }

  @Test
  void aFailedRunWithoutSamplesShowsNotAvailableNeverZero() {
    Summary.Timing none = new Summary.Timing(0, null, null, null, null, null, null);
    Instant start = Instant.parse("2025-06-01T10:00:00Z");
    Summary failed =
        new Summary(
            1,
            "r1",
            "one-to-one",
            Map.of(),
            "127.0.0.1:5222",
            "smack",
            start,
            start.plusSeconds(3),
            3.0,
            0,
            Summary.FAILED,
            "connection refused",
            null,
            List.of(),
            new Summary.Users(10, 0),
            new Summary.Messages(0, 0, 0, 0, 0, null),
            0,
            none,
            none,
            none,
            none,
            Map.of(),
            0,
            Map.of(),
            null,
            null,
            null,
            null,
            null,
            null,
            null);

    String text =
        new SummaryMarkdown(null, null)
            .render(failed.concluded(List.of(Assertion.parse("ttd.p99 < 5ms"))));

    assertTrue(
        text.startsWith("**one-to-one** — failed in 3 s, 0 users: connection refused"), text);
    assertTrue(text.contains("| TTD p99 | n/a |"), text);
    assertTrue(text.contains("| messages delivered | 0 |"), text);
    assertTrue(text.contains("| connect p99 | n/a |"), text);
    assertFalse(text.contains("runner CPU"), text);
    assertTrue(text.contains("- ❌ `ttd.p99 < 5ms` — measured nothing"), text);
  }
}
