package io.murmuration.sut;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Picks TCP ports that are free on the loopback interface right now. */
final class FreePorts {
  private FreePorts() {}

  /**
   * {@code count} distinct ports that nothing listens on. A port can still be taken by another
   * process before the server binds it; servers fail to start then, with the port in their log.
   */
  static int[] pick(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free loopback port", e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // nothing to do: the port is free again either way
        }
      }
    }
  }

  /**
   * One port that is free on every one of {@code addresses} (e.g. 127.0.0.1 and 127.0.0.2), for
   * servers that all listen on the same port, each on its own address.
   */
  static int pickOnAll(List<InetAddress> addresses) {
    for (int attempt = 0; attempt < 20; attempt++) {
      int port = pick(1)[0];
      if (addresses.stream().allMatch(address -> isFree(address, port))) {
        return port;
      }
    }
    throw new IllegalStateException(
        "no port is free on all of " + addresses + " (Linux serves all of 127.0.0.0/8 on lo)");
  }

  private static boolean isFree(InetAddress address, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(address, port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
