package io.murmuration.sut;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for a local server's STARTTLS, made with {@code openssl} (EC P-256:
 * quick to make and to handshake). Clients must connect with {@code verifyTls=false}.
 *
 * @param certificate PEM certificate, subject and subjectAltName = the domain
 * @param key PEM private key, unencrypted
 */
record Certificates(Path certificate, Path key) {

  /** Writes {@code DOMAIN.crt} and {@code DOMAIN.key} into {@code folder}. */
  static Certificates selfSigned(Path folder, String domain) {
    Path certificate = folder.resolve(domain + ".crt");
    Path key = folder.resolve(domain + ".key");
    List<String> command =
        List.of(
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "3650",
            "-subj",
            "/CN=" + domain,
            "-addext",
            "subjectAltName=DNS:" + domain,
            "-keyout",
            key.toString(),
            "-out",
            certificate.toString());
    Path log = folder.resolve("openssl.log");
    try {
      Process openssl =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
        openssl.destroyForcibly();
        throw new IllegalStateException(
            "openssl could not make a certificate for "
                + domain
                + ": "
                + Files.readString(log).strip());
      }
      Files.deleteIfExists(log);
      return new Certificates(certificate, key);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run openssl (is it installed?): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while making a certificate", e);
    }
  }

  /** Certificate and key in one PEM file, as ejabberd's {@code certfiles} takes them. */
  Path combined(Path file) {
    try {
      Files.write(file, Files.readAllBytes(certificate));
      Files.write(file, Files.readAllBytes(key), StandardOpenOption.APPEND);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
