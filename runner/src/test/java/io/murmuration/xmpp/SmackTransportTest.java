package io.murmuration.xmpp;

/** The transport contract for {@code --transport smack}. */
class SmackTransportTest extends XmppTransportContractTest {
  @Override
  String transport() {
    return "smack";
  }
}
