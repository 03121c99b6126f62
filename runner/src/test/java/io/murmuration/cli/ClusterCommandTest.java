package io.murmuration.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.cluster.ClusterTls;
import io.murmuration.results.ExitCode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code murm cluster certs} with the JDK's real keytool. */
class ClusterCommandTest {
  @TempDir Path temp;

  @Test
  void makesOwnerOnlyStoresAndAddsNodesSignedByTheSameCaWithoutReplacingAnything()
      throws Exception {
    Path dir = temp.resolve("certs");
    Result first = murm("cluster", "certs", "--out", dir.toString());
    assertEquals(0, first.code, first.toString());
    assertTrue(first.out.contains("made the cluster CA " + dir.resolve("ca.p12")), first.out);
    assertTrue(first.out.contains("made node node: " + dir.resolve("node.p12")), first.out);
    assertTrue(first.out.contains("a node uses node.p12 with: --cluster-certs " + dir), first.out);

    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        names.add(f.getFileName().toString());
        assertEquals(
            "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f + "");
      }
    }
    Collections.sort(names);
    assertEquals(
        List.of(
            "ca.crt",
            "ca.p12",
            "ca.password",
            "node.p12",
            "node.password",
            "truststore.p12",
            "truststore.password"),
        names);

    KeyStore ca = load(dir, "ca");
    X509Certificate caCert = (X509Certificate) ca.getCertificate(single(ca));
    assertTrue(caCert.getBasicConstraints() >= 0, "the CA certificate is no CA");
    KeyStore trust = load(dir, "truststore");
    String trusted = single(trust);
    assertTrue(trust.isCertificateEntry(trusted), "the truststore holds a key");
    assertEquals(caCert, trust.getCertificate(trusted));
    assertSignedBy(dir, "node", caCert);

    byte[] caBytes = Files.readAllBytes(dir.resolve("ca.p12"));
    byte[] trustBytes = Files.readAllBytes(dir.resolve("truststore.p12"));
    byte[] nodeBytes = Files.readAllBytes(dir.resolve("node.p12"));
    Result again =
        murm("cluster", "certs", "--out", dir.toString(), "--node", "node", "--node=w-2");
    assertEquals(0, again.code, again.toString());
    assertTrue(again.out.contains("kept the cluster CA " + dir.resolve("ca.p12")), again.out);
    assertTrue(again.out.contains("kept the truststore"), again.out);
    assertTrue(again.out.contains("kept node node: " + dir.resolve("node.p12")), again.out);
    assertTrue(again.out.contains("made node w-2: " + dir.resolve("w-2.p12")), again.out);
    assertTrue(
        again.out.contains("--cluster-certs " + dir + " --cluster-cert-name w-2"), again.out);
    assertArrayEquals(caBytes, Files.readAllBytes(dir.resolve("ca.p12")));
    assertArrayEquals(trustBytes, Files.readAllBytes(dir.resolve("truststore.p12")));
    assertArrayEquals(nodeBytes, Files.readAllBytes(dir.resolve("node.p12")));
    assertSignedBy(dir, "w-2", caCert);
    assertEquals(
        "tls-tcp", ClusterTls.overlay(dir, "w-2").getString("pekko.remote.artery.transport"));

    // a CA that cannot be opened: one line naming it, and no half-made node left behind
    Files.writeString(dir.resolve("ca.password"), "not-the-password\n");
    Result broken = murm("cluster", "certs", "--out", dir.toString(), "--node", "w-3");
    assertEquals(ExitCode.SETUP_ERROR.code, broken.code, broken.toString());
    assertTrue(
        broken.err.startsWith(
            "murm: " + dir.resolve("ca.p12") + ": wrong password (in ca.password)"),
        broken.err);
    assertFalse(Files.exists(dir.resolve("w-3.p12")));
    assertFalse(Files.exists(dir.resolve("w-3.password")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../x",
        "-storepass",
        "a/b",
        "Node",
        "x y",
        "",
        "node\n-keystore",
        "a123456789b123456789c123456789d123456789e123456789f123456789g123"
      })
  void refusesAHostileNodeNameBeforeMakingAnything(String name) {
    Path dir = temp.resolve("certs");
    Result r = murm("cluster", "certs", "--out", dir.toString(), "--node", "ok", "--node", name);
    assertEquals(ExitCode.SETUP_ERROR.code, r.code, r.toString());
    assertTrue(r.err.startsWith("murm: --node: node name '"), r.err);
    assertTrue(
        r.err.contains(
            "is not allowed: use 1 to 63 lower-case letters, digits and dashes, not starting"
                + " with a dash"),
        r.err);
    assertEquals(1, r.err.strip().lines().count(), r.err);
    assertFalse(Files.exists(dir), "made " + dir + " anyway");
  }

  @Test
  void refusesTheNamesOfTheCaAndTruststoreFiles() {
    Result r = murm("cluster", "certs", "--out", temp.resolve("c").toString(), "--node", "ca");
    assertEquals(ExitCode.SETUP_ERROR.code, r.code, r.toString());
    assertTrue(r.err.contains("node name 'ca' is reserved"), r.err);
  }

  @Test
  void refusesAFolderThatHoldsOtherFiles() throws Exception {
    Files.writeString(temp.resolve("notes.txt"), "mine");
    Result r = murm("cluster", "certs", "--out", temp.toString());
    assertEquals(ExitCode.SETUP_ERROR.code, r.code, r.toString());
    assertEquals(
        "murm: "
            + temp
            + ": has files but no ca.p12: give --out a new or empty folder, or one murm cluster"
            + " certs made",
        r.err.strip());
    try (Stream<Path> files = Files.list(temp)) {
      assertEquals(1, files.count());
    }
  }

  private static void assertSignedBy(Path dir, String node, X509Certificate caCert)
      throws Exception {
    KeyStore store = load(dir, node);
    String alias = single(store);
    assertTrue(store.isKeyEntry(alias), node + ".p12 holds no key");
    Certificate[] chain = store.getCertificateChain(alias);
    assertEquals(2, chain.length, node + ".p12 chain");
    X509Certificate cert = (X509Certificate) chain[0];
    cert.verify(caCert.getPublicKey()); // throws unless the CA signed it
    assertEquals(caCert, chain[1]);
    assertEquals("CN=" + node + ",O=Murmuration cluster", cert.getSubjectX500Principal().getName());
    assertTrue(
        cert.getExtendedKeyUsage().containsAll(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")),
        "server and client authentication");
  }

  private static KeyStore load(Path dir, String name) throws Exception {
    String password = Files.readString(dir.resolve(name + ".password")).strip();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve(name + ".p12"))) {
      store.load(in, password.toCharArray());
    }
    return store;
  }

  private static String single(KeyStore store) throws Exception {
    List<String> aliases = Collections.list(store.aliases());
    assertEquals(1, aliases.size(), aliases.toString());
    return aliases.get(0);
  }

  private record Result(int code, String out, String err) {}

  private static Result murm(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Murm.execute(
            args,
            Map.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
