package io.murmuration.xmpp.lean;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.xml.stream.XMLStreamException;

/**
 * Turns the bytes of one XMPP stream into events, without ever waiting for more input: each chunk
 * is parsed as it is read, and every top-level element (a stanza, stream features, a SASL or TLS
 * nonza, a stream error) is handed to the {@link Handler} as an {@link XmlElement} tree as soon as
 * its end tag has arrived. Chunks may split the input anywhere, also inside a tag or a multi-byte
 * UTF-8 character.
 *
 * <p>An XMPP stream is one document whose root stays open for the whole session, and whose children
 * are small: so the parser works element by element. A cheap scan over the bytes finds where the
 * next top-level element ends; only a complete element is turned into a tree, in one pass over
 * bytes that are all there. Between elements a connection holds no buffer: the bytes of an element
 * that a read leaves unfinished are the only ones kept (in {@link #pending}, freed once the element
 * is complete), and parsing works on a scratch array of the event-loop thread. Names and namespace
 * URIs come from one table shared by all connections, so a stanza's names cost no allocation. This
 * replaced Aalto's non-blocking reader, which kept ~3.4 KiB of buffers and name tables per
 * connection and allocated ~2 KiB per stanza (docs/performance.md).
 *
 * <p>What it reads: elements, attributes in {@code '} or {@code "} quotes, namespaces (default and
 * prefixed declarations, resolved per element), text with the five predefined entities and
 * character references, CDATA sections; XML declarations, processing instructions and comments are
 * skipped; a DOCTYPE is refused (RFC 6120 §11.1). Attribute values are normalized as XML requires
 * (tab, CR and LF become spaces), line ends in text become LF. Prefixed attributes keep their local
 * name, except {@code xml:} ones (e.g. {@code xml:lang}), as {@link XmlElement} says.
 *
 * <p>After STARTTLS and SASL success the stream starts over as a new XML document: {@link
 * #restart()} (called from a handler callback) drops the rest of the current chunk and reads the
 * next chunk as a new document. Once the root element has ended, the rest of the chunk is dropped.
 *
 * <p>Not thread-safe: one instance per connection, used on its event loop.
 */
final class StreamParser {
  private static final String XML_NS = "http://www.w3.org/XML/1998/namespace";

  /** What the parser found. Callbacks run inside {@link #feed}. */
  interface Handler {
    /** The server's {@code <stream:stream>} start tag, with its attributes and no content. */
    void streamOpened(XmlElement header);

    /** A complete top-level element of the stream. */
    void element(XmlElement element);

    /** The server's {@code </stream:stream>}. */
    void streamClosed();
  }

  /** The namespace scope of an element: one declaration, and the scope it was made in. */
  private record Scope(String prefix, String uri, Scope parent) {
    static final Scope ROOT = new Scope("xml", XML_NS, null);

    /** The URI bound to {@code prefix} ("" for the default namespace), or null when unbound. */
    String resolve(String prefix) {
      for (Scope s = this; s != null; s = s.parent) {
        if (s.prefix.equals(prefix)) {
          return s.uri;
        }
      }
      return prefix.isEmpty() ? "" : null;
    }
  }

  private final Handler handler;

  /** The root's scope while the root is open (its declarations hold for every stanza). */
  private Scope streamScope;

  /** The root element's qualified name while it is open, to match its end tag. */
  private String rootName;

  private boolean rootEnded;
  private boolean restartRequested;

  /** The bytes of an unfinished top-level element (or root start tag) kept between reads. */
  private byte[] pending;

  private int pendingLength;

  /** Where the scan of {@link #pending} stopped, and the depth of open elements there. */
  private int scanned;

  private int scanDepth;

  StreamParser(Handler handler) {
    this.handler = handler;
  }

  /** Asks for a new document from the next chunk on; the rest of the current one is dropped. */
  void restart() {
    restartRequested = true;
  }

  private void reset() {
    restartRequested = false;
    rootEnded = false;
    streamScope = null;
    rootName = null;
    dropPending();
  }

  private void dropPending() {
    pending = null;
    pendingLength = 0;
    scanned = 0;
    scanDepth = 0;
  }

  /**
   * Parses {@code bytes} (read from position to limit, not kept after this call) and calls the
   * handler for everything completed by them.
   *
   * @throws XMLStreamException when the stream is not well-formed XML
   */
  void feed(ByteBuffer bytes) throws XMLStreamException {
    if (restartRequested) {
      reset();
    }
    if (rootEnded) {
      return;
    }
    int length = bytes.remaining();
    if (pending != null) {
      if (pendingLength + length > pending.length) {
        pending = Arrays.copyOf(pending, Math.max(pendingLength + length, pending.length * 2));
      }
      bytes.get(bytes.position(), pending, pendingLength, length);
      pendingLength += length;
      byte[] input = pending;
      int end = pendingLength;
      int resumeAt = scanned;
      int depth = scanDepth;
      dropPending();
      parse(input, end, resumeAt, depth);
    } else {
      Scratch scratch = Scratch.take(length);
      try {
        bytes.get(bytes.position(), scratch.bytes, 0, length);
        parse(scratch.bytes, length, 0, 0);
      } finally {
        scratch.give();
      }
    }
  }

  /**
   * Parses {@code in[0, end)}: when {@code resumeAt > 0}, it starts with a kept unfinished element
   * whose scan got to {@code resumeAt}, at {@code depth} open elements.
   */
  private void parse(byte[] in, int end, int resumeAt, int depth) throws XMLStreamException {
    int pos = 0;
    while (pos < end) {
      int start = pos;
      if (rootName == null) { // the prolog: declaration, comments, then the root's start tag
        pos = skipSpace(in, pos, end);
        if (pos < end && in[pos] != '<') {
          throw error("text before the root element", in, pos, end);
        }
      } else { // inside the root: text between stanzas is dropped
        while (pos < end && in[pos] != '<') {
          pos++;
        }
      }
      if (pos >= end) {
        return;
      }
      int next = skipMarkup(in, pos, end);
      if (next == INCOMPLETE) {
        keep(in, pos, end, pos, 0);
        return;
      }
      if (next > 0) {
        pos = next;
        continue;
      }
      if (rootName == null) {
        int tagEnd = scanTag(in, pos, end);
        if (tagEnd == INCOMPLETE) {
          keep(in, pos, end, pos, 0);
          return;
        }
        Tree tree = new Tree(in, tagEnd);
        XmlElement root = tree.startTag(pos, Scope.ROOT);
        streamScope = tree.scope;
        rootName = tree.qname;
        handler.streamOpened(root);
        pos = tagEnd;
        if (tree.selfClosed) {
          rootEnded = true;
          handler.streamClosed();
          return;
        }
      } else if (in[pos + 1] == '/') { // the root's end tag
        int tagEnd = indexOf(in, pos, end, (byte) '>');
        if (tagEnd < 0) {
          keep(in, pos, end, pos, 0);
          return;
        }
        String name =
            new String(in, pos + 2, trimEnd(in, pos + 2, tagEnd) - pos - 2, StandardCharsets.UTF_8);
        if (!name.equals(rootName)) {
          throw error("</" + name + "> closes <" + rootName + ">", in, pos, end);
        }
        rootEnded = true;
        handler.streamClosed();
        return;
      } else { // a top-level element: scanned to its end, then parsed whole
        int scanFrom = start == 0 && resumeAt > 0 ? resumeAt : pos;
        int scanFromDepth = scanFrom == pos ? 0 : depth;
        int elementEnd = scanElement(in, scanFrom, scanFromDepth, end);
        if (elementEnd < 0) {
          keep(in, pos, end, scanStop, scanStopDepth);
          return;
        }
        XmlElement element = new Tree(in, elementEnd).element(pos, streamScope);
        handler.element(element);
        pos = elementEnd;
        resumeAt = 0; // the resume point only applies to the first element
      }
      if (restartRequested) {
        reset();
        return;
      }
    }
  }

  /** Keeps {@code in[start, end)} for the next read, scanned up to {@code scannedTo}. */
  private void keep(byte[] in, int start, int end, int scannedTo, int depth) {
    int length = end - start;
    pending = Arrays.copyOfRange(in, start, start + Math.max(length, 256));
    pendingLength = length;
    scanned = scannedTo - start;
    scanDepth = depth;
  }

  // ------------------------------------------------------------------ the scan (no allocation)

  private static final int INCOMPLETE = -1;

  /** Where {@link #scanElement} stopped when the element was incomplete, and at what depth. */
  private int scanStop;

  private int scanStopDepth;

  /**
   * Finds the end of the element that starts at or before {@code from}, scanning from {@code from}
   * (a construct boundary at {@code depth} open elements); returns the offset after its end tag, or
   * {@link #INCOMPLETE} with the last complete boundary in {@link #scanStop}.
   */
  private int scanElement(byte[] in, int from, int depth, int end) throws XMLStreamException {
    int pos = from;
    while (true) {
      scanStop = pos;
      scanStopDepth = depth;
      while (pos < end && in[pos] != '<') {
        pos++;
      }
      if (pos + 1 >= end) {
        return INCOMPLETE;
      }
      byte next = in[pos + 1];
      if (next == '/') {
        int close = indexOf(in, pos, end, (byte) '>');
        if (close < 0) {
          return INCOMPLETE;
        }
        pos = close + 1;
        if (--depth == 0) {
          return pos;
        }
      } else if (next == '!' || next == '?') {
        int after = skipMarkup(in, pos, end);
        if (after == INCOMPLETE) {
          return INCOMPLETE;
        }
        pos = after;
      } else {
        int close = scanTag(in, pos, end);
        if (close == INCOMPLETE) {
          return INCOMPLETE;
        }
        if (in[close - 2] != '/') {
          depth++;
        } else if (depth == 0) {
          return close;
        }
        pos = close;
      }
    }
  }

  /** The offset after the start tag at {@code pos} ('>' outside quotes), or INCOMPLETE. */
  private static int scanTag(byte[] in, int pos, int end) {
    byte quote = 0;
    for (int i = pos + 1; i < end; i++) {
      byte b = in[i];
      if (quote != 0) {
        if (b == quote) {
          quote = 0;
        }
      } else if (b == '\'' || b == '"') {
        quote = b;
      } else if (b == '>') {
        return i + 1;
      }
    }
    return INCOMPLETE;
  }

  /**
   * Skips a comment, CDATA section, processing instruction or XML declaration at {@code pos}:
   * returns the offset after it, INCOMPLETE, or 0 when {@code pos} starts something else.
   */
  private static int skipMarkup(byte[] in, int pos, int end) throws XMLStreamException {
    if (pos + 1 >= end) {
      return INCOMPLETE;
    }
    byte next = in[pos + 1];
    if (next == '?') {
      int close = indexOf(in, pos + 2, end, "?>");
      return close < 0 ? INCOMPLETE : close + 2;
    }
    if (next != '!') {
      return 0;
    }
    if (startsWith(in, pos, end, "<!--")) {
      int close = indexOf(in, pos + 4, end, "-->");
      return close < 0 ? INCOMPLETE : close + 3;
    }
    if (startsWith(in, pos, end, "<![CDATA[")) {
      int close = indexOf(in, pos + 9, end, "]]>");
      return close < 0 ? INCOMPLETE : close + 3;
    }
    if (end - pos < 9) {
      return INCOMPLETE;
    }
    throw error("a DOCTYPE or other declaration, which XMPP forbids", in, pos, end);
  }

  private static boolean startsWith(byte[] in, int pos, int end, String prefix) {
    int n = Math.min(prefix.length(), end - pos);
    for (int i = 0; i < n; i++) {
      if (in[pos + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return n == prefix.length();
  }

  private static int indexOf(byte[] in, int from, int end, byte b) {
    for (int i = from; i < end; i++) {
      if (in[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static int indexOf(byte[] in, int from, int end, String s) {
    outer:
    for (int i = from; i <= end - s.length(); i++) {
      for (int j = 0; j < s.length(); j++) {
        if (in[i + j] != s.charAt(j)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static int skipSpace(byte[] in, int pos, int end) {
    while (pos < end && isSpace(in[pos])) {
      pos++;
    }
    return pos;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\n' || b == '\t' || b == '\r';
  }

  private static int trimEnd(byte[] in, int from, int end) {
    while (end > from && isSpace(in[end - 1])) {
      end--;
    }
    return end;
  }

  private static XMLStreamException error(String what, byte[] in, int at, int end) {
    int to = Math.min(end, at + 40);
    return new XMLStreamException(
        what + " at «" + new String(in, at, to - at, StandardCharsets.UTF_8) + "»");
  }

  // ------------------------------------------------------------------ the tree of a whole element

  /** Builds the tree of one element whose bytes are all in {@code in[…, end)}. */
  private static final class Tree {
    private final byte[] in;
    private final int end;
    private int pos;

    /** Set by {@link #startTag}: the element's scope, qualified name, and whether it was empty. */
    Scope scope;

    String qname;
    boolean selfClosed;

    /** Attribute names and values of the start tag being read; one array for the whole tree. */
    private String[] pairs;

    Tree(byte[] in, int end) {
      this.in = in;
      this.end = end;
    }

    XmlElement element(int start, Scope parent) throws XMLStreamException {
      XmlElement element = startTag(start, parent);
      if (!selfClosed) {
        content(element, scope, qname);
      }
      return element;
    }

    /** Parses the start tag at {@code start}; {@link #pos} ends after it. */
    XmlElement startTag(int start, Scope parent) throws XMLStreamException {
      pos = start + 1;
      int nameStart = pos;
      while (pos < end && !isSpace(in[pos]) && in[pos] != '/' && in[pos] != '>') {
        pos++;
      }
      if (pos == nameStart) {
        throw error("a tag without a name", in, start, end);
      }
      int nameEnd = pos;
      Scope elementScope = parent;
      int count = 0; // attribute names and values in pairs, prefixed names still unresolved
      while (true) {
        pos = skipSpace(in, pos, end);
        if (pos >= end) {
          throw error("an unfinished tag", in, start, end);
        }
        byte b = in[pos];
        if (b == '>' || b == '/') {
          selfClosed = b == '/';
          pos += selfClosed ? 2 : 1;
          if (selfClosed && in[pos - 1] != '>') {
            throw error("'/' not followed by '>'", in, start, end);
          }
          break;
        }
        int attrStart = pos;
        while (pos < end && in[pos] != '=' && !isSpace(in[pos]) && in[pos] != '>') {
          pos++;
        }
        int attrEnd = pos;
        pos = skipSpace(in, pos, end);
        if (pos >= end || in[pos] != '=' || attrEnd == attrStart) {
          throw error("an attribute without '=value'", in, attrStart, end);
        }
        pos = skipSpace(in, pos + 1, end);
        byte quote = pos < end ? in[pos] : 0;
        if (quote != '\'' && quote != '"') {
          throw error("an attribute value without quotes", in, attrStart, end);
        }
        int valueEnd = indexOf(in, pos + 1, end, quote);
        if (valueEnd < 0) {
          throw error("an unfinished attribute value", in, attrStart, end);
        }
        String value = decode(in, pos + 1, valueEnd, true);
        pos = valueEnd + 1;
        if (attrEnd - attrStart >= 5 && startsWith(in, attrStart, attrEnd, "xmlns")) {
          if (attrEnd - attrStart == 5) {
            elementScope = new Scope("", Symbols.intern(value), elementScope);
            continue;
          }
          if (in[attrStart + 5] == ':') {
            String prefix = Symbols.name(in, attrStart + 6, attrEnd);
            elementScope = new Scope(prefix, Symbols.intern(value), elementScope);
            continue;
          }
        }
        if (pairs == null) {
          pairs = new String[16];
        } else if (count == pairs.length) {
          pairs = Arrays.copyOf(pairs, count * 2);
        }
        pairs[count++] = Symbols.name(in, attrStart, attrEnd);
        pairs[count++] = value;
      }
      scope = elementScope;
      qname = Symbols.name(in, nameStart, nameEnd);
      int colon = qname.indexOf(':');
      String local = colon < 0 ? qname : Symbols.intern(qname.substring(colon + 1));
      String uri = elementScope.resolve(colon < 0 ? "" : qname.substring(0, colon));
      if (uri == null) {
        throw error("an undeclared prefix", in, start, end);
      }
      XmlElement element = new XmlElement(local, uri, count / 2);
      for (int i = 0; i < count; i += 2) {
        String name = pairs[i];
        int c = name.indexOf(':');
        if (c < 0) {
          element.addAttribute(null, name, pairs[i + 1]);
        } else {
          String ns = elementScope.resolve(name.substring(0, c));
          if (ns == null) {
            throw error("an undeclared attribute prefix in " + name, in, start, end);
          }
          element.addAttribute(ns, Symbols.intern(name.substring(c + 1)), pairs[i + 1]);
        }
      }
      return element;
    }

    /** The content of {@code element} up to and including its end tag. */
    private void content(XmlElement element, Scope elementScope, String elementName)
        throws XMLStreamException {
      while (true) {
        int textStart = pos;
        while (pos < end && in[pos] != '<') {
          pos++;
        }
        if (pos > textStart) {
          element.addText(decode(in, textStart, pos, false));
        }
        if (pos + 1 >= end) {
          throw error("an unfinished element <" + elementName + ">", in, textStart, end);
        }
        byte next = in[pos + 1];
        if (next == '/') {
          int close = indexOf(in, pos, end, (byte) '>');
          int nameEnd = trimEnd(in, pos + 2, close);
          if (!sameName(elementName, pos + 2, nameEnd)) {
            throw error("an end tag that does not close <" + elementName + ">", in, pos, end);
          }
          pos = close + 1;
          return;
        }
        if (next == '!' && startsWith(in, pos, end, "<![CDATA[")) {
          int close = indexOf(in, pos + 9, end, "]]>");
          element.addText(new String(in, pos + 9, close - pos - 9, StandardCharsets.UTF_8));
          pos = close + 3;
        } else if (next == '!' || next == '?') {
          pos = skipMarkup(in, pos, end);
        } else {
          XmlElement child = startTag(pos, elementScope);
          element.addChild(child);
          if (!selfClosed) {
            content(child, scope, qname);
          }
        }
      }
    }

    private boolean sameName(String name, int from, int to) {
      if (to < from) {
        return false;
      }
      for (int i = from; i < to; i++) {
        if (in[i] < 0) { // a non-ASCII name: compare it decoded
          return name.equals(new String(in, from, to - from, StandardCharsets.UTF_8));
        }
      }
      if (to - from != name.length()) {
        return false;
      }
      for (int i = 0; i < name.length(); i++) {
        if (in[from + i] != name.charAt(i)) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Decodes text or an attribute value: UTF-8, entities and character references, line ends (and in
   * attribute values, tabs and line ends as spaces).
   */
  private static String decode(byte[] in, int from, int to, boolean attribute)
      throws XMLStreamException {
    boolean plain = true;
    for (int i = from; i < to; i++) {
      byte b = in[i];
      if (b < 0x20 || b == '&') { // also every byte >= 0x80 (negative): non-ASCII
        plain = false;
        break;
      }
      if (attribute && b == '<') {
        throw error("'<' in an attribute value", in, from, to);
      }
    }
    if (plain) { // short attribute values ('chat', 'en', 'result') come from the shared table
      return attribute && to - from <= 8
          ? Symbols.name(in, from, to)
          : new String(in, from, to - from, StandardCharsets.ISO_8859_1);
    }
    StringBuilder out = new StringBuilder(to - from);
    int run = from; // start of the bytes not yet decoded
    for (int i = from; i < to; i++) {
      byte b = in[i];
      if (b == '&' || b == '\r' || (attribute && (b == '\n' || b == '\t'))) {
        out.append(new String(in, run, i - run, StandardCharsets.UTF_8));
        if (b == '&') {
          int semi = indexOf(in, i + 1, Math.min(to, i + 12), (byte) ';');
          if (semi < 0) {
            throw error("'&' that starts no entity", in, i, to);
          }
          appendEntity(out, in, i + 1, semi);
          i = semi;
        } else if (b == '\r') {
          out.append(attribute ? ' ' : '\n');
          if (i + 1 < to && in[i + 1] == '\n') {
            i++;
          }
        } else {
          out.append(' ');
        }
        run = i + 1;
      } else if (attribute && b == '<') {
        throw error("'<' in an attribute value", in, from, to);
      }
    }
    out.append(new String(in, run, to - run, StandardCharsets.UTF_8));
    return out.toString();
  }

  private static void appendEntity(StringBuilder out, byte[] in, int from, int to)
      throws XMLStreamException {
    String name = new String(in, from, to - from, StandardCharsets.ISO_8859_1);
    switch (name) {
      case "lt" -> out.append('<');
      case "gt" -> out.append('>');
      case "amp" -> out.append('&');
      case "apos" -> out.append('\'');
      case "quot" -> out.append('"');
      default -> {
        int code;
        try {
          code =
              name.startsWith("#x")
                  ? Integer.parseInt(name.substring(2), 16)
                  : name.startsWith("#") ? Integer.parseInt(name.substring(1)) : -1;
        } catch (NumberFormatException e) {
          code = -1;
        }
        if (code < 0 || !Character.isValidCodePoint(code)) {
          throw error("an unknown entity &" + name + ";", in, from - 1, to + 1);
        }
        out.appendCodePoint(code);
      }
    }
  }

  // ------------------------------------------------------------------ shared tables

  /**
   * Element and attribute names and namespace URIs, shared by all parsers: a name seen before is
   * found by its bytes and costs no allocation. A racy cache of immutable strings: a lost update
   * only costs a new string.
   */
  static final class Symbols {
    private static final int SIZE = 4096;
    private static final int MAX_LENGTH = 64;
    private static final String[] TABLE = new String[SIZE];

    private Symbols() {}

    static String name(byte[] in, int from, int to) {
      int length = to - from;
      if (length > MAX_LENGTH) {
        return new String(in, from, length, StandardCharsets.UTF_8);
      }
      int hash = 0;
      for (int i = from; i < to; i++) {
        if (in[i] < 0) {
          return new String(in, from, length, StandardCharsets.UTF_8); // non-ASCII: not kept
        }
        hash = 31 * hash + in[i];
      }
      int slot = (hash ^ (hash >>> 16)) & (SIZE - 1);
      String known = TABLE[slot];
      if (known != null && known.length() == length) {
        boolean same = true;
        for (int i = 0; i < length && same; i++) {
          same = known.charAt(i) == in[from + i];
        }
        if (same) {
          return known;
        }
      }
      String made = new String(in, from, length, StandardCharsets.ISO_8859_1);
      TABLE[slot] = made;
      return made;
    }

    /** The table's copy of {@code s} when it is short ASCII, else {@code s}. */
    static String intern(String s) {
      if (s.length() > MAX_LENGTH) {
        return s;
      }
      int hash = s.hashCode();
      int slot = (hash ^ (hash >>> 16)) & (SIZE - 1);
      String known = TABLE[slot];
      if (s.equals(known)) {
        return known;
      }
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) >= 0x80) {
          return s;
        }
      }
      TABLE[slot] = s;
      return s;
    }
  }

  /**
   * A byte array per thread for reads that are parsed at once (the common case): one per event
   * loop, not one per connection. A callback that feeds another parser on the same thread gets a
   * fresh array.
   */
  private static final class Scratch {
    private static final ThreadLocal<Scratch> OF_THREAD =
        ThreadLocal.withInitial(() -> new Scratch(64 * 1024));

    byte[] bytes;
    private boolean taken;

    private Scratch(int size) {
      bytes = new byte[size];
    }

    static Scratch take(int length) {
      Scratch scratch = OF_THREAD.get();
      if (scratch.taken) {
        scratch = new Scratch(length);
      } else if (scratch.bytes.length < length) {
        scratch.bytes = new byte[Math.max(length, scratch.bytes.length * 2)];
      }
      scratch.taken = true;
      return scratch;
    }

    void give() {
      taken = false;
    }
  }

  /**
   * Parses a string holding exactly one element (e.g. a stanza a scenario wants to send).
   *
   * @throws IllegalArgumentException when it is not one well-formed element
   */
  static XmlElement parseElement(String xml) {
    byte[] in = xml.getBytes(StandardCharsets.UTF_8);
    int end = in.length;
    try {
      XmlElement root = null;
      int pos = 0;
      while (true) {
        pos = skipSpace(in, pos, end);
        if (pos >= end) {
          break;
        }
        if (in[pos] != '<') {
          throw new IllegalArgumentException("text outside the element: " + xml);
        }
        int next = skipMarkup(in, pos, end);
        if (next == INCOMPLETE) {
          throw new IllegalArgumentException("incomplete XML: " + xml);
        }
        if (next > 0) {
          pos = next;
          continue;
        }
        if (root != null) {
          throw new IllegalArgumentException("more than one element: " + xml);
        }
        Tree tree = new Tree(in, end);
        root = tree.element(pos, Scope.ROOT);
        pos = tree.pos;
      }
      if (root == null) {
        throw new IllegalArgumentException("no element: " + xml);
      }
      return root;
    } catch (XMLStreamException e) {
      throw new IllegalArgumentException("not well-formed XML: " + e.getMessage() + ": " + xml, e);
    } catch (IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("incomplete XML: " + xml, e);
    }
  }
}
