package io.murmuration.xmpp;

/** The transport contract for {@code --client smack}, which speaks TCP only. */
class SmackTransportTest extends XmppTransportContractTest {
  @Override
  String client() {
    return "smack";
  }
}
