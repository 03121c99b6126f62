package io.murmuration.cli;

import com.typesafe.config.Config;
import io.murmuration.cluster.ClusterTls;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --cluster-certs DIR} and {@code --cluster-cert-name NAME}: TLS between the nodes of a
 * cluster, the same two flags on {@code run}, {@code node} and {@code coordinator}.
 */
final class ClusterCertsOptions {
  @Option(
      names = "--cluster-certs",
      paramLabel = "DIR",
      description =
          "encrypt the cluster transport (TLS, mutual authentication) with the certificates"
              + " murm cluster certs made in DIR")
  Path certs;

  @Option(
      names = "--cluster-cert-name",
      defaultValue = ClusterTls.DEFAULT_NODE,
      paramLabel = "NAME",
      description = "with --cluster-certs: the node certificate to use (default: ${DEFAULT-VALUE})")
  String certName;

  /**
   * The transport's TLS settings, checked now (one line naming the file and the fix), or null
   * without a certificates folder.
   */
  Config tls() {
    if (certs == null) {
      return null;
    }
    try {
      return ClusterTls.overlay(certs, certName);
    } catch (IllegalArgumentException e) {
      throw new SetupException(e.getMessage(), e);
    }
  }
}
