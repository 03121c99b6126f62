package io.murmuration.xmpp;

/**
 * Makes {@link XmppClient}s. One transport serves a whole run; its implementations differ in how
 * they move bytes (threads, buffers), never in what scenarios see.
 */
public interface XmppTransport extends AutoCloseable {

  /** A client for one account, not yet connected. */
  XmppClient open(Account account, XmppClient.Listener listener);

  /** Releases what the transport holds for all its clients (threads, executors). */
  @Override
  void close();

  /**
   * Picks the implementation named by {@link XmppSettings#client()} ({@code --client}); the lean
   * one speaks every {@link XmppSettings.Wire}, Smack's TCP only (the settings refuse anything
   * else).
   */
  static XmppTransport create(XmppSettings settings) {
    keepTheJdkStaxParser();
    return switch (settings.client()) {
      case "smack" -> new SmackTransport(settings);
      case "lean" -> new io.murmuration.xmpp.lean.LeanTransport(settings);
      default ->
          throw new IllegalArgumentException(
              "unknown XMPP client '" + settings.client() + "': use smack or lean");
    };
  }

  /**
   * Keeps Smack on the JDK's StAX parser. The lean transport brings Aalto, whose jar registers
   * itself as the JVM's {@code XMLInputFactory}; Smack takes whatever {@code
   * XMLInputFactory.newInstance()} finds, and parses differently with Aalto (a Smack assertion
   * fails on unknown IQ children). Naming the JDK's implementation in the standard system property,
   * unless one is set already, makes the choice explicit; Aalto's async parser is created directly
   * and does not need it.
   */
  private static void keepTheJdkStaxParser() {
    String property = "javax.xml.stream.XMLInputFactory";
    String jdkFactory = "com.sun.xml.internal.stream.XMLInputFactoryImpl";
    if (System.getProperty(property) != null) {
      return;
    }
    try {
      Class.forName(jdkFactory, false, null); // a JDK without it keeps the default lookup
      System.setProperty(property, jdkFactory);
    } catch (ClassNotFoundException e) {
      // nothing to pin
    }
  }
}
