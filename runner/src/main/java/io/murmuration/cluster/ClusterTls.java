package io.murmuration.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.X509Certificate;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Encrypted, mutually authenticated transport between cluster nodes: Artery over TLS 1.3, where
 * every node shows a certificate signed by the cluster's CA and accepts only peers that do the
 * same. The certificates come from a folder made by {@code murm cluster certs}:
 *
 * <ul>
 *   <li>{@code truststore.p12} (+ {@code truststore.password}): the cluster CA's certificate only
 *   <li>{@code NAME.p12} (+ {@code NAME.password}): node NAME's key and CA-signed certificate
 *   <li>{@code ca.p12}, {@code ca.password}, {@code ca.crt}: the CA itself, used only to add nodes
 * </ul>
 *
 * <p>{@link #overlay} checks the files up front, so a node with a bad folder stops with one line
 * naming the file and the fix instead of failing its TLS handshakes later. Its result goes in front
 * of the node's configuration: {@code ClusterTls.overlay(dir,
 * name).withFallback(ClusterConfig.of(…))}.
 */
public final class ClusterTls {
  /** The node name of a folder made without {@code --node}: one keystore shared by every node. */
  public static final String DEFAULT_NODE = "node";

  /**
   * A node name: it becomes a file name and a keytool argument, so only lower-case letters, digits
   * and dashes, not starting with a dash.
   */
  public static final Pattern NODE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  /** Names a node cannot have: the CA's and the truststore's files would clash with its own. */
  public static final Set<String> RESERVED_NAMES = Set.of("ca", "truststore");

  public static final String CA_KEYSTORE = "ca.p12";
  public static final String CA_CERTIFICATE = "ca.crt";
  public static final String TRUSTSTORE = "truststore.p12";

  /**
   * The TLS 1.3 cipher suites Pekko's reference.conf enables; named here so the overlay is whole.
   */
  public static final List<String> CIPHER_SUITES =
      List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384");

  /** Owner read and write only: the permissions of every file in a certificate folder. */
  public static final Set<PosixFilePermission> OWNER_ONLY =
      Collections.unmodifiableSet(
          EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

  private static final String PREFIX = "pekko.remote.artery.ssl.config-ssl-engine.";

  private ClusterTls() {}

  /** {@code NAME.p12}: the keystore of node {@code name}. */
  public static String keystoreFile(String name) {
    return name + ".p12";
  }

  /** {@code STORE.password}: the password of {@code STORE.p12}. */
  public static String passwordFile(String storeFile) {
    return storeFile.substring(0, storeFile.length() - ".p12".length()) + ".password";
  }

  /**
   * Why {@code name} cannot be a node name, or null when it can. Names come from the command line,
   * so this runs before a name reaches a path or a keytool argument.
   */
  public static String nameProblem(String name) {
    if (name == null || !NODE_NAME.matcher(name).matches()) {
      return "node name '"
          + printable(name)
          + "' is not allowed: use 1 to 63 lower-case letters, digits and dashes, not starting"
          + " with a dash (e.g. worker-1)";
    }
    if (RESERVED_NAMES.contains(name)) {
      return "node name '"
          + name
          + "' is reserved for the CA's and the truststore's files: pick"
          + " another (e.g. "
          + name
          + "-node)";
    }
    return null;
  }

  /** The TLS overlay of the node that uses the shared keystore {@code node.p12}. */
  public static Config overlay(Path folder) {
    return overlay(folder, DEFAULT_NODE);
  }

  /**
   * The configuration that switches Artery to {@code tls-tcp} with node {@code name}'s keystore and
   * the cluster's truststore from {@code folder}, after checking them.
   *
   * @throws IllegalArgumentException with one line naming the file and the fix, when a file is
   *     missing, unreadable, readable by others, locked with another password, or when the node's
   *     certificate has expired or is not signed by the truststore's CA
   */
  public static Config overlay(Path folder, String name) {
    String problem = nameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    Path dir = folder.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          dir + ": no such folder: make it with murm cluster certs --out " + dir);
    }
    Path trustStoreFile = dir.resolve(TRUSTSTORE);
    Path keyStoreFile = dir.resolve(keystoreFile(name));
    if (!Files.isRegularFile(trustStoreFile)) {
      throw new IllegalArgumentException(
          trustStoreFile
              + ": missing: make the folder with murm cluster certs --out "
              + dir
              + ", or copy "
              + TRUSTSTORE
              + " and "
              + passwordFile(TRUSTSTORE)
              + " from the folder it made");
    }
    if (!Files.isRegularFile(keyStoreFile)) {
      List<String> nodes = nodesIn(dir);
      throw new IllegalArgumentException(
          keyStoreFile
              + ": missing: add node "
              + name
              + " with murm cluster certs --out DIR --node "
              + name
              + " and copy "
              + keystoreFile(name)
              + " and "
              + passwordFile(keystoreFile(name))
              + " here"
              + (nodes.isEmpty()
                  ? ""
                  : " (this folder has keystores for: " + String.join(", ", nodes) + ")"));
    }
    String trustPassword = readPassword(dir.resolve(passwordFile(TRUSTSTORE)));
    String keyPassword = readPassword(dir.resolve(passwordFile(keystoreFile(name))));
    KeyStore trustStore = load(trustStoreFile, trustPassword);
    KeyStore keyStore = load(keyStoreFile, keyPassword);
    checkTrustStore(trustStoreFile, trustStore);
    String remake =
        ": delete it and "
            + passwordFile(keystoreFile(name))
            + ", then make them again with murm cluster certs --out DIR --node "
            + name;
    checkKeyStore(keyStoreFile, keyStore, keyPassword.toCharArray(), remake, trustStore);

    Map<String, Object> engine = new HashMap<>();
    engine.put("key-store", keyStoreFile.toString());
    engine.put("key-store-password", keyPassword);
    // keytool gives a PKCS12 key the store's password
    engine.put("key-password", keyPassword);
    engine.put("trust-store", trustStoreFile.toString());
    engine.put("trust-store-password", trustPassword);
    engine.put("protocol", "TLSv1.3");
    engine.put("enabled-algorithms", CIPHER_SUITES);
    // both sides of every connection show a certificate signed by the cluster CA, so a node that
    // dials in without one is refused just like a node that is dialled
    engine.put("require-mutual-authentication", true);
    // off: nodes reach each other by IP address (canonical.hostname), and those addresses are
    // often handed out only when a machine or container starts, while one certificate (node.p12)
    // may serve every node; a certificate cannot name such addresses. A peer is trusted because
    // the cluster CA signed its certificate, and only the operator holds that CA's key
    engine.put("hostname-verification", false);

    Config overlay =
        ConfigFactory.empty()
            .withValue("pekko.remote.artery.transport", ConfigValueFactory.fromAnyRef("tls-tcp"))
            .withValue(
                "pekko.remote.artery.ssl.ssl-engine-provider",
                ConfigValueFactory.fromAnyRef(
                    "org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider"));
    for (Map.Entry<String, Object> e : engine.entrySet()) {
      overlay =
          overlay.withValue(
              PREFIX + e.getKey(),
              ConfigValueFactory.fromAnyRef(e.getValue(), "murm cluster certs folder " + dir));
    }
    return overlay;
  }

  /** The node names with a keystore in {@code dir}. */
  static List<String> nodesIn(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(f -> f.endsWith(".p12"))
          .map(f -> f.substring(0, f.length() - ".p12".length()))
          .filter(n -> nameProblem(n) == null)
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The password in {@code file}'s first line; the file must be readable by its owner only. */
  static String readPassword(Path file) {
    String fix = ": make the folder again with murm cluster certs, or copy the file from it";
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": missing" + fix);
    }
    PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (posix != null) {
      Set<PosixFilePermission> perms;
      try {
        perms = posix.readAttributes().permissions();
      } catch (IOException e) {
        throw new IllegalArgumentException(file + ": cannot read its permissions: " + e, e);
      }
      Set<PosixFilePermission> others = EnumSet.copyOf(perms);
      others.removeAll(
          EnumSet.of(
              PosixFilePermission.OWNER_READ,
              PosixFilePermission.OWNER_WRITE,
              PosixFilePermission.OWNER_EXECUTE));
      if (!others.isEmpty()) {
        throw new IllegalArgumentException(
            file
                + ": other users can use it (permissions "
                + PosixFilePermissions.toString(perms)
                + "): chmod 600 "
                + file);
      }
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          file + ": cannot read the password (" + e.getClass().getSimpleName() + ")" + fix, e);
    }
    String password = text.lines().findFirst().orElse("").strip();
    if (password.isEmpty()) {
      throw new IllegalArgumentException(file + ": empty" + fix);
    }
    return password;
  }

  private static KeyStore load(Path file, String password) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          file + ": cannot read it (" + e.getClass().getSimpleName() + "): check its owner", e);
    }
    char[] chars = password.toCharArray();
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(new ByteArrayInputStream(bytes), chars);
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          file
              + ": wrong password (in "
              + passwordFile(file.getFileName().toString())
              + ") or not a PKCS12 keystore: make it again with murm cluster certs",
          e);
    } finally {
      Arrays.fill(chars, '\0');
    }
  }

  private static void checkTrustStore(Path file, KeyStore store) {
    try {
      boolean anyCertificate = false;
      for (String alias : Collections.list(store.aliases())) {
        anyCertificate |= store.isCertificateEntry(alias);
      }
      if (!anyCertificate) {
        throw new IllegalArgumentException(
            file + ": holds no CA certificate: make the folder again with murm cluster certs");
      }
    } catch (java.security.KeyStoreException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void checkKeyStore(
      Path file, KeyStore store, char[] password, String remake, KeyStore trust) {
    try {
      List<String> keys = new ArrayList<>();
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias)) {
          keys.add(alias);
        }
      }
      if (keys.size() != 1) {
        throw new IllegalArgumentException(
            file + ": holds " + keys.size() + " private keys, not one" + remake);
      }
      String alias = keys.get(0);
      if (store.getKey(alias, password) == null) {
        throw new IllegalArgumentException(file + ": its key cannot be read" + remake);
      }
      Certificate[] chain = store.getCertificateChain(alias);
      if (chain == null
          || chain.length == 0
          || !(chain[0] instanceof X509Certificate certificate)) {
        throw new IllegalArgumentException(file + ": holds no certificate for its key" + remake);
      }
      try {
        certificate.checkValidity();
      } catch (CertificateExpiredException e) {
        throw new IllegalArgumentException(
            file + ": its certificate expired on " + day(certificate) + remake, e);
      } catch (CertificateNotYetValidException e) {
        throw new IllegalArgumentException(
            file
                + ": its certificate is valid only from "
                + certificate.getNotBefore().toInstant()
                + " (is this machine's clock right?)",
            e);
      }
      // the chain must lead to the truststore's CA: catches a keystore and a truststore copied
      // from two different murm cluster certs folders, which would fail every handshake
      List<Certificate> path = new ArrayList<>(Arrays.asList(chain));
      if (path.size() > 1) {
        path.removeLast(); // the CA itself: the truststore supplies the anchor
      }
      PKIXParameters params = new PKIXParameters(trust);
      params.setRevocationEnabled(false);
      try {
        CertPathValidator.getInstance("PKIX")
            .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
      } catch (CertPathValidatorException e) {
        throw new IllegalArgumentException(
            file
                + ": its certificate is not signed by the CA in "
                + TRUSTSTORE
                + " ("
                + e.getMessage()
                + "): take the keystore and the truststore from the same murm cluster certs folder",
            e);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(file + ": cannot check it (" + e + ")" + remake, e);
    }
  }

  private static LocalDate day(X509Certificate certificate) {
    return LocalDate.ofInstant(certificate.getNotAfter().toInstant(), ZoneOffset.UTC);
  }

  private static String printable(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    s.codePoints()
        .limit(80)
        .forEach(c -> b.append(c < 0x20 || c == 0x7f ? "?" : new String(Character.toChars(c))));
    return b.toString();
  }
}
