package io.murmuration.cli;

import io.murmuration.results.ExitCode;
import io.murmuration.scenario.Param;
import io.murmuration.sut.DelayProxy;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code murm proxy --to HOST:PORT --delay D}: a TCP proxy that delays what the server sends to its
 * clients, to inject a regression of known size (see {@link DelayProxy}); runs until Ctrl-C.
 */
@Command(
    name = "proxy",
    description =
        "Forward TCP to a server, delaying what it sends back by a fixed time (an injected"
            + " regression, for gate experiments); runs until Ctrl-C.")
final class ProxyCommand implements Callable<Integer> {

  @Option(
      names = "--to",
      required = true,
      paramLabel = "HOST:PORT",
      description = "the server, e.g. 127.0.0.1:5222")
  String to;

  @Option(
      names = "--listen",
      defaultValue = "127.0.0.1:0",
      paramLabel = "HOST:PORT",
      description = "where clients connect (default: ${DEFAULT-VALUE}, a free port)")
  String listen;

  @Option(
      names = "--delay",
      defaultValue = "0",
      paramLabel = "DURATION",
      description = "added to every server → client chunk, e.g. 0.15ms (default: 0)")
  String delay;

  PrintStream out = System.out;

  @Override
  public Integer call() throws InterruptedException {
    Duration d;
    try {
      d = Param.parseDuration(delay);
    } catch (IllegalArgumentException e) {
      throw new SetupException("--delay " + delay + ": write a duration, e.g. 0.15ms or 2ms");
    }
    InetSocketAddress upstream = address("--to", to);
    try (DelayProxy proxy = DelayProxy.start(address("--listen", listen), upstream, d)) {
      InetSocketAddress a = proxy.address();
      out.printf(
          "proxy on %s:%d → %s, server → client delayed by %d µs; Ctrl-C stops it%n",
          a.getHostString(), a.getPort(), to, d.toNanos() / 1000);
      new CountDownLatch(1).await();
      return ExitCode.OK.code;
    } catch (UncheckedIOException e) {
      throw new SetupException("--listen " + listen + ": " + e.getMessage(), e);
    }
  }

  private static InetSocketAddress address(String option, String text) {
    int colon = text.lastIndexOf(':');
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      if (colon < 1 || port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return new InetSocketAddress(text.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new SetupException(option + " " + text + ": expected HOST:PORT, e.g. 127.0.0.1:5222");
    }
  }
}
