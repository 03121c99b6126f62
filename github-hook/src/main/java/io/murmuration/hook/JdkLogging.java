package io.murmuration.hook;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends java.util.logging — what the JDK's HTTP server and github-api log with — to the service's
 * own log (slf4j), one line per record, at the service's level: by default a java.util.logging
 * record is two lines on the console (time and class, then level and message), and github-api's
 * INFO notes about each retry of a failed call would print, where the service promises one line per
 * failed GitHub call (its WARN, at the end).
 */
final class JdkLogging {
  private JdkLogging() {}

  /** Replaces the root java.util.logging handlers by one that forwards to slf4j. Idempotent. */
  static void toSlf4j() {
    java.util.logging.Logger root = LogManager.getLogManager().getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    root.addHandler(new ToSlf4j());
  }

  private static final class ToSlf4j extends Handler {
    private final Formatter messages = new SimpleFormatter();

    @Override
    public void publish(LogRecord r) {
      Logger log = LoggerFactory.getLogger(r.getLoggerName() == null ? "jdk" : r.getLoggerName());
      String line =
          (messages.formatMessage(r) + (r.getThrown() == null ? "" : ": " + r.getThrown()))
              .replaceAll("\\s*\\R\\s*", " ");
      int level = r.getLevel().intValue();
      if (level >= Level.SEVERE.intValue()) {
        log.error(line);
      } else if (level >= Level.WARNING.intValue()) {
        log.warn(line);
      } else if (level >= Level.INFO.intValue()) {
        log.info(line);
      } else {
        log.debug(line);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
