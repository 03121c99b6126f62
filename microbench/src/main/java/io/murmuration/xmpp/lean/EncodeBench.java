package io.murmuration.xmpp.lean;

import io.murmuration.scenario.TtdStamp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The lean transport's send path of one chat message, as {@code UserActor}'s {@code sendChat} and
 * {@code LeanClient.sendChat} build it: a new {@link TtdStamp} of the run id and the intended send
 * time, {@link Xml#chat} to the recipient's bare JID; then, as {@code TcpConnection.write} encodes
 * it, {@code ByteBufUtil.writeUtf8} into a buffer of Netty's default (pooled) allocator, which the
 * channel releases once written (here: released at once). Left out: the hop onto the event loop and
 * the channel write itself.
 *
 * <p>{@code chat}: stamp, stanza and UTF-8 buffer. {@code chatXml}: stamp and stanza string alone.
 */
@State(Scope.Thread)
public class EncodeBench {
  private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
  private String to = "user_17@localhost";
  private String body = "message 42 from 3";
  private String runId = Stanzas.RUN_ID;
  private long intended = 123456789012345L;

  @Benchmark
  public int chat() {
    ByteBuf bytes = ByteBufUtil.writeUtf8(alloc, chatXml());
    int written = bytes.readableBytes();
    bytes.release();
    return written;
  }

  @Benchmark
  public String chatXml() {
    intended += 1_000_000; // the next message's intended time: same number of digits
    return Xml.chat(to, "chat", body, new TtdStamp(runId, intended));
  }
}
