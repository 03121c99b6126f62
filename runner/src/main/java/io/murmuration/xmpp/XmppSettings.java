package io.murmuration.xmpp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * How users reach the server under test.
 *
 * @param endpoints c2s addresses for the TCP wire; user {@code id} uses {@code endpoints[id %
 *     size]}
 * @param sourceAddresses local addresses to bind; user {@code id} uses {@code sources[id % size]},
 *     so a run can open more connections than one address has ephemeral ports; empty = let the OS
 *     pick
 * @param domain the XMPP domain (the part after {@code @})
 * @param tls STARTTLS policy on the TCP wire; WebSocket and BOSH take TLS from their URL's scheme
 *     ({@code wss}, {@code https}) instead, as they have no STARTTLS
 * @param verifyTls whether the server certificate must be trusted and match the domain (TCP) or the
 *     URL's host (WebSocket, BOSH)
 * @param sasl the SASL mechanism to use: {@code PLAIN} or {@code SCRAM-SHA-1}
 * @param client which {@link XmppTransport} implementation: {@code lean} or {@code smack}
 * @param transport which wire(s) the users' streams travel on
 * @param wsUrl the WebSocket endpoint ({@code ws://} or {@code wss://}), or null when no user
 *     speaks WebSocket
 * @param boshUrl the BOSH endpoint ({@code http://} or {@code https://}), or null when no user
 *     speaks BOSH
 */
public record XmppSettings(
    List<InetSocketAddress> endpoints,
    List<InetAddress> sourceAddresses,
    String domain,
    Tls tls,
    boolean verifyTls,
    String sasl,
    Duration connectTimeout,
    String client,
    Transport transport,
    URI wsUrl,
    URI boshUrl) {

  public enum Tls {
    DISABLED,
    IF_POSSIBLE,
    REQUIRED
  }

  /** The wire one user's stream travels on. */
  public enum Wire {
    /** RFC 6120 over a TCP connection, with STARTTLS as {@link Tls} says. */
    TCP,
    /** RFC 7395: XMPP over one WebSocket, one stanza per text frame. */
    WS,
    /** XEP-0124/XEP-0206: XMPP over HTTP long polling. */
    BOSH;

    /** The name {@code --transport} takes, e.g. {@code ws}. */
    public String flag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * {@code --transport}: one wire for every user, or {@code mix}, which spreads users over all
   * three by id ({@code id % 3}: 0 → TCP, 1 → WS, 2 → BOSH).
   */
  public enum Transport {
    TCP(List.of(Wire.TCP)),
    WS(List.of(Wire.WS)),
    BOSH(List.of(Wire.BOSH)),
    MIX(List.of(Wire.TCP, Wire.WS, Wire.BOSH));

    private final List<Wire> wires;

    Transport(List<Wire> wires) {
      this.wires = wires;
    }

    /** The wires users are spread over, in order of {@code id % size}. */
    public List<Wire> wires() {
      return wires;
    }

    /** The name {@code --transport} takes and {@code summary.json} shows, e.g. {@code mix}. */
    public String flag() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads {@code tcp}, {@code ws}, {@code bosh} or {@code mix}.
     *
     * @throws IllegalArgumentException naming the flag and the values it takes
     */
    public static Transport parse(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--transport '" + text + "': use tcp, ws, bosh or mix", e);
      }
    }
  }

  /** Settings for a run whose users all speak TCP, with the given client implementation. */
  public XmppSettings(
      List<InetSocketAddress> endpoints,
      List<InetAddress> sourceAddresses,
      String domain,
      Tls tls,
      boolean verifyTls,
      String sasl,
      Duration connectTimeout,
      String client) {
    this(
        endpoints,
        sourceAddresses,
        domain,
        tls,
        verifyTls,
        sasl,
        connectTimeout,
        client,
        Transport.TCP,
        null,
        null);
  }

  public XmppSettings {
    endpoints = List.copyOf(endpoints);
    sourceAddresses = List.copyOf(sourceAddresses);
    checkClient(client, transport);
    List<Wire> wires = transport.wires();
    if (wires.contains(Wire.TCP) && endpoints.isEmpty()) {
      throw new IllegalArgumentException("no XMPP endpoint: give --target host:port");
    }
    if (wires.contains(Wire.WS)) {
      checkUrl(transport, wsUrl, "--ws-url", "ws", "wss", "ws://127.0.0.1:5280/ws");
    }
    if (wires.contains(Wire.BOSH)) {
      checkUrl(transport, boshUrl, "--bosh-url", "http", "https", "http://127.0.0.1:5280/bosh");
    }
  }

  /**
   * Checks that {@code client} names an implementation that speaks {@code transport}: {@code lean}
   * speaks every wire, {@code smack} TCP only.
   *
   * @throws IllegalArgumentException in one line that names the fix
   */
  public static void checkClient(String client, Transport transport) {
    if (!client.equals("lean") && !client.equals("smack")) {
      throw new IllegalArgumentException("--client '" + client + "': use lean or smack");
    }
    if (client.equals("smack") && transport != Transport.TCP) {
      throw new IllegalArgumentException(
          "--client smack speaks TCP only: use --client lean for --transport " + transport.flag());
    }
  }

  /** These settings with another client implementation ({@code --client}): lean or smack. */
  public XmppSettings withClient(String other) {
    return new XmppSettings(
        endpoints,
        sourceAddresses,
        domain,
        tls,
        verifyTls,
        sasl,
        connectTimeout,
        other,
        transport,
        wsUrl,
        boshUrl);
  }

  /** These settings with the server reached at {@code endpoint} alone (through a proxy, say). */
  public XmppSettings withEndpoint(InetSocketAddress endpoint) {
    return new XmppSettings(
        List.of(endpoint),
        sourceAddresses,
        domain,
        tls,
        verifyTls,
        sasl,
        connectTimeout,
        client,
        transport,
        wsUrl,
        boshUrl);
  }

  /** This run's settings with another transport and URLs (the client stays). */
  public XmppSettings withTransport(Transport wires, URI ws, URI bosh) {
    return new XmppSettings(
        endpoints,
        sourceAddresses,
        domain,
        tls,
        verifyTls,
        sasl,
        connectTimeout,
        client,
        wires,
        ws,
        bosh);
  }

  /** The wire user {@code userId} speaks: with {@code mix}, {@code id % 3} picks it. */
  public Wire wireFor(int userId) {
    List<Wire> wires = transport.wires();
    return wires.get(Math.floorMod(userId, wires.size()));
  }

  /** The c2s address user {@code userId} connects to on the TCP wire. */
  public InetSocketAddress endpointFor(int userId) {
    return endpoints.get(Math.floorMod(userId, endpoints.size()));
  }

  /** The local address user {@code userId} binds to, or {@code null} to let the OS choose. */
  public InetAddress sourceFor(int userId) {
    return sourceAddresses.isEmpty()
        ? null
        : sourceAddresses.get(Math.floorMod(userId, sourceAddresses.size()));
  }

  public String jid(String username) {
    return username + "@" + domain;
  }

  private static void checkUrl(
      Transport transport, URI url, String flag, String plain, String secure, String example) {
    String wire = transport.flag();
    if (url == null) {
      throw new IllegalArgumentException(
          "--transport " + wire + " needs " + flag + ", e.g. " + flag + " " + example);
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals(plain) || scheme.equals(secure)) || url.getHost() == null) {
      throw new IllegalArgumentException(
          flag
              + " '"
              + url
              + "' is not "
              + plain
              + "[s]://host[:port]/path, e.g. "
              + flag
              + " "
              + example);
    }
  }
}
