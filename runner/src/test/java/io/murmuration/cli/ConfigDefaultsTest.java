package io.murmuration.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.murmuration.cli.ConfigDefaults.Opening;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Finding the brace a HOCON file never closes; the whole message is in CliErrorsTest. */
class ConfigDefaultsTest {

  @Test
  void findsTheInnermostBraceOrBracketLeftOpen() {
    assertEquals(Optional.of(new Opening('{', 2)), ConfigDefaults.unclosed("a = 1\nb {\n c = 2\n"));
    assertEquals(
        Optional.of(new Opening('{', 1)),
        ConfigDefaults.unclosed("a {\n  x = 1\nb {\n  y = 2\n}\n"));
    assertEquals(
        Optional.of(new Opening('[', 3)),
        ConfigDefaults.unclosed("p {\n  q = 1\n  r = [1,\n  2\n}\n"));
  }

  @Test
  void bracesInStringsCommentsAndSubstitutionsDoNotCount() {
    String text =
        String.join(
            "\n",
            "a = \"{ [ \\\" {\"",
            "# {",
            "// [",
            "b = \"\"\"{",
            "  [ \"\"\"\"",
            "c = ${?HOME}",
            "d { e = 1 } // }",
            "f {",
            "");
    assertEquals(Optional.of(new Opening('{', 8)), ConfigDefaults.unclosed(text));
    assertEquals(Optional.empty(), ConfigDefaults.unclosed(text + "}\n"));
  }

  @Test
  void aCloseTooManyIsLeftToTypesafeConfig() {
    assertEquals(Optional.empty(), ConfigDefaults.unclosed("a = 1\n}\nb {\n"));
  }
}
