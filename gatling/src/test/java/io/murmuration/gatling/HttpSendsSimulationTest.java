package io.murmuration.gatling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.gatling.HttpSendsSimulation.Stretch;
import io.murmuration.scenario.HttpLoad;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpSendsSimulationTest {
  private static final HttpLoad LOAD =
      HttpLoad.post("http://127.0.0.1:5280/api/send_message", HttpLoad.EJABBERD_SEND_MESSAGE);

  @Test
  void gatlingInjectsOneUserPerSendInTheSecondItIsDue() {
    for (HttpLoad load :
        new HttpLoad[] {
          LOAD.rate(50).hold(Duration.ofSeconds(3)),
          LOAD.rate(40).ramp(Duration.ofSeconds(5)).hold(Duration.ofMillis(2500)),
          LOAD.rate(0.4).hold(Duration.ofSeconds(11)),
          LOAD.rate(1000).ramp(Duration.ofMillis(300)).hold(Duration.ZERO)
        }) {
      List<Stretch> stretches = HttpSendsSimulation.stretches(load);
      long second = 0;
      long users = 0;
      for (int i = 0; i < stretches.size(); i++) {
        Stretch s = stretches.get(i);
        if (i > 0) {
          assertNotEquals(stretches.get(i - 1).usersPerSecond(), s.usersPerSecond(), "merged");
        }
        for (long j = 0; j < s.seconds(); j++, second++) {
          long due = load.dueBy((second + 1) * 1_000_000_000) - load.dueBy(second * 1_000_000_000);
          assertEquals(due, s.usersPerSecond(), load + " second " + second);
        }
        users += s.seconds() * s.usersPerSecond();
      }
      assertEquals(load.sends(), users, load.toString());
      assertEquals(
          (load.ramp().plus(load.hold()).toMillis() + 999) / 1000, second, "the whole schedule");
      assertEquals(stretches.size(), HttpSendsSimulation.injection(load).size());
    }
  }

  @Test
  void aConstantRateIsOneStretch() {
    assertEquals(
        List.of(new Stretch(60, 50)),
        HttpSendsSimulation.stretches(LOAD.rate(50).hold(Duration.ofMinutes(1))));
    assertTrue(
        HttpSendsSimulation.stretches(LOAD.rate(0.4).hold(Duration.ofSeconds(5))).stream()
            .anyMatch(s -> s.usersPerSecond() == 0),
        "seconds with no send are waited through");
  }
}
