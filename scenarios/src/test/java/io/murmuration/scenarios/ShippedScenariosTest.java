package io.murmuration.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.scenario.Param;
import io.murmuration.scenario.ParamValues;
import io.murmuration.scenario.Scenario;
import io.murmuration.scenario.ScenarioCatalog;
import io.murmuration.testing.Cli;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every shipped scenario is found, and its declared parameters are sound. */
class ShippedScenariosTest {

  static Stream<Scenario> shipped() {
    return ScenarioCatalog.load().all().stream();
  }

  @ParameterizedTest
  @ValueSource(strings = {"one-to-one", "ping", "registration", "presence-roster", "push"})
  void theCatalogFindsEachShippedScenarioByName(String name) {
    assertTrue(shipped().anyMatch(s -> s.name().equals(name)), name);
  }

  @Test
  void registrationCountsEachReasonOnACounterOfItsOwn() {
    assertEquals(
        "registration_resource_constraint", Registration.counterName("resource-constraint"));
    assertEquals("registration_conflict", Registration.counterName("conflict"));
  }

  @Test
  void aPushNamesItsMessagesSendTimeOnlyInTheWritersOwnWords() {
    assertEquals(42L, Push.stampIn("message 0 from 1 at 42"));
    assertEquals(-7L, Push.stampIn("message 12 from 301 at -7"));
    for (String other :
        new String[] {
          "New message",
          "message 0 from 1 at 42 and more",
          "message 0 from 1 at 99999999999999999999"
        }) {
      assertEquals(null, Push.stampIn(other), other);
    }
    assertEquals(null, Push.stampIn(null));
  }

  @Test
  void pingAddressesTheDomainOfTheUsersJid() {
    assertEquals("localhost", Ping.domain("user_17@localhost"));
    assertEquals("chat.example.org", Ping.domain("a@chat.example.org"));
  }

  @Test
  void theCatalogFindsTheMucAndArchiveLookupScenarios() {
    assertTrue(shipped().anyMatch(s -> s.name().equals("muc")));
    assertTrue(shipped().anyMatch(s -> s.name().equals("mam-lookup")));
  }

  @ParameterizedTest
  @MethodSource("shipped")
  void everyDefaultPassesItsOwnRulesAndReadsBackAsShown(Scenario scenario) {
    Set<String> names = new HashSet<>();
    for (Param<?> p : scenario.params()) {
      assertTrue(names.add(p.name()), "duplicate parameter " + p.name());
      assertFalse(p.description().isBlank(), p.name() + " has no description");
      assertEquals(p.defaultValue(), p.parse(p.show(p.defaultValue())), p.name());
    }
    assertTrue(scenario.name().matches("[a-z][a-z0-9-]*"), scenario.name());
    assertFalse(scenario.description().isBlank());
    assertEquals(
        names, ParamValues.resolve(scenario, Map.of(), Map.of(), Map.of()).asText().keySet());
  }

  @ParameterizedTest
  @MethodSource("shipped")
  void murmScenariosListsEveryScenarioWithItsParameters(Scenario scenario) {
    Cli murm = Cli.murm("scenarios");
    String listing = murm.out();
    assertEquals(0, murm.code(), murm.toString());
    assertTrue(listing.contains(scenario.name() + " — " + scenario.description()), listing);
    for (Param<?> p : scenario.params()) {
      assertTrue(listing.contains("-P" + p.name() + "=" + p.show(p.defaultValue())), p.name());
    }
  }

  @Test
  void oneToOneWritesToEveryOtherBucketMemberStartingAfterItself() {
    assertEquals(
        java.util.List.of(7, 3, 5), OneToOneChat.neighbours(java.util.List.of(3, 5, 9, 7), 9));
    assertEquals(java.util.List.of(), OneToOneChat.neighbours(java.util.List.of(4), 4));
  }

  @Test
  void aOneToOneUserKnowsHowManyMessagesItsNeighboursWillSendIt() {
    java.util.List<Integer> bucket = java.util.List.of(1, 2, 3);
    // 2 writes to 3, 1, 3, 1 and 3 writes to 1, 2, 1, 2: user 1 gets 2 + 2
    assertEquals(4, OneToOneChat.expected(bucket, 1, 4));
    for (int messages : new int[] {0, 1, 5, 7}) {
      java.util.List<Integer> four = java.util.List.of(8, 3, 11, 5);
      int all = four.stream().mapToInt(u -> OneToOneChat.expected(four, u, messages)).sum();
      assertEquals(4 * messages, all, "every message sent is expected by exactly one user");
    }
    assertEquals(0, OneToOneChat.expected(java.util.List.of(4), 4, 9));
  }
}
