package io.murmuration.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Renders the part of Terraform's template language ({@code templatefile()}) that the modules'
 * templates use, so that a test can look at what a machine would get: {@code ${expr}}, {@code
 * %{ for k, v in expr }…%{ endfor }}, {@code %{ if expr }…%{ else }…%{ endif }}, the strip marker
 * {@code ~}, the escapes {@code $${} and {@code %%{}; expressions are names with attributes,
 * string templates, {@code ==}, {@code !=} and {@code replace(s, from, to)}. Anything else is
 * refused, so a template that outgrows it fails the test instead of being rendered wrong.
 */
final class Template {
  private final String text;
  private int at;

  private Template(String text) {
    this.text = text;
  }

  /** {@code template} rendered with {@code variables} (strings, numbers, booleans, lists, maps). */
  static String render(String template, Map<String, Object> variables) {
    Template t = new Template(template);
    StringBuilder out = new StringBuilder();
    String end = t.block(variables, out, true);
    if (end != null) {
      throw new IllegalArgumentException("%{ " + end + " } without its opening directive");
    }
    return out.toString();
  }

  /** Renders until the end, or until a closing directive, whose keyword it returns. */
  private String block(Map<String, Object> scope, StringBuilder out, boolean emit) {
    while (at < text.length()) {
      if (text.startsWith("$${", at) || text.startsWith("%%{", at)) {
        if (emit) {
          out.append(text.charAt(at)).append('{');
        }
        at += 3;
      } else if (text.startsWith("${", at)) {
        String expression = tag(out, emit);
        if (emit) {
          out.append(string(new Expression(expression, scope).parse()));
        }
      } else if (text.startsWith("%{", at)) {
        String directive = tag(out, emit).strip();
        if (directive.equals("endfor") || directive.equals("endif") || directive.equals("else")) {
          return directive;
        } else if (directive.startsWith("for ")) {
          loop(directive, scope, out, emit);
        } else if (directive.startsWith("if ")) {
          condition(directive, scope, out, emit);
        } else {
          throw new IllegalArgumentException("unsupported directive %{ " + directive + " }");
        }
      } else {
        if (emit) {
          out.append(text.charAt(at));
        }
        at++;
      }
    }
    return null;
  }

  private void loop(String directive, Map<String, Object> scope, StringBuilder out, boolean emit) {
    String[] head = directive.substring(4).split("\\s+in\\s+", 2);
    String[] names = head[0].split("\\s*,\\s*");
    Object collection = new Expression(head[1], scope).parse();
    int start = at;
    List<Map.Entry<Object, Object>> items = new ArrayList<>();
    if (collection instanceof Map<?, ?> map) {
      new TreeMap<>(map).forEach((k, v) -> items.add(Map.entry(k, v)));
    } else {
      List<?> list = (List<?>) collection;
      for (int i = 0; i < list.size(); i++) {
        items.add(Map.entry(i, list.get(i)));
      }
    }
    if (!emit || items.isEmpty()) {
      expect("endfor", block(scope, out, false));
      return;
    }
    for (Map.Entry<Object, Object> item : items) {
      at = start;
      Map<String, Object> inner = new TreeMap<>(scope);
      if (names.length == 2) {
        inner.put(names[0], item.getKey());
        inner.put(names[1], item.getValue());
      } else {
        inner.put(names[0], item.getValue());
      }
      expect("endfor", block(inner, out, true));
    }
  }

  private void condition(
      String directive, Map<String, Object> scope, StringBuilder out, boolean emit) {
    boolean holds =
        emit && Boolean.TRUE.equals(new Expression(directive.substring(3), scope).parse());
    String end = block(scope, out, emit && holds);
    if (end.equals("else")) {
      end = block(scope, out, emit && !holds);
    }
    expect("endif", end);
  }

  /**
   * The text of the tag at {@code at} ({@code ${…}} or {@code %{…}}), applying its strip markers.
   */
  private String tag(StringBuilder out, boolean emit) {
    int close = text.indexOf('}', at + 2);
    while (close > 0 && unbalanced(text.substring(at + 2, close))) {
      close = text.indexOf('}', close + 1);
    }
    if (close < 0) {
      throw new IllegalArgumentException(
          "unclosed " + text.substring(at, Math.min(at + 20, text.length())));
    }
    String inside = text.substring(at + 2, close);
    if (inside.startsWith("~") && emit) {
      int end = out.length();
      while (end > 0 && Character.isWhitespace(out.charAt(end - 1))) {
        end--;
      }
      out.setLength(end);
    }
    at = close + 1;
    if (inside.endsWith("~")) {
      while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
        at++;
      }
    }
    return inside.replaceAll("^~|~$", "");
  }

  private static boolean unbalanced(String s) {
    int depth = 0;
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && quoted) {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && c == '{') {
        depth++;
      } else if (!quoted && c == '}') {
        depth--;
      } else if (quoted && s.startsWith("${", i)) {
        depth++;
        i++;
      } else if (quoted && c == '}') {
        depth--;
      }
    }
    return quoted || depth != 0;
  }

  private static void expect(String keyword, String found) {
    if (!keyword.equals(found)) {
      throw new IllegalArgumentException("expected %{ " + keyword + " }, found " + found);
    }
  }

  private static String string(Object value) {
    return String.valueOf(Objects.requireNonNull(value, "null in a template"));
  }

  /** One expression, parsed and evaluated at once. */
  private static final class Expression {
    private final String s;
    private final Map<String, Object> scope;
    private int i;

    Expression(String s, Map<String, Object> scope) {
      this.s = s.strip();
      this.scope = scope;
    }

    Object parse() {
      Object value = comparison();
      space();
      if (i != s.length()) {
        throw new IllegalArgumentException("unsupported expression: " + s);
      }
      return value;
    }

    private Object comparison() {
      Object left = term();
      space();
      if (s.startsWith("==", i) || s.startsWith("!=", i)) {
        boolean equal = s.startsWith("==", i);
        i += 2;
        Object right = term();
        return equal == Objects.equals(string(left), string(right));
      }
      return left;
    }

    private Object term() {
      space();
      if (s.charAt(i) == '"') {
        return literal();
      }
      int start = i;
      while (i < s.length()
          && (Character.isLetterOrDigit(s.charAt(i)) || "_.".indexOf(s.charAt(i)) >= 0)) {
        i++;
      }
      String name = s.substring(start, i);
      space();
      if (i < s.length() && s.charAt(i) == '(') {
        return call(name);
      }
      Object value = scope.get(name.split("\\.")[0]);
      if (!scope.containsKey(name.split("\\.")[0])) {
        throw new IllegalArgumentException("unknown variable " + name + " in " + s);
      }
      for (String attribute : name.substring(name.split("\\.")[0].length()).split("\\.")) {
        if (!attribute.isEmpty()) {
          value = ((Map<?, ?>) value).get(attribute);
        }
      }
      return value;
    }

    private Object call(String function) {
      if (!function.equals("replace")) {
        throw new IllegalArgumentException("unsupported function " + function + " in " + s);
      }
      i++; // (
      List<Object> arguments = new ArrayList<>();
      while (true) {
        arguments.add(comparison());
        space();
        char c = s.charAt(i++);
        if (c == ')') {
          break;
        }
        if (c != ',') {
          throw new IllegalArgumentException("unsupported expression: " + s);
        }
      }
      return string(arguments.get(0)).replace(string(arguments.get(1)), string(arguments.get(2)));
    }

    /** A quoted string: HCL's escapes, and its own ${…} template. */
    private String literal() {
      StringBuilder raw = new StringBuilder();
      i++; // "
      int depth = 0;
      while (depth > 0 || s.charAt(i) != '"') {
        char c = s.charAt(i);
        if (c == '\\' && depth == 0) {
          char next = s.charAt(i + 1);
          raw.append(
              switch (next) {
                case 'n' -> '\n';
                case 't' -> '\t';
                case '"', '\\' -> next;
                default -> throw new IllegalArgumentException("unsupported escape in " + s);
              });
          i += 2;
          continue;
        }
        if (s.startsWith("${", i)) {
          depth++;
        } else if (c == '}' && depth > 0) {
          depth--;
        }
        raw.append(c);
        i++;
      }
      i++; // "
      return Template.render(raw.toString(), scope);
    }

    private void space() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }
  }
}
