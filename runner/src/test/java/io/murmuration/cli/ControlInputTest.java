package io.murmuration.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The console's parsing; the verbs' effect on a live run is covered by RunVerbsTest. */
class ControlInputTest {
  private final ControlInput input = new ControlInput(null, System.out);

  @Test
  void answersHelpAndUnknownCommandsWithTheCommandList() {
    assertEquals(ControlInput.HELP, input.apply("help"));
    assertEquals(ControlInput.HELP, input.apply("launch 5"));
  }

  @Test
  void saysWhatItCouldNotRead() {
    assertEquals("cannot read 'add lots': " + ControlInput.HELP, input.apply("add lots"));
    assertEquals(
        "cannot read 'throttle messages': " + ControlInput.HELP, input.apply("throttle messages"));
    assertEquals("add: N and USERS_PER_S must be more than 0", input.apply("add 0"));
  }

  @Test
  void readsLinesUntilTheInputEnds() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new ControlInput(null, new PrintStream(out, true, StandardCharsets.UTF_8))
        .readAll(new StringReader("help\n\nadd x\n"));
    assertEquals(
        ControlInput.HELP + "\ncannot read 'add x': " + ControlInput.HELP + "\n",
        out.toString(StandardCharsets.UTF_8));
  }
}
