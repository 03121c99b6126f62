package io.murmuration.gatling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class FailureCausesTest {

  @Test
  void aFailureIsATimeoutARefusalOrAnotherFailureByItsCauses() {
    assertEquals("http-refused", FailureCauses.kind(new ConnectException("Connection refused")));
    assertEquals(
        "http-refused",
        FailureCauses.kind(new IOException("wrapped", new ConnectException("refused"))));
    assertEquals("http-timeout", FailureCauses.kind(new TimeoutException("Request timeout")));
    assertEquals(
        "http-timeout",
        FailureCauses.kind(new ConnectTimeoutException("connection timed out")),
        "a connect time-out is a ConnectException, and a time-out first");
    assertEquals("http-timeout", FailureCauses.kind(new SocketTimeoutException()));
    assertEquals("http-failed", FailureCauses.kind(new IOException("Premature close")));
    assertEquals("http-failed", FailureCauses.kind(null));
  }

  /** Through the logger that logback.xml wires to it, as Gatling logs a failed request. */
  @Test
  void gatlingsLogLineOfAFailedRequestLeavesItsKindForThatUserOnce() {
    Logger gatling =
        ((LoggerContext) LoggerFactory.getILoggerFactory())
            .getLogger("io.gatling.http.engine.GatlingHttpListener$");
    assertEquals(Level.DEBUG, gatling.getLevel());
    gatling.debug(
        "Request 'send' failed for user 4711", new ConnectException("Connection refused"));
    gatling.debug("Request 'send' failed for user 4712", new TimeoutException("Request timeout"));
    assertEquals("http-refused", FailureCauses.take(4711));
    assertEquals("http-failed", FailureCauses.take(4711), "taken once");
    assertEquals("http-timeout", FailureCauses.take(4712));
  }
}
