package io.murmuration.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of a tar stream, as an image tarball and its layers hold them (POSIX ustar, long names
 * in PAX {@code path} records or GNU {@code L} entries): its path, its type ({@code '0'} a file,
 * {@code '5'} a folder, …), its mode and its content. The JDK reads no tar, and a library for it
 * would change the versions on the image's class path (its dependencies are the runner's).
 */
record TarEntry(String path, char type, int mode, byte[] content) {
  private static final int BLOCK = 512;

  /** Every entry of {@code in}, in order; PAX and GNU long-name entries applied, not listed. */
  static List<TarEntry> read(InputStream in) throws IOException {
    List<TarEntry> entries = new ArrayList<>();
    String longName = null;
    while (true) {
      byte[] header = in.readNBytes(BLOCK);
      if (header.length < BLOCK || header[0] == 0) {
        return entries; // the end: a zero block
      }
      long size = Long.parseLong(field(header, 124, 12), 8);
      byte[] content = in.readNBytes(Math.toIntExact(size));
      in.skipNBytes((BLOCK - size % BLOCK) % BLOCK);
      char type = (char) header[156];
      switch (type) {
        case 'x' -> longName = pax(content).get("path");
        case 'L' -> longName = new String(content, StandardCharsets.UTF_8).replace("\0", "");
        case 'g' -> {} // global PAX settings: none that matter here
        default -> {
          String name = field(header, 0, 100);
          String prefix = field(header, 345, 155);
          if (longName == null) {
            longName = prefix.isEmpty() ? name : prefix + "/" + name;
          }
          entries.add(
              new TarEntry(
                  longName,
                  type == 0 ? '0' : type,
                  Integer.parseInt(field(header, 100, 8), 8),
                  content));
          longName = null;
        }
      }
    }
  }

  /** A header field: text up to its first NUL, without surrounding spaces. */
  private static String field(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.UTF_8).strip();
  }

  /** PAX records: {@code LENGTH KEY=VALUE\n}, LENGTH counting the whole record in bytes. */
  private static Map<String, String> pax(byte[] content) {
    Map<String, String> records = new HashMap<>();
    int at = 0;
    while (at < content.length) {
      int space = at;
      while (content[space] != ' ') {
        space++;
      }
      int length = Integer.parseInt(new String(content, at, space - at, StandardCharsets.UTF_8));
      String record =
          new String(content, space + 1, at + length - space - 2, StandardCharsets.UTF_8);
      int eq = record.indexOf('=');
      records.put(record.substring(0, eq), record.substring(eq + 1));
      at += length;
    }
    return records;
  }
}
