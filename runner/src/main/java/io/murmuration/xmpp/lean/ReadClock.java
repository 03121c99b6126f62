package io.murmuration.xmpp.lean;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The first handler of a WebSocket or HTTP pipeline: takes {@link System#nanoTime()} once per read,
 * before TLS and the codecs see the bytes, so that every element that read completes carries the
 * time its last bytes arrived (as {@link TcpConnection} does for the TCP wire).
 *
 * <p>Not thread-safe: one per channel, read on its event loop.
 */
final class ReadClock extends ChannelInboundHandlerAdapter {
  private long lastReadNanos;

  /** The time of the latest read; during a callback, the read that led to it. */
  long lastReadNanos() {
    return lastReadNanos;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    lastReadNanos = System.nanoTime();
    ctx.fireChannelRead(msg);
  }
}
