package io.murmuration.sut;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
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
}
