package io.murmuration.xmpp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * How users reach the server under test.
 *
 * @param endpoints c2s addresses; user {@code id} uses {@code endpoints[id % size]}
 * @param sourceAddresses local addresses to bind; user {@code id} uses {@code sources[id % size]},
 *     so a run can open more connections than one address has ephemeral ports; empty = let the OS
 *     pick
 * @param domain the XMPP domain (the part after {@code @})
 * @param tls STARTTLS policy
 * @param verifyTls whether the server certificate must be trusted and match the domain
 * @param sasl the SASL mechanism to use: {@code PLAIN} or {@code SCRAM-SHA-1}
 * @param transport which {@link XmppTransport} implementation
 */
public record XmppSettings(
    List<InetSocketAddress> endpoints,
    List<InetAddress> sourceAddresses,
    String domain,
    Tls tls,
    boolean verifyTls,
    String sasl,
    Duration connectTimeout,
    String transport) {

  public enum Tls {
    DISABLED,
    IF_POSSIBLE,
    REQUIRED
  }

  public XmppSettings {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no XMPP endpoint: give --target host:port");
    }
    endpoints = List.copyOf(endpoints);
    sourceAddresses = List.copyOf(sourceAddresses);
  }

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
}
