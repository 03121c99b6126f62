package io.murmuration.sut;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy in front of a server that holds every chunk the server sends back to a client for a
 * fixed extra time: a regression of known size, injected without touching the server. The gate's
 * accuracy experiment ({@code bench/gate-accuracy.sh}) points one arm at a proxy without delay and
 * the other at one with, so every delivered message (server → recipient) arrives {@code delay}
 * later; the client → server direction is forwarded at once.
 *
 * <p>The delay is kept to about a microsecond: a thread parks until shortly before the chunk's due
 * time and spins the rest, since parking alone overshoots by the kernel's timer slack (~50 µs),
 * which is a large part of the sub-millisecond delays this is for. Two platform threads per
 * connection; meant for hundreds of connections, not tens of thousands.
 */
public final class DelayProxy implements AutoCloseable {
  /** Below this much time left, spin instead of parking. */
  private static final long SPIN_NANOS = 100_000;

  private final ServerSocket listener;
  private final InetSocketAddress upstream;
  private final long delayNanos;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong connections = new AtomicLong();
  private final Object upstreamGate = new Object();
  private boolean upstreamPaused;
  private volatile boolean closed;

  private DelayProxy(ServerSocket listener, InetSocketAddress upstream, Duration delay) {
    this.listener = listener;
    this.upstream = upstream;
    this.delayNanos = delay.toNanos();
  }

  /**
   * Listens on {@code listen} (port 0: a free one) and forwards to {@code upstream}, delaying the
   * upstream → client direction by {@code delay}.
   *
   * @throws UncheckedIOException when {@code listen} cannot be bound
   */
  public static DelayProxy start(
      InetSocketAddress listen, InetSocketAddress upstream, Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(listen, 1024);
      DelayProxy proxy = new DelayProxy(s, upstream, delay);
      Thread.ofPlatform().daemon().name("proxy-accept-" + s.getLocalPort()).start(proxy::accept);
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + listen + ": " + e.getMessage(), e);
    }
  }

  /** Where clients connect. */
  public InetSocketAddress address() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

  /**
   * Stops ({@code true}) or resumes forwarding what clients send: a server that reads nothing more
   * from them, as one that falls behind looks to its clients (their writes back up). The server →
   * client direction goes on.
   */
  public void pauseUpstream(boolean pause) {
    synchronized (upstreamGate) {
      upstreamPaused = pause;
      upstreamGate.notifyAll();
    }
  }

  /** Connections accepted so far. */
  public long connections() {
    return connections.get();
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue; // e.g. too many open files: the client sees its connection closed
      }
      connections.incrementAndGet();
      Thread.ofPlatform().daemon().name("proxy-connect").start(() -> connect(client));
    }
  }

  private void connect(Socket client) {
    Socket server = new Socket();
    open.add(client);
    open.add(server);
    try {
      client.setTcpNoDelay(true);
      server.setTcpNoDelay(true);
      server.connect(upstream, 10_000);
    } catch (IOException e) {
      closeBoth(client, server);
      return;
    }
    AtomicInteger directions = new AtomicInteger(2);
    Thread.ofPlatform().daemon().name("proxy-up").start(() -> pump(client, server, -1, directions));
    pump(server, client, delayNanos, directions);
  }

  /**
   * Copies {@code from} to {@code to}, each chunk {@code delay} ns after it was read; {@code delay}
   * -1: the client → server direction, read only while not {@link #pauseUpstream paused}. An end of
   * stream is passed on as a half-close, so the other direction goes on until it ends too; an error
   * ends both.
   */
  private void pump(Socket from, Socket to, long delay, AtomicInteger directions) {
    byte[] buffer = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while (awaitUpstream(delay < 0) && (n = in.read(buffer)) >= 0) {
        if (delay > 0) {
          waitUntil(System.nanoTime() + delay);
        }
        out.write(buffer, 0, n);
      }
      to.shutdownOutput();
      if (directions.decrementAndGet() == 0) {
        closeBoth(from, to);
      }
    } catch (IOException e) {
      closeBoth(from, to); // a reset or a closed socket: nothing more passes either way
    }
  }

  /** Waits while the client → server direction is paused; true unless interrupted. */
  private boolean awaitUpstream(boolean upstream) {
    if (!upstream) {
      return true;
    }
    synchronized (upstreamGate) {
      while (upstreamPaused && !closed) {
        try {
          upstreamGate.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }

  private static void waitUntil(long due) {
    long left;
    while ((left = due - System.nanoTime()) > SPIN_NANOS) {
      LockSupport.parkNanos(left - SPIN_NANOS);
    }
    while (System.nanoTime() < due) {
      Thread.onSpinWait();
    }
  }

  private void closeBoth(Socket a, Socket b) {
    for (Socket s : new Socket[] {a, b}) {
      open.remove(s);
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  /** Stops listening and closes every connection. */
  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
