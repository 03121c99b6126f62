package io.murmuration.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import io.murmuration.hook.pipeline.Coordinator;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook module's {@code hook.conf.tftpl}, rendered as Terraform would with values of the
 * shape the module gives, is a configuration the service itself accepts, with the settings the
 * deployment depends on.
 */
class HookConfTemplateTest {
  private static final Path TEMPLATE =
      Path.of("..", "terraform", "modules", "webhook", "hook.conf.tftpl")
          .toAbsolutePath()
          .normalize();
  private static final Pattern INTERPOLATION =
      Pattern.compile("\\$\\{(?:jsonencode\\((\\w+)\\)|(\\w+))}");
  private static final Map<String, Object> VALUES =
      Map.of(
          "port", 8080,
          "database_url",
              "jdbc:postgresql://murmuration-jobs-1.abc.eu-west-1.rds.amazonaws.com:5432/murmuration?sslmode=require",
          "influx_url", "http://10.40.1.20:8086",
          "coordinator_url", "http://10.40.1.10:8086",
          "grafana_url", "https://grafana.example.com/",
          "public_url", "https://hooks.example.com/");

  @Test
  void theRenderedSettingsAreOnesTheServiceAccepts(@TempDir Path dir) throws IOException {
    Config settings = settings(dir, render(true));

    assertEquals("0.0.0.0:8080", settings.getString("listen"));
    assertEquals("/var/lib/murmuration/hook-data", settings.getString("data-dir"));
    assertEquals(VALUES.get("database_url"), settings.getString("database.url"));
    assertEquals(VALUES.get("influx_url"), settings.getString("influx"));
    assertEquals(VALUES.get("grafana_url"), settings.getString("grafana"));
    assertEquals(VALUES.get("public_url"), settings.getString("public-url"));
    // the token file is one of the secrets the module reads into /run/secrets
    assertEquals("/run/secrets/coordinator-token", settings.getString("coordinator.token-file"));
    assertTrue(
        Files.readString(TEMPLATE.resolveSibling("main.tf")).contains("\"coordinator-token\""));

    Path token = dir.resolve("token");
    Files.writeString(token, "0123456789abcdef0123");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    Coordinator coordinator =
        Coordinator.of(
            settings
                .getConfig("coordinator")
                .withValue("token-file", ConfigValueFactory.fromAnyRef(token.toString())));
    assertEquals(URI.create("http://10.40.1.10:8086"), coordinator.url());
  }

  @Test
  void withoutAPublicStatusPageThereIsNoPublicUrl(@TempDir Path dir) throws IOException {
    Config settings = settings(dir, render(false));
    assertFalse(settings.hasPath("public-url"));
  }

  @Test
  void aSettingTheServiceDoesNotKnowWouldBeRefused(@TempDir Path dir) throws IOException {
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () -> settings(dir, render(true) + "runs-dir = \"/var/lib/murmuration/runs\"\n"));
    assertTrue(refused.getMessage().contains("unknown setting 'runs-dir'"), refused.getMessage());
  }

  private static Config settings(Path dir, String text) throws IOException {
    Path file = dir.resolve("hook.conf");
    Files.writeString(file, text);
    HookCommand command = new HookCommand();
    command.config = file.toFile();
    return command.settings();
  }

  /** The template as Terraform renders it; {@code publicUrl}: public_status_page. */
  private static String render(boolean publicUrl) throws IOException {
    String text =
        Files.readString(TEMPLATE)
            .replaceAll(
                "%\\{ if public_url != \"\" ~}\\n((?s).*?)%\\{ endif ~}\\n", publicUrl ? "$1" : "");
    Matcher m = INTERPOLATION.matcher(text);
    StringBuilder rendered = new StringBuilder();
    ObjectMapper json = new ObjectMapper();
    while (m.find()) {
      Object value = VALUES.get(m.group(1) != null ? m.group(1) : m.group(2));
      String replacement =
          m.group(1) != null ? json.writeValueAsString(value) : String.valueOf(value);
      m.appendReplacement(rendered, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(rendered);
    assertFalse(
        rendered.toString().contains("${") || rendered.toString().contains("%{"),
        "the template uses template syntax this test does not render: " + rendered);
    return rendered.toString();
  }
}
