package io.murmuration.cli;

import io.murmuration.cluster.ClusterTls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code murm cluster certs}: the certificates that let cluster nodes talk over mutual TLS. */
@Command(
    name = "cluster",
    description = "Tools for a Murmuration cluster (coordinator and workers on several machines).",
    subcommands = {ClusterCommand.Certs.class})
final class ClusterCommand implements Runnable {
  @Override
  public void run() {
    throw new SetupException("name a command: murm cluster certs --out DIR");
  }

  /**
   * Makes (or adds to) a certificate folder with the JDK's keytool: a cluster CA, a truststore
   * holding only its certificate, and one PKCS12 keystore per node. Existing files are never
   * replaced, so running it again with new {@code --node} names adds nodes signed by the same CA.
   */
  @Command(
      name = "certs",
      description = {
        "Make a cluster CA, its truststore and a keystore per node (PKCS12, made by the JDK's"
            + " keytool) in a folder that nodes use with --cluster-certs DIR.",
        "Run it again with new --node names to add nodes signed by the same CA; existing files"
            + " are kept."
      })
  static final class Certs implements Callable<Integer> {
    static final Set<PosixFilePermission> FOLDER_PERMISSIONS =
        PosixFilePermissions.fromString("rwx------");
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String CA_ALIAS = "murmuration-ca";
    private static final String CA_DNAME = "CN=Murmuration cluster CA";
    private static final int CA_DAYS = 3650;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "the certificate folder (made owner-only; an existing one gets new nodes)")
    Path folder;

    @Option(
        names = "--node",
        paramLabel = "NAME",
        description =
            "a node keystore to make: NAME.p12 (repeatable; lower-case letters, digits, dashes;"
                + " default: one named '"
                + ClusterTls.DEFAULT_NODE
                + "' shared by every node)")
    List<String> nodes = new ArrayList<>();

    @Option(
        names = "--days",
        defaultValue = "730",
        paramLabel = "N",
        description = "validity of new node certificates in days (default: ${DEFAULT-VALUE})")
    int days;

    PrintStream out = System.out;

    /** The JDK tool; a test may point it elsewhere. */
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");

    private final SecureRandom random = new SecureRandom();

    @Override
    public Integer call() {
      Set<String> names =
          new LinkedHashSet<>(nodes.isEmpty() ? List.of(ClusterTls.DEFAULT_NODE) : nodes);
      // names reach file names and keytool's argument list: check every one before doing anything
      for (String name : names) {
        String problem = ClusterTls.nameProblem(name);
        if (problem != null) {
          throw new SetupException("--node: " + problem);
        }
      }
      if (days < 1 || days > 36500) {
        throw new SetupException("--days " + days + ": give a number of days from 1 to 36500");
      }
      if (!Files.isExecutable(keytool)) {
        throw new SetupException(
            keytool + ": not found: murm needs a full JDK (with bin/keytool) to make certificates");
      }
      Path dir = folder.toAbsolutePath().normalize();
      prepareFolder(dir);
      Path caStore = dir.resolve(ClusterTls.CA_KEYSTORE);
      Path caPassword = dir.resolve(ClusterTls.passwordFile(ClusterTls.CA_KEYSTORE));
      Path caCert = dir.resolve(ClusterTls.CA_CERTIFICATE);
      if (Files.exists(caStore)) {
        checkStore(caStore, caPassword);
        out.printf("kept the cluster CA %s (it exists; new nodes are signed by it)%n", caStore);
        if (!Files.exists(caCert)) {
          exportCaCertificate(caStore, caPassword, caCert);
        }
      } else {
        makeCa(caStore, caPassword, caCert);
        out.printf(
            "made the cluster CA %s and %s (keep them here to add nodes; nodes do not need them)%n",
            caStore, caPassword.getFileName());
      }
      Path trustStore = dir.resolve(ClusterTls.TRUSTSTORE);
      if (Files.exists(trustStore)) {
        out.printf("kept the truststore %s%n", trustStore);
      } else {
        makeTrustStore(trustStore, caCert);
        out.printf("made the truststore %s (the CA's certificate only)%n", trustStore);
      }
      for (String name : names) {
        Path store = dir.resolve(ClusterTls.keystoreFile(name));
        Path password = dir.resolve(ClusterTls.passwordFile(ClusterTls.keystoreFile(name)));
        if (Files.exists(store) || Files.exists(password)) {
          out.printf(
              "kept node %s: %s exists (to replace it, delete %s and %s and run this again)%n",
              name, store, store.getFileName(), password.getFileName());
          continue;
        }
        LocalDate until = makeNode(name, store, password, caStore, caPassword, caCert);
        out.printf("made node %s: %s (certificate valid until %s)%n", name, store, until);
      }
      out.printf(
          "a node's machine needs %s, %s and that node's NAME.p12 and NAME.password, in a folder"
              + " of mode 700 with files of mode 600; %s and %s stay here%n",
          ClusterTls.TRUSTSTORE,
          ClusterTls.passwordFile(ClusterTls.TRUSTSTORE),
          ClusterTls.CA_KEYSTORE,
          ClusterTls.passwordFile(ClusterTls.CA_KEYSTORE));
      for (String name : names) {
        out.printf(
            "a node uses %s with: --cluster-certs %s%s%n",
            ClusterTls.keystoreFile(name),
            dir,
            name.equals(ClusterTls.DEFAULT_NODE) ? "" : " --cluster-cert-name " + name);
      }
      return 0;
    }

    /** Makes {@code dir} (0700), or takes an empty folder or one this command made before. */
    private void prepareFolder(Path dir) {
      try {
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir)) {
          throw new SetupException(dir + ": not a folder: give --out a new or empty folder");
        }
        if (Files.isDirectory(dir)) {
          boolean ours = Files.exists(dir.resolve(ClusterTls.CA_KEYSTORE));
          boolean empty;
          try (Stream<Path> files = Files.list(dir)) {
            empty = files.findAny().isEmpty();
          }
          if (!ours && !empty) {
            throw new SetupException(
                dir
                    + ": has files but no "
                    + ClusterTls.CA_KEYSTORE
                    + ": give --out a new or empty folder, or one murm cluster certs made");
          }
          Files.setPosixFilePermissions(dir, FOLDER_PERMISSIONS);
        } else {
          if (dir.getParent() != null) {
            Files.createDirectories(dir.getParent());
          }
          Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(FOLDER_PERMISSIONS));
          // the umask may have removed bits; 0700 is what is wanted, whatever it is
          Files.setPosixFilePermissions(dir, FOLDER_PERMISSIONS);
        }
      } catch (UnsupportedOperationException e) {
        throw new SetupException(
            dir + ": cannot make it owner-only (not a POSIX file system): pick another --out", e);
      } catch (IOException e) {
        throw new SetupException(dir + ": cannot prepare the folder: " + e, e);
      }
    }

    private void makeCa(Path store, Path password, Path cert) {
      List<Path> made = new ArrayList<>();
      boolean done = false;
      try {
        writePassword(password, made);
        made.add(store);
        genKeyPair(
            store,
            password,
            CA_ALIAS,
            CA_DNAME,
            CA_DAYS,
            "-ext",
            "bc:c=ca:true,pathlen:0",
            "-ext",
            "ku:c=keyCertSign,cRLSign");
        restrict(store);
        exportCaCertificate(store, password, cert);
        made.add(cert);
        done = true;
      } finally {
        if (!done) {
          deleteAll(made);
        }
      }
    }

    /** An EC P-256 key pair with a self-signed certificate in a new PKCS12 store. */
    private void genKeyPair(
        Path store, Path password, String alias, String dname, int days, String... more) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "-genkeypair",
                  "-keystore",
                  store.toString(),
                  "-storetype",
                  "PKCS12",
                  "-storepass:file",
                  password.toString(),
                  "-alias",
                  alias,
                  "-keyalg",
                  "EC",
                  "-groupname",
                  "secp256r1",
                  "-sigalg",
                  "SHA256withECDSA",
                  "-dname",
                  dname,
                  "-validity",
                  Integer.toString(days)));
      args.addAll(List.of(more));
      keytool(args.toArray(String[]::new));
    }

    private void exportCaCertificate(Path caStore, Path caPassword, Path cert) {
      keytool(
          "-exportcert",
          "-keystore",
          caStore.toString(),
          "-storepass:file",
          caPassword.toString(),
          "-alias",
          CA_ALIAS,
          "-rfc",
          "-file",
          cert.toString());
      restrict(cert);
    }

    private void makeTrustStore(Path store, Path caCert) {
      List<Path> made = new ArrayList<>();
      boolean done = false;
      Path password = store.resolveSibling(ClusterTls.passwordFile(ClusterTls.TRUSTSTORE));
      try {
        if (Files.exists(password)) {
          throw new SetupException(
              password + ": exists without " + store.getFileName() + ": delete it and run again");
        }
        writePassword(password, made);
        made.add(store);
        keytool(
            "-importcert",
            "-noprompt",
            "-keystore",
            store.toString(),
            "-storetype",
            "PKCS12",
            "-storepass:file",
            password.toString(),
            "-alias",
            CA_ALIAS,
            "-file",
            caCert.toString());
        restrict(store);
        done = true;
      } finally {
        if (!done) {
          deleteAll(made);
        }
      }
    }

    /** Key pair, CSR signed by the CA, reply with the chain (node, CA) installed. */
    private LocalDate makeNode(
        String name, Path store, Path password, Path caStore, Path caPassword, Path caCert) {
      List<Path> made = new ArrayList<>();
      Path csr = store.resolveSibling(name + ".csr.tmp");
      Path signed = store.resolveSibling(name + ".crt.tmp");
      boolean done = false;
      try {
        writePassword(password, made);
        made.add(store);
        genKeyPair(store, password, name, "CN=" + name + ", O=Murmuration cluster", 1);
        restrict(store);
        keytool(
            "-certreq",
            "-keystore",
            store.toString(),
            "-storepass:file",
            password.toString(),
            "-alias",
            name,
            "-file",
            csr.toString());
        keytool(
            "-gencert",
            "-keystore",
            caStore.toString(),
            "-storepass:file",
            caPassword.toString(),
            "-alias",
            CA_ALIAS,
            "-infile",
            csr.toString(),
            "-outfile",
            signed.toString(),
            "-rfc",
            "-validity",
            Integer.toString(days),
            "-ext",
            "ku:c=digitalSignature",
            "-ext",
            "eku=serverAuth,clientAuth");
        // the reply carries the whole chain, so the keystore needs no CA entry of its own
        Files.writeString(
            signed,
            Files.readString(signed, StandardCharsets.US_ASCII)
                + Files.readString(caCert, StandardCharsets.US_ASCII),
            StandardCharsets.US_ASCII);
        keytool(
            "-importcert",
            "-noprompt",
            "-keystore",
            store.toString(),
            "-storepass:file",
            password.toString(),
            "-alias",
            name,
            "-file",
            signed.toString());
        LocalDate until = validUntil(store, password, name);
        done = true;
        return until;
      } catch (IOException e) {
        throw new SetupException(store + ": cannot make it: " + e, e);
      } finally {
        deleteAll(List.of(csr, signed));
        if (!done) {
          deleteAll(made);
        }
      }
    }

    private static LocalDate validUntil(Path store, Path password, String alias) {
      KeyStore keyStore = checkStore(store, password);
      try {
        X509Certificate cert = (X509Certificate) keyStore.getCertificate(alias);
        if (keyStore.getCertificateChain(alias).length != 2) {
          throw new SetupException(store + ": keytool did not install the CA-signed chain");
        }
        return LocalDate.ofInstant(cert.getNotAfter().toInstant(), ZoneOffset.UTC);
      } catch (java.security.KeyStoreException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Loads a store with its password file, or fails with one line naming the file. */
    private static KeyStore checkStore(Path store, Path password) {
      String secret;
      try {
        secret = Files.readString(password, StandardCharsets.US_ASCII).strip();
      } catch (IOException e) {
        throw new SetupException(
            password
                + ": cannot read the password of "
                + store.getFileName()
                + " ("
                + e.getClass().getSimpleName()
                + "): restore it, or make a new folder with murm cluster certs",
            e);
      }
      try {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(new ByteArrayInputStream(Files.readAllBytes(store)), secret.toCharArray());
        return keyStore;
      } catch (IOException | java.security.GeneralSecurityException e) {
        throw new SetupException(
            store
                + ": wrong password (in "
                + password.getFileName()
                + ") or not a PKCS12 keystore: restore it, or make a new folder with murm cluster"
                + " certs",
            e);
      }
    }

    /** A new file, owner-only from the start, holding a random password. */
    private void writePassword(Path file, List<Path> made) {
      byte[] bytes = new byte[32];
      random.nextBytes(bytes);
      String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      FileAttribute<Set<PosixFilePermission>> ownerOnly =
          PosixFilePermissions.asFileAttribute(ClusterTls.OWNER_ONLY);
      try {
        Files.createFile(file, ownerOnly);
        made.add(file);
        Files.writeString(file, password + "\n", StandardCharsets.US_ASCII);
      } catch (FileAlreadyExistsException e) {
        throw new SetupException(file + ": exists: delete it and run again", e);
      } catch (IOException e) {
        throw new SetupException(file + ": cannot write it: " + e, e);
      }
    }

    private static void restrict(Path file) {
      try {
        Files.setPosixFilePermissions(file, ClusterTls.OWNER_ONLY);
      } catch (IOException e) {
        throw new SetupException(file + ": cannot make it owner-only: " + e, e);
      }
    }

    private static void deleteAll(List<Path> files) {
      for (Path file : files) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // best effort: the message of the failure that got us here matters more
        }
      }
    }

    /** Runs keytool with these arguments (an argument list: no shell ever sees them). */
    private void keytool(String... args) {
      List<String> command = new ArrayList<>();
      command.add(keytool.toString());
      // a short-lived tool: its JVM starts faster without the optimizing compiler and with the
      // simplest collector (a run of this command starts keytool four times per node)
      command.add("-J-XX:TieredStopAtLevel=1");
      command.add("-J-XX:+UseSerialGC");
      command.addAll(List.of(args));
      Path log = null;
      Process process = null;
      try {
        // its output (no secrets: passwords go through files) goes to a file, so a keytool that
        // never ends cannot block the reading and the timeout below always applies
        log = Files.createTempFile("murm-keytool", ".log");
        process =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        process.getOutputStream().close(); // keytool never gets to prompt for anything
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          throw new SetupException("keytool " + args[0] + " did not finish within " + TIMEOUT);
        }
        if (process.exitValue() != 0) {
          String said =
              Files.readString(log, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
          throw new SetupException(
              "keytool " + args[0] + " failed (exit " + process.exitValue() + "): " + said);
        }
      } catch (IOException e) {
        throw new SetupException("keytool " + args[0] + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SetupException("keytool " + args[0] + ": interrupted", e);
      } finally {
        if (process != null && process.isAlive()) {
          process.destroyForcibly();
        }
        if (log != null) {
          deleteAll(List.of(log));
        }
      }
    }
  }
}
