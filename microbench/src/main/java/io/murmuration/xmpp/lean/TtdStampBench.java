package io.murmuration.xmpp.lean;

import io.murmuration.scenario.Incoming;
import io.murmuration.scenario.Stanza;
import io.murmuration.scenario.TtdStamp;
import io.murmuration.xmpp.XmppClient;
import io.murmuration.xmpp.XmppException;
import javax.xml.stream.XMLStreamException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * From a parsed chat message (the element {@link ParseBench} yields) to its time to delivery in
 * nanoseconds.
 *
 * <p>{@code stamp}: what {@code Inbox.stamp} and {@code UserActor.timeDelivery} do with the stamp
 * alone: find the {@code <ttd/>} child, {@link TtdStamp#of} (two attribute look-ups, a {@code
 * Long.parseLong}, a new record), check the run id against the runner's, subtract the intended time
 * from the read's receive time.
 *
 * <p>{@code inbox}: the whole of what a ready session does with the message: {@code Inbox.receive}
 * (the body, type and delay look-ups, the body's text, the stamp, a new {@link Incoming}) and a
 * listener doing {@code UserActor.timeDelivery}'s arithmetic.
 */
@State(Scope.Thread)
public class TtdStampBench {
  private XmlElement message;
  private String runId;
  private long receivedAt;
  private Inbox inbox;

  @Setup(Level.Trial)
  public void setUp(Blackhole blackhole) throws XMLStreamException {
    message = Stanzas.parse(Stanzas.messages(1)).getFirst();
    runId = new String(Stanzas.RUN_ID); // equal, not the same instance: as in a run
    receivedAt = 123456789012345L + 2_500_000;
    if (stamp() != 2_500_000) {
      throw new IllegalStateException("TTD " + stamp() + " of " + message);
    }
    inbox =
        new Inbox(
            new XmppClient.Listener() {
              @Override
              public void onMessage(Incoming m) {
                TtdStamp stamp = m.stamp();
                if (stamp != null && !m.delayed() && stamp.runId().equals(runId)) {
                  blackhole.consume(m.receivedAtNanos() - stamp.intendedNanos());
                } else {
                  throw new IllegalStateException("not timed: " + m);
                }
              }

              @Override
              public void onStanza(Stanza stanza) {
                throw new IllegalStateException("not a message: " + stanza);
              }

              @Override
              public void onSendFailed(XmppException failure) {}

              @Override
              public void onConnectionLost(XmppException cause) {}
            },
            "user_17");
  }

  @Benchmark
  public long stamp() {
    XmlElement ttd = message.child(TtdStamp.ELEMENT, TtdStamp.NAMESPACE);
    TtdStamp stamp = ttd == null ? null : TtdStamp.of(ttd);
    if (stamp == null || !stamp.runId().equals(runId)) {
      return -1;
    }
    return receivedAt - stamp.intendedNanos();
  }

  @Benchmark
  public void inbox() {
    inbox.receive(message, receivedAt, reply -> {});
  }
}
