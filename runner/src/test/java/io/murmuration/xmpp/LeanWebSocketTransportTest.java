package io.murmuration.xmpp;

/** The transport contract for {@code --client lean} on WebSocket (RFC 7395, {@code ws://}). */
class LeanWebSocketTransportTest extends XmppTransportContractTest {
  @Override
  String client() {
    return "lean";
  }

  @Override
  XmppSettings.Wire wire() {
    return XmppSettings.Wire.WS;
  }
}
