package io.murmuration.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class ThrottleTest {
  static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static List<Long> slots(
      ActorRef<Throttle.Command> throttle, String name, long notBefore, int n) {
    TestProbe<Throttle.Granted> probe = kit.createTestProbe();
    for (int i = 0; i < n; i++) {
      throttle.tell(new Throttle.Acquire(name, notBefore, () -> {}, probe.getRef()));
    }
    List<Long> slots = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      slots.add(probe.receiveMessage().slotNanos());
    }
    return slots;
  }

  @Test
  void spacesSlotsOneOverTheRateApart() {
    ActorRef<Throttle.Command> throttle = kit.spawn(Throttle.create(Map.of("msg", 100.0)));
    List<Long> slots = slots(throttle, "msg", 1_000_000_000L, 5);
    assertEquals(
        List.of(1_000_000_000L, 1_010_000_000L, 1_020_000_000L, 1_030_000_000L, 1_040_000_000L),
        slots);
  }

  @Test
  void grantsTheRequestedTimeWhenTheRateIsZero() {
    ActorRef<Throttle.Command> throttle = kit.spawn(Throttle.create(Map.of("msg", 0.0)));
    assertEquals(List.of(5L, 5L, 5L), slots(throttle, "msg", 5L, 3));
  }

  @Test
  void doesNotSaveUpUnusedCapacityForABurst() {
    ActorRef<Throttle.Command> throttle = kit.spawn(Throttle.create(Map.of("msg", 10.0)));
    slots(throttle, "msg", 0L, 1);
    // long after the first slot: the next slots start at the request time, spaced 100 ms
    assertEquals(
        List.of(10_000_000_000L, 10_100_000_000L), slots(throttle, "msg", 10_000_000_000L, 2));
  }

  @Test
  void aNewRateAppliesToTheNextSlots() {
    ActorRef<Throttle.Command> throttle = kit.spawn(Throttle.create(Map.of("msg", 1.0)));
    throttle.tell(new Throttle.SetRate("msg", 1000.0));
    assertEquals(List.of(0L, 1_000_000L, 2_000_000L), slots(throttle, "msg", 0L, 3));
  }
}
