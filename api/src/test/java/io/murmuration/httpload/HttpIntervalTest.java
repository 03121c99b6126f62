package io.murmuration.httpload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpIntervalTest {

  @Test
  void aReportLineReadsBackAsTheIntervalItWasWrittenFrom() {
    HttpInterval interval =
        new HttpInterval(
            120, 117, Map.of("http-timeout", 1L, "http-404", 2L), "HISTFAAAACh4nJNp+/8=", "-");
    String line = interval.line();
    assertEquals(
        "murm-http requests=120 ok=117 errors=http-404:2,http-timeout:1"
            + " response=HISTFAAAACh4nJNp+/8= lag=-",
        line);
    assertEquals(interval, HttpInterval.parse(line));
    HttpInterval none = new HttpInterval(0, 0, Map.of(), "-", "-");
    assertEquals(none, HttpInterval.parse(none.line()));
  }

  @Test
  void otherLinesOfTheChildAreNotReports() {
    assertNull(HttpInterval.parse("Simulation io.murmuration.gatling.HttpSendsSimulation started"));
    assertNull(HttpInterval.parse("murm-httprequests=1"));
    assertNull(HttpInterval.parse(""));
  }

  @Test
  void aMalformedReportLineIsRefused() {
    for (String line :
        new String[] {
          "murm-http requests=1 ok=1 errors=- response=-",
          "murm-http requests=1 ok=1 errors=- response=- lag=- extra=1",
          "murm-http requests=1 requests=1 ok=1 errors=- response=- lag=-",
          "murm-http requests=x ok=1 errors=- response=- lag=-",
          "murm-http requests=-1 ok=1 errors=- response=- lag=-",
          "murm-http requests=1 ok=1 errors=timeout:1 response=- lag=-",
          "murm-http requests=1 ok=1 errors=http-\"x\":1 response=- lag=-",
          "murm-http requests=1 ok=1 errors=http-404 response=- lag=-",
          "murm-http requests=1 ok=1 errors=- response=<b> lag=-"
        }) {
      assertThrows(IllegalArgumentException.class, () -> HttpInterval.parse(line), line);
    }
  }
}
