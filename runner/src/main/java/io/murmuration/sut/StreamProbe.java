package io.murmuration.sut;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Checks that an XMPP server serves a domain on a c2s port: opens a stream and reads until the
 * stream features arrive. Cheaper than a login and needs no account.
 */
final class StreamProbe {
  private StreamProbe() {}

  /** The answer to one probe. */
  enum Answer {
    /** Stream features arrived: the server is ready for logins. */
    READY,
    /** Nothing listens yet, or the connection closed before the features. */
    NOT_YET,
    /** The server answered with a stream error, e.g. {@code host-unknown}. */
    STREAM_ERROR
  }

  static Answer probe(InetSocketAddress c2s, String domain, int timeoutMillis) {
    try (Socket socket = new Socket()) {
      socket.connect(c2s, timeoutMillis);
      socket.setSoTimeout(timeoutMillis);
      String open =
          "<?xml version='1.0'?><stream:stream to='"
              + domain
              + "' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
      socket.getOutputStream().write(open.getBytes(StandardCharsets.UTF_8));
      InputStream in = socket.getInputStream();
      StringBuilder received = new StringBuilder();
      byte[] buffer = new byte[4096];
      int n;
      while (received.length() < 65536 && (n = in.read(buffer)) > 0) {
        received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        if (received.indexOf("stream:error") >= 0) {
          return Answer.STREAM_ERROR;
        }
        if (received.indexOf("</stream:features>") >= 0
            || received.indexOf("<stream:features/>") >= 0) {
          return Answer.READY;
        }
      }
      return Answer.NOT_YET;
    } catch (IOException e) {
      return Answer.NOT_YET;
    }
  }
}
