package io.murmuration.xmpp;

/** The transport contract for {@code --client lean} on BOSH (XEP-0124/0206, {@code http://}). */
class LeanBoshTransportTest extends XmppTransportContractTest {
  @Override
  String client() {
    return "lean";
  }

  @Override
  XmppSettings.Wire wire() {
    return XmppSettings.Wire.BOSH;
  }
}
