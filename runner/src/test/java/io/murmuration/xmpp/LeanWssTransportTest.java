package io.murmuration.xmpp;

/**
 * The transport contract for {@code --client lean} on WebSocket over TLS ({@code wss://}, the
 * server's self-signed certificate).
 */
class LeanWssTransportTest extends XmppTransportContractTest {
  @Override
  String client() {
    return "lean";
  }

  @Override
  XmppSettings.Wire wire() {
    return XmppSettings.Wire.WS;
  }

  @Override
  boolean urlsWithTls() {
    return true;
  }
}
