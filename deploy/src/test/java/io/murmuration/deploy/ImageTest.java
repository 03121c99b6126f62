package io.murmuration.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.murmuration.scenario.Scenario;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image as {@code mvn verify} builds it for these tests: {@code
 * target/test-image.tar}, made by {@code jib:buildTar} on {@code scratch} in {@code
 * process-test-classes} (no base image can be pulled here; the image operators run is built by
 * {@code ./murm image} on a Java base, with the same layers: docs/image.md). The tarball is read as
 * an OCI image layout, its layers are unpacked in order into a temporary folder, and the unpacked
 * launcher is run there with this machine's JDK: what a container of the image starts, less the
 * base image.
 */
class ImageTest {
  private static final Path TAR = Path.of("target", "test-image.tar");
  private static final String HOME = "/opt/murmuration";
  private static final String WORKDIR = "/var/lib/murmuration";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The image's file system: its layers unpacked in order. */
  @TempDir static Path root;

  /** The tarball's entries by name: {@code oci-layout}, {@code index.json}, {@code blobs/…}. */
  private static Map<String, byte[]> files;

  private static JsonNode manifest;
  private static JsonNode config;

  /** Each path of the image (absolute, no trailing slash) and its mode, as its layer gives it. */
  private static final Map<String, Integer> modes = new LinkedHashMap<>();

  @BeforeAll
  static void unpack() throws IOException {
    assertTrue(
        Files.isRegularFile(TAR),
        TAR.toAbsolutePath()
            + " is missing: execution test-image (jib:buildTar, process-test-classes) did not run;"
            + " -Djib.skip skips it");
    files = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(TAR)) {
      for (TarEntry e : TarEntry.read(in)) {
        if (e.type() != '5') {
          files.put(e.path(), e.content());
        }
      }
    }
    JsonNode index = json("index.json");
    manifest = json(blob(index.get("manifests").get(0)));
    config = json(blob(manifest.get("config")));
    for (JsonNode layer : manifest.get("layers")) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(blob(layer)))) {
        for (TarEntry e : TarEntry.read(in)) {
          Path target = root.resolve(e.path()).normalize();
          assertTrue(target.startsWith(root), "a layer path outside the image: " + e.path());
          String path = "/" + root.relativize(target);
          modes.put(path, e.mode());
          if (e.type() == '5') {
            Files.createDirectories(target);
          } else {
            assertEquals('0', e.type(), path + ": only files and folders expected");
            Files.createDirectories(target.getParent());
            Files.write(target, e.content());
            Files.setPosixFilePermissions(target, permissions(e.mode()));
          }
        }
      }
    }
    // mvn test stops before the modules are packaged: Jib then ships their classes folders, as
    // one folder libs/classes.jar that no class path reads
    try (var libs = Files.list(root.resolve("opt/murmuration/libs"))) {
      assertTrue(
          libs.allMatch(Files::isRegularFile),
          "the image holds unpackaged modules in libs/: build it with mvn verify (./murm test)");
    }
  }

  @Test
  void isAnOciImageLayoutWhoseBlobsAreNamedByTheirDigest() throws IOException {
    assertEquals("1.0.0", json("oci-layout").get("imageLayoutVersion").asText());
    JsonNode index = json("index.json");
    assertEquals("application/vnd.oci.image.index.v1+json", index.get("mediaType").asText());
    assertEquals(1, index.get("manifests").size(), "one image");
    assertEquals(
        "application/vnd.oci.image.manifest.v1+json",
        index.get("manifests").get(0).get("mediaType").asText());
    assertEquals(
        "application/vnd.oci.image.config.v1+json",
        manifest.get("config").get("mediaType").asText());
    for (JsonNode layer : manifest.get("layers")) {
      assertEquals("application/vnd.oci.image.layer.v1.tar+gzip", layer.get("mediaType").asText());
    }
    int blobs = 0;
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      if (file.getKey().startsWith("blobs/")) {
        assertEquals(file.getKey(), "blobs/sha256/" + sha256(file.getValue()), "a blob's name");
        blobs++;
      }
    }
    assertEquals(2 + manifest.get("layers").size(), blobs, "manifest, config and the layers");
  }

  @Test
  void eachLayersDiffIdIsTheDigestOfItsUncompressedContent() throws IOException {
    JsonNode layers = manifest.get("layers");
    JsonNode diffIds = config.get("rootfs").get("diff_ids");
    assertEquals(layers.size(), diffIds.size());
    for (int i = 0; i < layers.size(); i++) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(blob(layers.get(i))))) {
        assertEquals(diffIds.get(i).asText(), "sha256:" + sha256(in.readAllBytes()));
      }
    }
  }

  @Test
  void startsMurmAsANonRootUserInAWritableWorkingDirectoryThatIsAVolume() {
    JsonNode c = config.get("config");
    assertEquals(List.of(HOME + "/murm"), strings(c.get("Entrypoint")));
    assertTrue(c.path("Cmd").isMissingNode() || c.get("Cmd").isEmpty(), "no arguments by default");
    assertEquals("1000:1000", c.get("User").asText());
    assertEquals(WORKDIR, c.get("WorkingDir").asText());
    assertEquals(Set.of(WORKDIR), fieldNames(c.get("Volumes")));
    assertTrue(strings(c.get("Env")).contains("HOME=" + WORKDIR), "git needs a HOME");
    assertEquals("777", mode(WORKDIR), "any user may write the working directory");
  }

  @Test
  void terraformRunsItAsItsUserWithItsWorkingDirectoryOnTheMachine() {
    JsonNode c = config.get("config");
    for (String folder : List.of("coordinator", "runner-workers", "webhook")) {
      Terraform.Configuration module = Terraform.at("modules/" + folder);
      JsonNode host = module.blocks("module").get("host");
      assertEquals(
          c.get("User").asText(),
          host.get("uid").asText() + ":" + host.get("gid").asText(),
          folder + ": the container's user");
      assertTrue(
          strings(host.get("volumes")).stream().anyMatch(v -> v.endsWith(":" + WORKDIR)),
          folder + ": a machine folder mounted at the working directory");
    }
  }

  @Test
  void exposesTheHookTheControlApiAndTheCluster() {
    assertEquals(
        Set.of("8080/tcp", "8086/tcp", "25520/tcp"),
        fieldNames(config.get("config").get("ExposedPorts")));
  }

  @Test
  void isLabelledWithTitleAndVersion() {
    JsonNode labels = config.get("config").get("Labels");
    assertEquals("Murmuration", labels.path("org.opencontainers.image.title").asText());
    assertEquals("0.1.0-SNAPSHOT", labels.path("org.opencontainers.image.version").asText());
  }

  @Test
  void holdsThisRepositorysLauncherAsAnExecutable() throws IOException {
    for (String file : List.of("murm", "jdk.sh")) {
      assertEquals(
          -1,
          Files.mismatch(Path.of("..", file), root.resolve("opt/murmuration/" + file)),
          file + " in the image is the repository's");
    }
    assertEquals("755", mode(HOME + "/murm"), "murm is executable");
  }

  @Test
  void putsTheRunnerWithNetty41AndWithoutGatlingOnTheRunnersClassPath() throws IOException {
    Set<String> libs = names(root.resolve("opt/murmuration/libs"));
    for (String module : List.of("runner", "scenarios", "api", "results", "github-hook")) {
      assertTrue(libs.contains("murmuration-" + module + "-0.1.0-SNAPSHOT.jar"), module);
    }
    assertTrue(libs.stream().anyMatch(n -> n.startsWith("netty-handler-4.1.")), "Netty 4.1");
    assertEquals(
        Set.of(),
        libs.stream()
            .filter(n -> n.startsWith("gatling") || n.matches("netty-.*-4\\.2\\..*"))
            .collect(Collectors.toSet()),
        "Gatling and Netty 4.2 belong to the child JVM only");
  }

  @Test
  void givesTheGatlingChildItsOwnClassPathWithNetty42() throws IOException {
    String file = Files.readString(root.resolve("opt/murmuration/gatling.classpath")).strip();
    assertEquals(
        List.of(HOME + "/gatling/classes", HOME + "/gatling/libs/*"), List.of(file.split(":")));
    // the runner takes the first entry for the gatling module's classes (HttpLoadProcess)
    assertTrue(
        Files.isRegularFile(
            root.resolve(
                "opt/murmuration/gatling/classes/io/murmuration/gatling/HttpSendsSimulation.class")));
    Set<String> libs = names(root.resolve("opt/murmuration/gatling/libs"));
    assertTrue(libs.stream().anyMatch(n -> n.startsWith("gatling-charts-highcharts-")), "Gatling");
    assertTrue(libs.stream().anyMatch(n -> n.startsWith("netty-handler-4.2.")), "Netty 4.2");
    assertFalse(libs.stream().anyMatch(n -> n.startsWith("netty-handler-4.1.")), "no Netty 4.1");
  }

  @Test
  void unpackedMurmListsTheShippedScenariosWithoutBuilding() {
    Run run = murm("scenarios");
    assertEquals(0, run.exit(), run.output());
    Set<String> listed =
        run.output()
            .lines()
            .filter(l -> l.contains(" — ") && !l.startsWith(" "))
            .map(l -> l.substring(0, l.indexOf(" — ")))
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> shipped =
        StreamSupport.stream(ServiceLoader.load(Scenario.class).spliterator(), false)
            .map(Scenario::name)
            .collect(Collectors.toCollection(TreeSet::new));
    assertTrue(shipped.containsAll(Set.of("one-to-one", "muc")), shipped.toString());
    assertEquals(shipped, listed, run.output());
  }

  @Test
  void unpackedMurmSaysInOneLineThatTheTestsNeedASourceCheckout() {
    Run run = murm("test");
    assertEquals(2, run.exit(), run.output());
    assertEquals(
        List.of(
            "murm: murm test needs a source checkout (this murm is installed in "
                + root.resolve("opt/murmuration")
                + ")"),
        run.output().lines().toList());
  }

  /** What a finished process of the unpacked {@code murm} printed (stdout, then stderr). */
  private record Run(int exit, String output) {}

  /** Runs the unpacked {@code murm ARGS} in the image's working directory on this JVM's JDK. */
  private static Run murm(String... args) {
    List<String> command =
        new ArrayList<>(List.of(root.resolve("opt/murmuration/murm").toString()));
    command.addAll(List.of(args));
    Path workdir = root.resolve(WORKDIR.substring(1));
    Processes.Result result =
        Processes.run(
            command,
            workdir,
            Map.of("JAVA_HOME", System.getProperty("java.home"), "HOME", workdir.toString()));
    return new Run(result.exit(), result.stdout() + result.stderr());
  }

  private static JsonNode json(String file) throws IOException {
    byte[] content = files.get(file);
    assertTrue(content != null, file + " is not in " + TAR);
    return json(content);
  }

  private static JsonNode json(byte[] content) throws IOException {
    return JSON.readTree(content);
  }

  /** The blob a descriptor names, checked against the descriptor's size. */
  private static byte[] blob(JsonNode descriptor) {
    String digest = descriptor.get("digest").asText();
    byte[] content = files.get("blobs/" + digest.replace(':', '/'));
    assertTrue(content != null, digest + " is not in " + TAR);
    assertEquals(descriptor.get("size").asLong(), content.length, digest + ": size");
    return content;
  }

  /** The permission bits of a path of the image, in octal, as its last layer gives them. */
  private static String mode(String path) {
    Integer mode = modes.get(path);
    assertTrue(mode != null, path + " is not in the image");
    return Integer.toOctalString(mode & 0777);
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static Set<String> fieldNames(JsonNode object) {
    Set<String> names = new TreeSet<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Set<String> names(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static Set<java.nio.file.attribute.PosixFilePermission> permissions(int mode) {
    StringBuilder rwx = new StringBuilder();
    for (int shift = 6; shift >= 0; shift -= 3) {
      rwx.append((mode >> shift & 4) != 0 ? 'r' : '-');
      rwx.append((mode >> shift & 2) != 0 ? 'w' : '-');
      rwx.append((mode >> shift & 1) != 0 ? 'x' : '-');
    }
    return PosixFilePermissions.fromString(rwx.toString());
  }
}
