package io.murmuration.sut;

import io.murmuration.xmpp.XmppSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An XMPP server under test that this JVM started on loopback: what tests and the CLI demo need to
 * reach it, crash it and stop it. {@link #close()} stops it gracefully; a JVM shutdown hook does
 * the same on Ctrl-C.
 */
public interface LocalServer extends AutoCloseable {

  /**
   * How to start a local server ({@code LocalEjabberd.Options} and {@code LocalProsody.Options}
   * name this record too).
   *
   * @param domain the XMPP domain ({@code localhost} by default)
   * @param folder where config, data and logs go; {@code null} for a fresh temp folder
   * @param keepFolder keep a fresh temp folder after {@link #close()} (a given folder is always
   *     kept)
   * @param startTimeout how long {@code start} waits for the server to accept streams
   * @param c2sPort the loopback port of the c2s listener, or 0 for a free one picked at start (a
   *     fixed port lets a parent that picked it, e.g. the webhook pipeline, tell the runner where
   *     the server is before it starts)
   * @param archive whether ejabberd archives every message (XEP-0313, {@code mod_mam}, on by
   *     default: the mam-lookup scenario needs it); off for throughput runs that do not read the
   *     archive, where each archived message costs writes on every node of a cluster
   * @param pushBody whether ejabberd's push notifications (XEP-0357) carry the message's text and
   *     sender (on by default, as MongooseIM's do); off: they carry no summary at all
   */
  record Options(
      String domain,
      Path folder,
      boolean keepFolder,
      Duration startTimeout,
      int c2sPort,
      boolean archive,
      boolean pushBody) {
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");

    public Options {
      if (!DOMAIN.matcher(domain).matches()) {
        throw new IllegalArgumentException("'" + domain + "' is not a plain lowercase XMPP domain");
      }
      if (startTimeout.isNegative() || startTimeout.isZero()) {
        throw new IllegalArgumentException("start timeout must be positive, not " + startTimeout);
      }
      if (c2sPort < 0 || c2sPort > 65535) {
        throw new IllegalArgumentException("c2s port must be 1..65535 (or 0: any), not " + c2sPort);
      }
    }

    /**
     * Domain {@code localhost}, a fresh temp folder removed at close, 60 s to start, a free c2s
     * port, the archive on, push notifications with the message's text.
     */
    public static Options defaults() {
      return new Options("localhost", null, false, Duration.ofSeconds(60), 0, true, true);
    }

    public Options withDomain(String domain) {
      return new Options(domain, folder, keepFolder, startTimeout, c2sPort, archive, pushBody);
    }

    public Options withFolder(Path folder) {
      return new Options(domain, folder, keepFolder, startTimeout, c2sPort, archive, pushBody);
    }

    public Options withKeepFolder(boolean keepFolder) {
      return new Options(domain, folder, keepFolder, startTimeout, c2sPort, archive, pushBody);
    }

    public Options withStartTimeout(Duration startTimeout) {
      return new Options(domain, folder, keepFolder, startTimeout, c2sPort, archive, pushBody);
    }

    public Options withC2sPort(int c2sPort) {
      return new Options(domain, folder, keepFolder, startTimeout, c2sPort, archive, pushBody);
    }

    public Options withArchive(boolean archive) {
      return new Options(domain, folder, keepFolder, startTimeout, c2sPort, archive, pushBody);
    }

    public Options withPushBody(boolean pushBody) {
      return new Options(domain, folder, keepFolder, startTimeout, c2sPort, archive, pushBody);
    }
  }

  /** The c2s (client-to-server) listener, on 127.0.0.1. */
  InetSocketAddress c2s();

  /** The XMPP domain users log in to ({@code user@domain}). */
  String domain();

  /** The folder holding the generated configuration, data and logs. */
  Path folder();

  /** The server's main log file. */
  Path logFile();

  /** The PID of the server process itself (not of a launcher script). */
  long osPid();

  /**
   * Kills the server with SIGKILL, as a crash would; connected clients see their connections drop.
   */
  void kill();

  /** Stops the server (SIGTERM, SIGKILL if it lingers); never throws. */
  @Override
  void close();

  /**
   * Settings for reaching this server with the Smack transport: plain TCP (no STARTTLS), SASL
   * PLAIN, 10 s connect timeout. Copy and change fields for other variants.
   */
  default XmppSettings xmppSettings() {
    return new XmppSettings(
        List.of(c2s()),
        List.of(),
        domain(),
        XmppSettings.Tls.DISABLED,
        false,
        "PLAIN",
        Duration.ofSeconds(10),
        "smack");
  }
}
