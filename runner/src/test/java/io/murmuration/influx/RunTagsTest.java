package io.murmuration.influx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunTagsTest {
  @Test
  void flagsOverrideTheDefaultsAndBlankValuesAreLeftOut() {
    RunTags tags = RunTags.parse(List.of("trigger=push", "repo=acme/chat", "pr= "), "runner-7");
    assertEquals(Map.of("node", "runner-7", "trigger", "push", "repo", "acme/chat"), tags.values());
  }

  @Test
  void aDefaultDoesNotReplaceAGivenValue() {
    RunTags tags = RunTags.parse(List.of("sut=prosody"), "n");
    assertEquals("prosody", tags.withDefault("sut", "ejabberd").get("sut"));
    assertEquals("23.01", tags.withDefault("sut_version", "23.01").get("sut_version"));
  }

  @Test
  void anUnknownKeyIsRefusedWithTheKnownOnes() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> RunTags.parse(List.of("brnach=main"), "n"));
    assertEquals(
        "unknown tag 'brnach': use one of node, trigger, sut, sut_version, repo, branch, commit,"
            + " pr, arm",
        e.getMessage());
  }

  @Test
  void aTagWithoutEqualsSignIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RunTags.parse(List.of("main"), "n"));
    assertEquals("--tag 'main' is not KEY=VALUE, e.g. branch=main", e.getMessage());
  }
}
