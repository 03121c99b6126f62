package io.murmuration.xmpp.lean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScramTest {
  @Test
  void computesTheProofAndChecksTheServerSignatureOfRfc5802sExample() {
    Scram scram = new Scram("user", "pencil", "fyko+d2lbbFgONRv9qkxdawL");
    assertEquals("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL", scram.clientFirst());
    assertEquals(
        "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
        scram.clientFinal(
            "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"));
    assertTrue(scram.verifyServerFinal("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="));
    assertFalse(scram.verifyServerFinal("v=AAAApqV8S7suAoZWja4dJRkFsKQ="));
  }

  @Test
  void refusesANonceThatDoesNotExtendOurs() {
    Scram scram = new Scram("user", "pencil", "abc");
    scram.clientFirst();
    assertThrows(IllegalArgumentException.class, () -> scram.clientFinal("r=xyz,s=QSXC,i=1"));
  }
}
