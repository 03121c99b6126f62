package io.murmuration.xmpp;

/**
 * The transport contract for {@code --client lean} on BOSH over TLS ({@code https://}, the server's
 * self-signed certificate).
 */
class LeanHttpsBoshTransportTest extends XmppTransportContractTest {
  @Override
  String client() {
    return "lean";
  }

  @Override
  XmppSettings.Wire wire() {
    return XmppSettings.Wire.BOSH;
  }

  @Override
  boolean urlsWithTls() {
    return true;
  }
}
