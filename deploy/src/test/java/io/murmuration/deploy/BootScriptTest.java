package io.murmuration.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host module's boot script, rendered as {@code templatefile()} would with values of the shape
 * the role modules give: bash can parse it, and the container's arguments and options reach {@code
 * docker run} exactly as given — quotes, {@code $(…)}, backquotes and all — because bash itself
 * evaluates the lines that build them here.
 */
class BootScriptTest {
  private static final Path TEMPLATE = Terraform.ROOT.resolve("modules/host/boot.sh.tftpl");

  @Test
  void bashParsesTheScriptAndTheRunScriptItWrites(@TempDir Path dir) throws Exception {
    for (String device : List.of("", "/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_vol0123")) {
      String boot = render(device, List.of("node", "--bind", "@PRIVATE_IP@:25520"), Map.of());
      assertEquals(0, bash(dir, List.of("-n"), boot).exit(), boot);
      assertEquals(0, bash(dir, List.of("-n"), runScript(boot)).exit(), runScript(boot));
      assertEquals(!device.isEmpty(), boot.contains("mkfs.xfs '" + device + "'"), boot);
    }
  }

  @Test
  void hostileArgumentsAndEnvironmentValuesReachDockerAsTheyAre(@TempDir Path dir)
      throws Exception {
    Path marker = dir.resolve("expanded");
    String hostile = "it's \"$(touch " + marker + ")\" `touch " + marker + "` ${HOME} ; exit 7";
    List<String> command = List.of("coordinator", "--api", "@PRIVATE_IP@:8086", "--x", hostile);
    String run = runScript(render("", command, Map.of("GF_A", "x'y $HOME", "MURM_B", hostile)));
    StringBuilder script = new StringBuilder("private_ip=10.40.1.10\n");
    run.lines()
        .filter(line -> line.startsWith("args=") || line.startsWith("options="))
        .forEach(line -> script.append(line).append('\n'));
    script.append(
        "printf '%s\\0' \"${args[@]}\"; printf 'OPTIONS\\0'; printf '%s\\0' \"${options[@]}\"\n");

    Processes.Result result = bash(dir, List.of(), script.toString());

    assertEquals(0, result.exit(), result.stderr());
    List<String> words = Arrays.asList(result.stdout().split("\0", -1));
    int split = words.indexOf("OPTIONS");
    assertEquals(
        List.of("coordinator", "--api", "10.40.1.10:8086", "--x", hostile),
        words.subList(0, split));
    assertEquals(
        List.of(
            "-e", "GF_A=x'y $HOME",
            "-e", "MURM_B=" + hostile,
            "-v", "/var/lib/murmuration/runs:/var/lib/murmuration/runs"),
        words.subList(split + 1, words.size() - 1));
    assertFalse(Files.exists(marker), "a value was run by the shell");
  }

  @Test
  void eachSecretIsFetchedIntoItsFileAndBinaryOnesAreDecoded() throws IOException {
    String run = runScript(render("", List.of("node"), Map.of()));
    assertTrue(
        run.contains(
            "fetch '/murmuration/worker/worker.p12' | base64 -d >\"$secrets/worker.p12.new\""),
        run);
    assertTrue(
        run.contains("fetch '/murmuration/worker/api-token' >\"$secrets/api-token.new\""), run);
    assertTrue(
        run.contains(
            "printf '%s=%s\\n' 'MURM_TOKEN' \"$(cat \"$secrets/api-token\")\" >>\"$secrets/env\""),
        run);
  }

  private static String render(String device, List<String> command, Map<String, String> env)
      throws IOException {
    Map<String, Object> variables = new TreeMap<>();
    variables.put("name", "murmuration-worker");
    variables.put("region", "eu-west-1");
    variables.put(
        "image",
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/murmuration@sha256:" + "0".repeat(64));
    variables.put("command", command);
    variables.put("environment", env);
    variables.put("volumes", List.of("/var/lib/murmuration/runs:/var/lib/murmuration/runs"));
    variables.put(
        "secret_files",
        Map.of(
            "worker.p12",
                Map.of(
                    "parameter", "/murmuration/worker/worker.p12", "arn", "arn:x", "base64", true),
            "api-token",
                Map.of(
                    "parameter",
                    "/murmuration/worker/api-token",
                    "arn",
                    "arn:y",
                    "base64",
                    false)));
    variables.put("secret_environment", Map.of("MURM_TOKEN", "api-token"));
    variables.put("data_dirs", List.of("/var/lib/murmuration/runs"));
    variables.put("data_device", device);
    variables.put("uid", 1000);
    variables.put("gid", 1000);
    return Template.render(Files.readString(TEMPLATE), variables);
  }

  /** The script the boot script writes to /usr/local/sbin/NAME (its RUN here-document). */
  private static String runScript(String boot) {
    int start = boot.indexOf("<<'RUN'\n");
    int end = boot.indexOf("\nRUN\n", start);
    assertTrue(start > 0 && end > start, boot);
    return boot.substring(start + "<<'RUN'\n".length(), end + 1);
  }

  private static Processes.Result bash(Path dir, List<String> options, String script)
      throws IOException {
    Path file = Files.createTempFile(dir, "script", ".sh");
    Files.writeString(file, script);
    List<String> command = new ArrayList<>(List.of("bash"));
    command.addAll(options);
    command.add(file.toString());
    return Processes.run(command, dir, Map.of());
  }
}
