package io.murmuration.hook.github;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;

/** RSA key pairs for the tests, written as PEM files the way GitHub and OpenSSL write them. */
public final class TestKeys {
  private TestKeys() {}

  public static KeyPair rsa() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  /** PKCS#8, {@code BEGIN PRIVATE KEY}: what {@code openssl genpkey} writes. */
  public static Path writePkcs8(KeyPair keys, Path file) throws IOException {
    return writePem("PRIVATE KEY", keys.getPrivate().getEncoded(), file);
  }

  /**
   * PKCS#1, {@code BEGIN RSA PRIVATE KEY}: what GitHub hands out for an App. A 2048-bit key's
   * PKCS#8 encoding is a 26-byte header (version, rsaEncryption, OCTET STRING tag and length)
   * followed by the PKCS#1 structure.
   */
  public static Path writePkcs1(KeyPair keys, Path file) throws IOException {
    byte[] pkcs8 = keys.getPrivate().getEncoded();
    if (pkcs8[22] != 0x04 || pkcs8[23] != (byte) 0x82) {
      throw new IllegalStateException("unexpected PKCS#8 layout");
    }
    return writePem("RSA PRIVATE KEY", Arrays.copyOfRange(pkcs8, 26, pkcs8.length), file);
  }

  public static Path writePem(String type, byte[] der, Path file) throws IOException {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return Files.writeString(
        file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
  }
}
