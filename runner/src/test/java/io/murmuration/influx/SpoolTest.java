package io.murmuration.influx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
  @TempDir Path runDir;

  @Test
  void keepsLinesInOrderAcrossAppends() {
    Spool spool = new Spool(runDir);
    assertTrue(spool.isEmpty());
    spool.append(List.of("a v=1 1", "b v=2 2"));
    spool.append(List.of("c v=3 3"));
    assertEquals(List.of("a v=1 1", "b v=2 2", "c v=3 3"), spool.take().lines());
    assertEquals(3, spool.count());
  }

  @Test
  void droppingWhatWasTakenKeepsWhatCameAfterwards() {
    Spool spool = new Spool(runDir);
    spool.append(List.of("a v=1 1", "b v=2 2"));
    Spool.Chunk taken = spool.take();
    spool.append(List.of("c v=3 3")); // while the taken lines were being written
    spool.drop(taken.bytes());
    assertEquals(List.of("c v=3 3"), spool.take().lines());
    spool.drop(spool.take().bytes());
    assertTrue(spool.isEmpty());
    assertFalse(Files.exists(spool.file()), "an empty spool leaves no file");
  }

  @Test
  void aLineCutShortByACrashIsNotSentButKept() throws Exception {
    Spool spool = new Spool(runDir);
    spool.append(List.of("a v=1 1"));
    Files.writeString(spool.file(), "b v=", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    Spool.Chunk chunk = spool.take();
    assertEquals(List.of("a v=1 1"), chunk.lines());
    spool.drop(chunk.bytes());
    assertEquals("b v=", Files.readString(spool.file()));
  }
}
