package io.murmuration.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.murmuration.cli.Murm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code murm} in-process, the way a user would from a shell, and keeps what it printed. */
public record Cli(int code, String out, String err) {
  private static final Pattern RUN_FOLDER = Pattern.compile("run folder: (\\S+)");

  public static Cli murm(String... args) {
    return murm(Map.of(), args);
  }

  public static Cli murm(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Murm.execute(
            args,
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Cli(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The run folder the run printed. */
  public Path runFolder() {
    Matcher m = RUN_FOLDER.matcher(out);
    if (!m.find()) {
      throw new AssertionError("no run folder printed; out:\n" + out + "\nerr:\n" + err);
    }
    return Path.of(m.group(1));
  }

  public JsonNode summary() throws IOException {
    return new ObjectMapper().readTree(Files.readString(runFolder().resolve("summary.json")));
  }

  @Override
  public String toString() {
    return "exit " + code + "\n--- out\n" + out + "\n--- err\n" + err;
  }
}
