package io.murmuration.influx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Points that could not be written yet, as line protocol in a file of the run folder ({@value
 * #FILE_NAME}), one point per line, in the order they were made. Appending is durable enough for a
 * crash of the runner (each append is one {@code write}); {@link #take} and {@link #drop} let a
 * writer send a prefix and remove it only once InfluxDB accepted it. The file disappears when it is
 * empty.
 *
 * <p>Thread-safe.
 */
final class Spool {
  static final String FILE_NAME = "influx-spool.lp";

  private final Path file;

  Spool(Path runDir) {
    this.file = runDir.resolve(FILE_NAME);
  }

  Path file() {
    return file;
  }

  synchronized void append(Collection<String> lines) {
    if (lines.isEmpty()) {
      return;
    }
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      text.append(line).append('\n');
    }
    try {
      Files.writeString(
          file,
          text,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep InfluxDB points in " + file, e);
    }
  }

  synchronized boolean isEmpty() {
    return !Files.exists(file) || size() == 0;
  }

  /** What the spool holds now: the lines and how many bytes of the file they are. */
  record Chunk(List<String> lines, long bytes) {}

  synchronized Chunk take() {
    if (!Files.exists(file)) {
      return new Chunk(List.of(), 0);
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      int end = text.lastIndexOf('\n') + 1; // a line cut short by a crash stays for later
      List<String> lines = new ArrayList<>();
      for (String line : text.substring(0, end).split("\n")) {
        if (!line.isBlank()) {
          lines.add(line);
        }
      }
      return new Chunk(lines, text.substring(0, end).getBytes(StandardCharsets.UTF_8).length);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Removes the first {@code bytes} of the file (a {@link Chunk} that was written). */
  synchronized void drop(long bytes) {
    try {
      long size = size();
      if (bytes >= size) {
        Files.deleteIfExists(file);
        return;
      }
      Path rest = file.resolveSibling(FILE_NAME + ".rest");
      try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
          FileChannel out =
              FileChannel.open(
                  rest,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.TRUNCATE_EXISTING,
                  StandardOpenOption.WRITE)) {
        in.transferTo(bytes, size - bytes, out);
      }
      Files.move(rest, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot shorten " + file, e);
    }
  }

  /** Lines in the spool now. */
  synchronized int count() {
    return take().lines().size();
  }

  private long size() {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }
}
