package io.murmuration.gatling;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why requests failed without a response, by virtual user: a Logback appender on the logger with
 * which Gatling 3.15's HTTP engine reports a failed request ({@code GatlingHttpListener}, at DEBUG:
 * "Request 'send' failed for user 17" with the exception), wired in {@code logback.xml}. Gatling
 * gives the cause to nothing else a simulation can read (its session only says that the request
 * failed), and logs it on the request's thread before the virtual user moves on, so the next action
 * of that user finds it here ({@link #take}).
 *
 * <p>Kinds: {@code http-timeout} (no response within the time-out, or no connection within it),
 * {@code http-refused} (the connection was refused: nothing listens there) and {@code http-failed}
 * (anything else: reset, TLS, DNS); a failure that was not logged as expected counts as {@code
 * http-failed} too.
 */
public final class FailureCauses extends AppenderBase<ILoggingEvent> {
  private static final Pattern USER = Pattern.compile("failed for user (\\d+)");
  private static final Map<Long, String> BY_USER = new ConcurrentHashMap<>();

  @Override
  protected void append(ILoggingEvent event) {
    Matcher user = USER.matcher(event.getFormattedMessage());
    if (user.find()) {
      BY_USER.put(Long.parseLong(user.group(1)), kind(cause(event.getThrowableProxy())));
    }
  }

  private static Throwable cause(IThrowableProxy proxy) {
    return proxy instanceof ThrowableProxy p ? p.getThrowable() : null;
  }

  /** The error kind of a request that failed with {@code failure}. */
  static String kind(Throwable failure) {
    boolean connect = false;
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof TimeoutException
          || t instanceof SocketTimeoutException
          || t instanceof ConnectTimeoutException) {
        return "http-timeout";
      }
      connect |= t instanceof ConnectException;
    }
    return connect ? "http-refused" : "http-failed";
  }

  /**
   * The kind of user {@code userId}'s failed request, forgotten here; {@code http-failed} if none.
   */
  static String take(long userId) {
    String kind = BY_USER.remove(userId);
    return kind == null ? "http-failed" : kind;
  }
}
