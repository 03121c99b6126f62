package io.murmuration.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Grafana module provisions Grafana from the repository's dashboards/ folder itself: its data
 * source and dashboard provider files and every dashboard, read with {@code file()} where they are,
 * put where the provider file says Grafana finds them, with every variable the data source file
 * needs. Compared here with the files, so that a dashboard added, a path changed or a variable
 * added in dashboards/ cannot silently miss the deployment.
 */
class GrafanaModuleTest {
  private static final Path DASHBOARDS = Path.of("..", "dashboards").toAbsolutePath().normalize();
  private static final Path MODULE = Terraform.ROOT.resolve("modules/grafana");
  private static final Pattern FILESET =
      Pattern.compile("fileset\\(local\\.dashboards, \"([^\"]+)\"\\)");
  private static final Pattern TARGET = Pattern.compile("\"(/[^\"$]+/)\\$\\{f}\" => file\\(");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{?(MURM_[A-Z_]+)}?");

  private static Terraform.Configuration grafana;
  private static JsonNode host;

  @BeforeAll
  static void parse() {
    grafana = Terraform.at("modules/grafana");
    host = grafana.blocks("module").get("host");
  }

  @Test
  void theModuleReadsDashboardsFromTheRepositoryAndTerraformHoldsNoCopies() throws IOException {
    String dir = grafana.locals().get("dashboards").asText();
    assertEquals("${path.module}/../../../dashboards", dir);
    assertEquals(DASHBOARDS, MODULE.resolve("../../../dashboards").normalize());
    try (Stream<Path> walk = Files.walk(Terraform.ROOT)) {
      List<Path> copies =
          walk.filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".yaml"))
              .toList();
      assertEquals(List.of(), copies);
    }
  }

  @Test
  void everyFileOfDashboardsIsProvisioned() throws IOException {
    Set<String> provisioned = new TreeSet<>();
    for (String pattern : Terraform.matches(FILESET, files())) {
      PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
      for (String file : repositoryFiles()) {
        if (glob.matches(Path.of(file))) {
          provisioned.add(file);
        }
      }
    }
    assertEquals(repositoryFiles(), provisioned);
    assertTrue(provisioned.contains("murmuration/run.json"), provisioned.toString());
  }

  @Test
  void grafanaFindsTheDashboardsWhereTheProviderFileSays() throws IOException {
    JsonNode provider =
        new YAMLMapper()
            .readTree(DASHBOARDS.resolve("provisioning/dashboards/murmuration.yaml").toFile());
    String path = provider.path("providers").get(0).path("options").path("path").asText();
    List<String> targets = Terraform.matches(TARGET, files());
    assertEquals(List.of("/etc/murmuration/grafana/"), targets);
    Set<String> volumes = new TreeSet<>();
    host.path("volumes").forEach(v -> volumes.add(v.asText()));

    assertTrue(
        volumes.contains("/etc/murmuration/grafana/murmuration:" + path + ":ro"),
        "the dashboards (murmuration/*.json) mounted at the provider's path "
            + path
            + ": "
            + volumes);
    assertTrue(
        volumes.contains("/etc/murmuration/grafana/provisioning:/etc/grafana/provisioning:ro"),
        "provisioning/ mounted as Grafana's provisioning folder: " + volumes);
  }

  @Test
  void everyVariableTheDataSourceFileReadsIsSetAndThePasswordOnlyAsASecret() throws IOException {
    String datasource =
        Files.readString(DASHBOARDS.resolve("provisioning/datasources/murmuration.yaml"))
            .lines()
            .filter(line -> !line.strip().startsWith("#"))
            .reduce("", (a, b) -> a + b + "\n");
    Set<String> needed = new TreeSet<>(Terraform.matches(PLACEHOLDER, datasource));
    Set<String> plain = names(host.path("environment"));
    Set<String> secret = names(host.path("secret_environment"));
    Set<String> set = new TreeSet<>(plain);
    set.addAll(secret);
    set.removeIf(name -> !name.startsWith("MURM_"));

    assertEquals(needed, set);
    assertTrue(secret.contains("MURM_INFLUX_PASSWORD"), secret.toString());
    assertTrue(!plain.contains("MURM_INFLUX_PASSWORD"), plain.toString());
  }

  @Test
  void theProvisionedFilesFitInAMachinesUserData() throws IOException {
    // EC2 takes 16 KiB of user data; the module sends the files and the boot script gzipped
    ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
      for (String file : repositoryFiles()) {
        gzip.write(Files.readAllBytes(DASHBOARDS.resolve(file)));
      }
      gzip.write(Files.readAllBytes(Terraform.ROOT.resolve("modules/host/boot.sh.tftpl")));
    }
    assertTrue(
        gzipped.size() < 12 * 1024,
        "dashboards/ and the boot script take "
            + gzipped.size()
            + " bytes gzipped, too close to EC2's 16 KiB of user data: have the machine fetch"
            + " the dashboards (e.g. from S3) instead");
  }

  @Test
  void grafanasImageIsTheVersionWhoseTypesTheDashboardsAreCheckedAgainst() throws IOException {
    String image = grafana.blocks("variable").get("image").path("default").asText();
    JsonNode packages = new ObjectMapper().readTree(Path.of("src/test/node/package.json").toFile());
    String schema = packages.path("dependencies").path("@grafana/schema").asText();
    assertEquals("grafana/grafana:" + schema, image);
  }

  private static String files() {
    return grafana.locals().get("files").asText();
  }

  private static Set<String> repositoryFiles() {
    try (Stream<Path> walk = Files.walk(DASHBOARDS)) {
      Set<String> files = new TreeSet<>();
      walk.filter(Files::isRegularFile)
          .forEach(p -> files.add(DASHBOARDS.relativize(p).toString()));
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Set<String> names(JsonNode object) {
    Set<String> names = new TreeSet<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
