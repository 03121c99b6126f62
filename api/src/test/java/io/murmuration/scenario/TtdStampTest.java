package io.murmuration.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TtdStampTest {

  @Test
  void itsElementCarriesTheRunIdEscapedAsAnAttributeValue() {
    assertEquals(
        "<ttd xmlns='urn:murmuration:ttd:0' run='r&apos;1&amp;&lt;&quot;' t='42'/>",
        new TtdStamp("r'1&<\"", 42).xml());
    assertEquals(
        "x<ttd xmlns='urn:murmuration:ttd:0' run='20261205-run' t='-7'/>",
        new TtdStamp("20261205-run", -7).appendTo(new StringBuilder("x")).toString());
  }
}
