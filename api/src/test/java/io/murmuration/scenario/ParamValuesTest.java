package io.murmuration.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamValuesTest {
  static final Param<Integer> COUNT = Param.ofInt("count", 3, "how many").atLeast(0);
  static final Param<Duration> GAP =
      Param.ofDuration("gap", Duration.ofSeconds(1), "gap").changeable();

  static final Scenario SCENARIO =
      new Scenario() {
        public String name() {
          return "sample";
        }

        public String description() {
          return "a sample";
        }

        public List<Param<?>> params() {
          return List.of(COUNT, GAP);
        }

        public void start(User user) {}
      };

  @Test
  void flagsWinOverEnvironmentWhichWinsOverTheFile() {
    ParamValues v =
        ParamValues.resolve(
            SCENARIO,
            Map.of("count", "1", "gap", "2s"),
            Map.of("MURM_PARAM_COUNT", "5", "PATH", "/bin"),
            Map.of("count", "9"));
    assertEquals(9, v.get(COUNT));
    assertEquals(Duration.ofSeconds(2), v.get(GAP));
    v =
        ParamValues.resolve(
            SCENARIO, Map.of("count", "1"), Map.of("MURM_PARAM_COUNT", "5"), Map.of());
    assertEquals(5, v.get(COUNT));
  }

  @Test
  void defaultsApplyWhenNothingIsGiven() {
    ParamValues v = ParamValues.resolve(SCENARIO, Map.of(), Map.of(), Map.of());
    assertEquals(3, v.get(COUNT));
    assertEquals(Map.of("count", "3", "gap", "1s"), v.asText());
  }

  @Test
  void anUnknownParameterIsRejectedWithTheKnownOnes() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ParamValues.resolve(SCENARIO, Map.of(), Map.of(), Map.of("cuont", "1")));
    assertEquals(
        "unknown parameter 'cuont' given with -P: scenario sample takes count, gap (see ./murm scenarios)",
        e.getMessage());
  }

  @Test
  void anUnknownEnvironmentParameterIsRejectedToo() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ParamValues.resolve(SCENARIO, Map.of(), Map.of("MURM_PARAM_SIZE", "1"), Map.of()));
    assertTrue(
        e.getMessage().startsWith("unknown parameter 'size' in environment variable"),
        e.getMessage());
  }

  @Test
  void onlyChangeableParametersChangeDuringTheRun() {
    ParamValues v = ParamValues.defaults(SCENARIO);
    v.set("gap", "250ms");
    assertEquals(Duration.ofMillis(250), v.get(GAP));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> v.set("count", "4"));
    assertEquals(
        "parameter count cannot change during a run: set it before the run starts", e.getMessage());
    assertEquals(3, v.get(COUNT));
  }
}
