package io.murmuration.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.murmuration.accounts.Accounts;
import io.murmuration.sut.LocalEjabberd;
import io.murmuration.sut.LocalProsody;
import io.murmuration.testing.Cli;
import io.murmuration.testing.LocalServersExtension;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The in-band registration storm from the command line against real servers. */
@ExtendWith(LocalServersExtension.class)
class RegistrationRunTest {
  @TempDir Path runs;

  private static String target(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  private Cli registration(
      InetSocketAddress c2s, String domain, int first, int users, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "registration",
                "--target",
                target(c2s),
                "--domain",
                domain,
                "--users",
                Integer.toString(users),
                "--first-user",
                Integer.toString(first),
                "--arrival-rate",
                "100",
                "--accounts",
                "scenario",
                "--runs-dir",
                runs.toString(),
                "--quiet"));
    args.addAll(List.of(more));
    return Cli.murm(args.toArray(String[]::new));
  }

  @ParameterizedTest
  @ValueSource(strings = {"lean", "smack"})
  void everyUserRegistersAFreshAccountAndLogsInWithIt(String transport, LocalEjabberd ejabberd)
      throws Exception {
    int first = LocalServersExtension.freshUserIds(30);
    Cli run =
        registration(
            ejabberd.c2s(),
            ejabberd.domain(),
            first,
            30,
            "--client",
            transport,
            "-Pregistration_rate=200",
            "--assert",
            "timers.registration.count == 30",
            "--assert",
            "counters.registration_failures == 0");
    assertEquals(0, run.code(), run.toString());
    JsonNode s = run.summary();
    assertEquals("finished", s.get("state").asText());
    assertEquals(30, s.at("/timers_ms/registration/count").asLong());
    double p50 = s.at("/timers_ms/registration/p50").asDouble();
    assertTrue(p50 > 0 && p50 <= s.at("/timers_ms/registration/p99").asDouble(), s.toString());
    assertEquals(0, s.at("/counters/registration_failures").asLong());
    assertEquals(30, s.at("/login_ms/count").asLong());
    assertEquals(0, s.get("errors_total").asLong());
    assertEquals(30, s.at("/actions/register/done").asLong(), s.at("/actions").toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"lean", "smack"})
  void anAccountThatExistsIsCountedAsAConflictAndItsUserEndsNormally(
      String transport, LocalEjabberd ejabberd) throws Exception {
    int first = LocalServersExtension.freshUserIds(10);
    ejabberd.registerUsers(Accounts.existing("user_{id}", "password_{id}"), first, 10);
    Cli run = registration(ejabberd.c2s(), ejabberd.domain(), first, 10, "--client", transport);
    assertEquals(0, run.code(), run.toString());
    JsonNode s = run.summary();
    assertEquals("finished", s.get("state").asText());
    assertEquals(10, s.at("/counters/registration_conflict").asLong(), s.toString());
    assertEquals(10, s.at("/counters/registration_failures").asLong());
    assertEquals(0, s.at("/counters/registration_other").asLong());
    assertEquals(0, s.at("/timers_ms/registration/count").asLong());
    assertEquals(10, s.at("/errors/register").asLong());
    assertEquals(0, s.at("/login_ms/count").asLong(), "nobody logs in after a refusal");
  }

  @Test
  void registersWithoutLoggingInAgainstProsody(LocalProsody prosody) throws Exception {
    int first = LocalServersExtension.freshUserIds(6);
    Cli run = registration(prosody.c2s(), prosody.domain(), first, 6, "-Plogin=false");
    assertEquals(0, run.code(), run.toString());
    JsonNode s = run.summary();
    assertEquals(6, s.at("/timers_ms/registration/count").asLong(), s.toString());
    assertEquals(0, s.at("/counters/registration_failures").asLong());
    assertEquals(0, s.at("/login_ms/count").asLong());
    assertEquals(0, s.get("errors_total").asLong());
  }
}
