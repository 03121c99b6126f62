package io.murmuration.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** How the push scenario matches notifications to messages. */
class PushLedgerTest {

  @Test
  void aNotificationWithoutTextAnswersTheOldestMessageWaiting() {
    PushLedger ledger = new PushLedger();
    ledger.sleeper("murm-2");
    ledger.expect("murm-2", 10);
    ledger.expect("murm-2", 20);
    assertEquals(new PushLedger.Match(10, true), ledger.take("murm-2", null));
    assertEquals(new PushLedger.Match(20, true), ledger.take("murm-2", null));
    assertNull(ledger.take("murm-2", null), "nothing waiting: an extra push");
  }

  @Test
  void aNotificationNamingAMessageAnswersThatOneAndSaysWhetherItWasTheOldest() {
    PushLedger ledger = new PushLedger();
    ledger.sleeper("n");
    ledger.expect("n", 10);
    ledger.expect("n", 20);
    ledger.expect("n", 30);
    assertEquals(new PushLedger.Match(20, false), ledger.take("n", 20L));
    assertNull(ledger.take("n", 20L), "a second push for the same message");
    assertEquals(new PushLedger.Match(10, true), ledger.take("n", 10L));
    assertEquals(1, ledger.waiting("n"));
    assertEquals(1, ledger.waiting());
  }

  @Test
  void aNodeOfNoSleeperAnswersNothingAndAMessageNotSentIsNotWaitedFor() {
    PushLedger ledger = new PushLedger();
    assertNull(ledger.take("murm-9", null));
    ledger.sleeper("a");
    ledger.sleeper("b");
    ledger.expect("a", 5);
    ledger.expect("b", 5);
    ledger.expect("b", 6);
    ledger.unsent("b", 6);
    assertEquals(2, ledger.waiting());
    assertEquals(1, ledger.waiting("b"));
  }
}
