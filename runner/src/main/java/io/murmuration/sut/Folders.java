package io.murmuration.sut;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The folder a local server keeps its config, data and logs in. */
final class Folders {
  private static final Logger log = LoggerFactory.getLogger(Folders.class);

  private Folders() {}

  /** {@code given} (created if needed), or a fresh temp folder that other users may traverse. */
  static Path create(Path given, String prefix) {
    try {
      if (given == null) {
        Path folder = Files.createTempDirectory(prefix);
        folder.toFile().setReadable(true, false);
        folder.toFile().setExecutable(true, false);
        return folder;
      }
      return Files.createDirectories(given.toAbsolutePath());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create folder " + given, e);
    }
  }

  /** Removes {@code folder} and everything in it, as far as possible. */
  static void delete(Path folder) {
    try (Stream<Path> paths = Files.walk(folder)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      log.debug("could not remove {}: {}", folder, e.toString());
    }
  }
}
