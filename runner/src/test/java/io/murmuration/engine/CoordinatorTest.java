package io.murmuration.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class CoordinatorTest {
  static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void handsEachMemberTheWholeGroupOnceItIsFull() {
    ActorRef<Coordinator.Command> coordinator = kit.spawn(Coordinator.create());
    TestProbe<Coordinator.Group> probe = kit.createTestProbe();
    for (int id = 1; id <= 6; id++) {
      coordinator.tell(
          new Coordinator.Join("bucket", 3, Duration.ofSeconds(30), id, ids -> {}, probe.getRef()));
    }
    for (int i = 0; i < 3; i++) {
      assertEquals(List.of(1, 2, 3), probe.receiveMessage().userIds());
    }
    for (int i = 0; i < 3; i++) {
      assertEquals(List.of(4, 5, 6), probe.receiveMessage().userIds());
    }
    probe.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void handsOutAnIncompleteGroupWhenItsTimeoutPasses() {
    ActorRef<Coordinator.Command> coordinator = kit.spawn(Coordinator.create());
    TestProbe<Coordinator.Group> probe = kit.createTestProbe();
    coordinator.tell(
        new Coordinator.Join("pair", 2, Duration.ofMillis(300), 7, ids -> {}, probe.getRef()));
    probe.expectNoMessage(Duration.ofMillis(150));
    assertEquals(List.of(7), probe.receiveMessage(Duration.ofSeconds(2)).userIds());
  }

  @Test
  void keepsCoordinatorsOfDifferentNamesApart() {
    ActorRef<Coordinator.Command> coordinator = kit.spawn(Coordinator.create());
    TestProbe<Coordinator.Group> probe = kit.createTestProbe();
    coordinator.tell(
        new Coordinator.Join("a", 2, Duration.ofSeconds(30), 1, ids -> {}, probe.getRef()));
    coordinator.tell(
        new Coordinator.Join("b", 2, Duration.ofSeconds(30), 2, ids -> {}, probe.getRef()));
    probe.expectNoMessage(Duration.ofMillis(200));
    coordinator.tell(
        new Coordinator.Join("a", 2, Duration.ofSeconds(30), 3, ids -> {}, probe.getRef()));
    assertEquals(List.of(1, 3), probe.receiveMessage().userIds());
    assertEquals(List.of(1, 3), probe.receiveMessage().userIds());
  }
}
