package io.murmuration.xmpp.lean;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of SASL SCRAM-SHA-1 (RFC 5802) without channel binding ({@code n,,}): {@link
 * #clientFirst()}, then {@link #clientFinal} for the server's challenge, then {@link
 * #verifyServerFinal} for the server's signature. The password is used as given (no SASLprep),
 * which is exact for ASCII passwords.
 *
 * <p>Not thread-safe: one instance per authentication attempt, used on one event loop.
 */
final class Scram {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String username;
  private final String password;
  private final String clientNonce;
  private String clientFirstBare;
  private byte[] serverSignature;

  Scram(String username, String password) {
    this(username, password, newNonce());
  }

  /** With a given nonce, for tests against the RFC's example. */
  Scram(String username, String password, String clientNonce) {
    this.username = username;
    this.password = password;
    this.clientNonce = clientNonce;
  }

  /** The client-first-message, e.g. {@code n,,n=user,r=nonce}. */
  String clientFirst() {
    clientFirstBare = "n=" + saslName(username) + ",r=" + clientNonce;
    return "n,," + clientFirstBare;
  }

  /**
   * The client-final-message answering {@code serverFirst} ({@code r=…,s=…,i=…}).
   *
   * @throws IllegalArgumentException when the server's message is malformed or its nonce does not
   *     extend ours
   */
  String clientFinal(String serverFirst) {
    String nonce = field(serverFirst, 'r');
    String salt = field(serverFirst, 's');
    String iterations = field(serverFirst, 'i');
    if (nonce == null || salt == null || iterations == null || !nonce.startsWith(clientNonce)) {
      throw new IllegalArgumentException("bad SCRAM server-first-message: " + serverFirst);
    }
    int count = Integer.parseInt(iterations);
    String withoutProof = "c=biws,r=" + nonce;
    String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    try {
      byte[] salted = hi(password.getBytes(StandardCharsets.UTF_8), decode(salt), count);
      byte[] clientKey = hmac(salted, "Client Key".getBytes(StandardCharsets.UTF_8));
      byte[] storedKey = MessageDigest.getInstance("SHA-1").digest(clientKey);
      byte[] clientSignature = hmac(storedKey, authMessage.getBytes(StandardCharsets.UTF_8));
      byte[] proof = new byte[clientKey.length];
      for (int i = 0; i < proof.length; i++) {
        proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
      }
      byte[] serverKey = hmac(salted, "Server Key".getBytes(StandardCharsets.UTF_8));
      serverSignature = hmac(serverKey, authMessage.getBytes(StandardCharsets.UTF_8));
      return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-1 or HmacSHA1 missing from this JVM", e);
    }
  }

  /** True when {@code serverFinal} ({@code v=…}) carries the signature only the server can make. */
  boolean verifyServerFinal(String serverFinal) {
    String v = field(serverFinal, 'v');
    return v != null
        && serverSignature != null
        && MessageDigest.isEqual(serverSignature, decode(v));
  }

  private static byte[] hi(byte[] password, byte[] salt, int iterations)
      throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(password, "HmacSHA1"));
    mac.update(salt);
    byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
    byte[] result = u.clone();
    for (int i = 1; i < iterations; i++) {
      u = mac.doFinal(u);
      for (int j = 0; j < result.length; j++) {
        result[j] ^= u[j];
      }
    }
    return result;
  }

  private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(key, "HmacSHA1"));
    return mac.doFinal(data);
  }

  private static byte[] decode(String base64) {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad base64 in SCRAM message: " + base64, e);
    }
  }

  /** The value of {@code name=} in a comma-separated SCRAM message, or {@code null}. */
  private static String field(String message, char name) {
    for (String part : message.split(",")) {
      if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
        return part.substring(2);
      }
    }
    return null;
  }

  private static String saslName(String name) {
    return name.replace("=", "=3D").replace(",", "=2C");
  }

  private static String newNonce() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().withoutPadding().encodeToString(bytes).replace('+', '-');
  }
}
