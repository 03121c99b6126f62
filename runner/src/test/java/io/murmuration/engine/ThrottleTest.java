package io.murmuration.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class ThrottleTest {

  private static List<Long> slots(Throttle throttle, String name, long notBefore, int n) {
    List<Long> slots = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      slots.add(throttle.acquire(name, notBefore));
    }
    return slots;
  }

  @Test
  void spacesSlotsOneOverTheRateApart() {
    Throttle throttle = new Throttle(Map.of("msg", 100.0));
    assertEquals(
        List.of(1_000_000_000L, 1_010_000_000L, 1_020_000_000L, 1_030_000_000L, 1_040_000_000L),
        slots(throttle, "msg", 1_000_000_000L, 5));
  }

  @Test
  void grantsTheRequestedTimeWhenTheRateIsZero() {
    assertEquals(List.of(5L, 5L, 5L), slots(new Throttle(Map.of("msg", 0.0)), "msg", 5L, 3));
  }

  @Test
  void doesNotSaveUpUnusedCapacityForABurst() {
    Throttle throttle = new Throttle(Map.of("msg", 10.0));
    slots(throttle, "msg", 0L, 1);
    // long after the first slot: the next slots start at the request time, spaced 100 ms
    assertEquals(
        List.of(10_000_000_000L, 10_100_000_000L), slots(throttle, "msg", 10_000_000_000L, 2));
  }

  @Test
  void aNewRateAppliesToTheNextSlots() {
    Throttle throttle = new Throttle(Map.of("msg", 1.0));
    throttle.setRate("msg", 1000.0);
    assertEquals(List.of(0L, 1_000_000L, 2_000_000L), slots(throttle, "msg", 0L, 3));
  }

  @Test
  void namesAreIndependent() {
    Throttle throttle = new Throttle(Map.of("a", 1.0, "b", 1.0));
    assertEquals(List.of(0L, 1_000_000_000L), slots(throttle, "a", 0L, 2));
    assertEquals(List.of(0L, 1_000_000_000L), slots(throttle, "b", 0L, 2));
  }

  @Test
  void anUndeclaredNameIsAScenarioBug() {
    Throttle throttle = new Throttle(Map.of("msg", 1.0));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> throttle.acquire("other", 0L));
    assertEquals(
        "throttle 'other' is not declared: declare it in the scenario's init()", e.getMessage());
  }

  @Test
  void settingAnUndeclaredNameIsRefusedAndDeclaresNothing() {
    Throttle throttle = new Throttle(Map.of("messages", 1.0));
    assertThrows(IllegalStateException.class, () -> throttle.setRate("mesages", 5.0));
    assertThrows(IllegalStateException.class, () -> throttle.acquire("mesages", 0L));
  }

  @Test
  void concurrentCallersNeverShareASlot() throws Exception {
    Throttle throttle = new Throttle(Map.of("msg", 1000.0));
    Set<Long> slots = ConcurrentHashMap.newKeySet();
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      for (int t = 0; t < 4; t++) {
        pool.submit(
            () -> {
              for (int i = 0; i < 10_000; i++) {
                slots.add(throttle.acquire("msg", 0L));
              }
            });
      }
    }
    assertEquals(40_000, slots.size());
    for (long i = 0; i < 40_000; i++) {
      assertEquals(true, slots.contains(i * 1_000_000L), "slot " + i);
    }
  }
}
