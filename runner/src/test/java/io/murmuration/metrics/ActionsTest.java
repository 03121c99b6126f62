package io.murmuration.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ActionsTest {

  @Test
  void booksThatBalanceWithOnlyStopsToExplainThemShowNoShortfall() {
    Actions books = new Actions();
    books.planned("message", 10);
    for (int i = 0; i < 7; i++) {
      books.done("message");
    }
    books.notDone("message", Actions.Reason.RUN_STOPPED, 2);
    books.notDone("message", Actions.Reason.USER_REMOVED, 1);
    books.planned("after", 2);
    books.notDone("after", Actions.Reason.USER_FINISHED, 2);
    books.planned("coordinate:bucket", 3);
    books.done("coordinate:bucket");
    books.notDone("coordinate:bucket", Actions.Reason.GROUP_TIMED_OUT, 2);

    Map<String, Actions.Count> snapshot = books.snapshot();
    assertEquals(
        new Actions.Count(10, 7, Map.of("run stopped", 2L, "user removed", 1L)),
        snapshot.get("message"));
    assertEquals(0, snapshot.get("message").unaccounted());
    assertNull(Actions.shortfall(snapshot));
  }

  @Test
  void workLeftUndoneWithNoStopToExplainItIsNamedKindByKind() {
    Actions books = new Actions();
    books.planned("message", 5);
    books.done("message");
    books.notDone("message", Actions.Reason.NOT_CONNECTED, 1);
    books.notDone("message", Actions.Reason.RUN_STOPPED, 1);

    assertEquals(
        "1 message not done (user not connected), 2 message unaccounted for",
        Actions.shortfall(books.snapshot()));
  }

  @Test
  void theSnapshotListsKindsInOrderAndLeavesOutReasonsThatNeverOccurred() {
    Actions books = new Actions();
    books.planned("repeat", 1);
    books.done("repeat");
    books.planned("login", 1);
    books.done("login");
    assertEquals(
        Map.of(
            "login",
            new Actions.Count(1, 1, Map.of()),
            "repeat",
            new Actions.Count(1, 1, Map.of())),
        books.snapshot());
    assertEquals(
        java.util.List.of("login", "repeat"), java.util.List.copyOf(books.snapshot().keySet()));
  }
}
