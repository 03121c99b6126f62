package io.murmuration.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every {@code templatefile()} call gives its template exactly the variables the template uses:
 * Terraform stops a plan on a template variable that was not given, and a given one that is not
 * used is a setting that does nothing.
 */
class TemplatesTest {
  private static final Pattern CALL =
      Pattern.compile(
          "templatefile\\(\"\\$\\{path\\.module}/([^\"]+)\", \\{(.*?)\\n\\s*}\\)", Pattern.DOTALL);
  private static final Pattern KEY = Pattern.compile("(?m)^\\s*([a-z_][a-z0-9_]*)\\s*=");
  private static final Pattern INTERPOLATION = Pattern.compile("(?<!\\$)[$%]\\{~?(.*?)~?}");
  private static final Pattern NAME =
      Pattern.compile("(?<![.\\w\"])([a-z_][a-z0-9_]*)\\b(?!\\s*\\()");
  private static final Pattern LOOP =
      Pattern.compile("^\\s*for\\s+(\\w+)(?:\\s*,\\s*(\\w+))?\\s+in\\b");
  private static final Set<String> KEYWORDS =
      Set.of("for", "in", "if", "else", "endif", "endfor", "true", "false", "null");

  @Test
  void everyTemplateGetsExactlyTheVariablesItUses() throws IOException {
    int calls = 0;
    List<String> wrong = new ArrayList<>();
    var configurations = Terraform.configurations(Terraform.parse(Terraform.files(Terraform.ROOT)));
    for (var entry : configurations.entrySet()) {
      for (String text : entry.getValue().strings()) {
        Matcher call = CALL.matcher(text);
        while (call.find()) {
          calls++;
          Path template = entry.getKey().resolve(call.group(1));
          Set<String> given = new TreeSet<>(Terraform.matches(KEY, call.group(2)));
          Set<String> used = used(Files.readString(template));
          if (!given.equals(used)) {
            wrong.add(Terraform.ROOT.relativize(template) + ": given " + given + ", used " + used);
          }
        }
      }
    }
    assertEquals(List.of(), wrong);
    assertEquals(2, calls, "templatefile calls found");
  }

  @Test
  void aTemplateVariableThatIsNotGivenIsFound() {
    Set<String> used =
        used(
            "a ${jsonencode(b)} %{ for k, v in c ~}${k}=${v.x}%{ endfor ~} $${d} %{ if e }f%{ endif }");
    assertEquals(Set.of("b", "c", "e"), used);
    assertTrue(!used.contains("d"), "$${…} is an escape, not a variable");
  }

  /** The top-level variables a template reads: not functions, attributes, loop variables. */
  static Set<String> used(String template) {
    Set<String> names = new TreeSet<>();
    Set<String> loopVariables = new TreeSet<>();
    Matcher m = INTERPOLATION.matcher(template);
    while (m.find()) {
      String expression = m.group(1);
      Matcher loop = LOOP.matcher(expression);
      if (loop.find()) {
        loopVariables.add(loop.group(1));
        if (loop.group(2) != null) {
          loopVariables.add(loop.group(2));
        }
      }
      names.addAll(Terraform.matches(NAME, expression.replaceAll("\"[^\"]*\"", "\"\"")));
    }
    names.removeAll(KEYWORDS);
    names.removeAll(loopVariables);
    return names;
  }
}
