package io.murmuration.scenario;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The URL or the body of an HTTP send request, as text with placeholders: {@code {{from}}} and
 * {@code {{to}}} (the sender's and the recipient's bare JIDs) and, in a body only, {@code {{body}}}
 * (the message text). Everything else is sent as written.
 *
 * <pre>{@code
 * HttpTemplate.body("{\"from\":\"{{from}}\",\"to\":\"{{to}}\",\"body\":\"{{body}}\"}")
 * }</pre>
 *
 * <p>Safe by construction: values never need escaping because only values of a restricted alphabet
 * are substituted, which mean nothing special in a URL path or query, a JSON string or a GraphQL
 * string inside JSON. A JID holds ASCII letters, digits and {@code . _ - @}; a message text those,
 * spaces and {@code : [ ] %} (what {@link TtdStamp#text()} writes). {@link #render} refuses
 * anything else, and the runner checks a run's JIDs before it starts. A template itself is checked
 * when made: known placeholders only, no control characters (a body may hold tabs and line breaks),
 * and a URL template must give an {@code http} or {@code https} URL with a host and without user
 * info (credentials never go on a command line).
 */
public final class HttpTemplate {

  /** What a placeholder stands for. */
  public enum Field {
    FROM("from", JID),
    TO("to", JID),
    BODY("body", TEXT);

    final String name;
    final Pattern values;

    Field(String name, Pattern values) {
      this.name = name;
      this.values = values;
    }

    /** How it is written in a template: {@code {{from}}}. */
    public String placeholder() {
      return "{{" + name + "}}";
    }
  }

  private static final Pattern JID = Pattern.compile("[A-Za-z0-9._@-]+");
  private static final Pattern TEXT = Pattern.compile("[A-Za-z0-9 ._@:%\\[\\]-]*");
  private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}&&[^\\t\\n\\r]]");
  private static final Pattern NAME = Pattern.compile("[a-z_]+");

  private final String source;

  /** Literal text ({@code String}) and placeholders ({@link Field}), in order. */
  private final List<Object> parts;

  private HttpTemplate(String source, List<Object> parts) {
    this.source = source;
    this.parts = parts;
  }

  /**
   * A URL template: {@code {{from}}} and {@code {{to}}} may appear in its path or query.
   *
   * @throws IllegalArgumentException naming what is wrong: an unknown or unclosed placeholder, a
   *     character that has no place in a URL, a scheme other than http and https, no host, user
   *     info
   */
  public static HttpTemplate url(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("the URL is empty: give the send API's URL");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        throw new IllegalArgumentException(
            "the URL '"
                + printable(text)
                + "' holds a space, a control or a non-ASCII character: percent-encode it");
      }
    }
    HttpTemplate url = parse(text, EnumSet.of(Field.FROM, Field.TO), "URL");
    URI uri;
    try {
      uri = new URI(url.render("a@example.test", "b@example.test", ""));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("the URL '" + text + "' is not a URL: " + e.getReason());
    }
    String scheme =
        uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(
          "the URL '"
              + text
              + "' is not http or https: give e.g. http://127.0.0.1:5280/api/send_message");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "the URL '"
              + printable(text)
              + "' holds user info: credentials never go on a command line; give the user with"
              + " basic_auth and the password in a file");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("the URL '" + text + "' names no host");
    }
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException("the URL '" + text + "' has a fragment (#…): remove it");
    }
    return url;
  }

  /**
   * A body template: {@code {{from}}}, {@code {{to}}} and {@code {{body}}} may appear anywhere.
   *
   * @throws IllegalArgumentException naming an unknown or unclosed placeholder or a control
   *     character
   */
  public static HttpTemplate body(String text) {
    if (text == null) {
      throw new IllegalArgumentException("the request body is missing");
    }
    if (CONTROL.matcher(text).find()) {
      throw new IllegalArgumentException(
          "the request body '"
              + printable(text)
              + "' holds a control character: only tabs and line breaks may appear");
    }
    return parse(text, EnumSet.allOf(Field.class), "request body");
  }

  private static HttpTemplate parse(String text, Set<Field> allowed, String what) {
    List<Object> parts = new ArrayList<>();
    int at = 0;
    while (at < text.length()) {
      int open = text.indexOf("{{", at);
      if (open < 0) {
        parts.add(text.substring(at));
        break;
      }
      int close = text.indexOf("}}", open + 2);
      String name = close < 0 ? null : text.substring(open + 2, close);
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "the "
                + what
                + " '"
                + printable(text)
                + "' has a '{{' that opens no placeholder: write "
                + placeholders(allowed));
      }
      Field field =
          allowed.stream()
              .filter(f -> f.name.equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "the "
                              + what
                              + " has an unknown placeholder {{"
                              + name
                              + "}}: it may hold "
                              + placeholders(allowed)));
      if (open > at) {
        parts.add(text.substring(at, open));
      }
      parts.add(field);
      at = close + 2;
    }
    return new HttpTemplate(text, List.copyOf(parts));
  }

  private static String placeholders(Set<Field> allowed) {
    return allowed.stream().map(Field::placeholder).collect(Collectors.joining(", "));
  }

  /** {@code text} with control characters shown as {@code \\uXXXX}, for a one-line message. */
  private static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * This template with its placeholders replaced.
   *
   * @throws IllegalArgumentException when a value holds a character outside its field's alphabet
   */
  public String render(String from, String to, String body) {
    StringBuilder out = new StringBuilder(source.length() + 96);
    for (Object part : parts) {
      if (part instanceof Field f) {
        out.append(
            check(
                f,
                switch (f) {
                  case FROM -> from;
                  case TO -> to;
                  case BODY -> body;
                }));
      } else {
        out.append((String) part);
      }
    }
    return out.toString();
  }

  /**
   * {@code value}, when it may stand for {@code field} in a template.
   *
   * @throws IllegalArgumentException naming the value and the characters it may hold
   */
  public static String check(Field field, String value) {
    if (value == null || !field.values.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "'"
              + (value == null ? "null" : printable(value))
              + "' cannot stand for "
              + field.placeholder()
              + " in an HTTP request: "
              + (field == Field.BODY
                  ? "a message text holds ASCII letters, digits, spaces and . _ - @ : [ ] % only"
                  : "a JID holds ASCII letters, digits and . _ - @ only"));
    }
    return value;
  }

  /** Whether {@code field} appears in this template. */
  public boolean uses(Field field) {
    return parts.contains(field);
  }

  /** The template as written. */
  @Override
  public String toString() {
    return source;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HttpTemplate t && t.source.equals(source) && t.parts.equals(parts);
  }

  @Override
  public int hashCode() {
    return source.hashCode();
  }
}
