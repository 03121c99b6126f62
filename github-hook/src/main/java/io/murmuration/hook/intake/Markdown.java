package io.murmuration.hook.intake;

import io.murmuration.results.Html;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The markdown of a job's result as HTML, for the status page: the subset the pipeline writes
 * (headings, tables with their column alignment, fenced code blocks, {@code -} lists, {@code
 * <details><summary>…</summary>} … {@code </details>} lines, paragraphs; inside them {@code code},
 * {@code **bold**} and {@code [links](https://…)}). Everything else is text: every character that
 * is not markup of this subset is escaped, any other HTML stays visible as text, and a link whose
 * target is not {@code http(s)://} is not a link. The text comes from repositories and their logs,
 * so nothing in it may become an element or an attribute.
 */
final class Markdown {
  private static final Pattern HEADING = Pattern.compile("(#{1,6}) +(.*)");
  private static final Pattern TABLE_RULE = Pattern.compile("\\|?( *:?-+:? *\\|)* *:?-+:? *\\|? *");
  private static final Pattern DETAILS = Pattern.compile("<details>(?:<summary>(.*)</summary>)?");
  private static final Pattern INLINE =
      Pattern.compile("`([^`]+)`|\\*\\*(.+?)\\*\\*|\\[([^\\]]+)\\]\\((https?://[^\\s()\"<>]+)\\)");

  private Markdown() {}

  static String toHtml(String markdown) {
    List<String> lines = markdown.lines().toList();
    StringBuilder html = new StringBuilder();
    StringBuilder paragraph = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String trimmed = line.strip();
      boolean tableStart =
          trimmed.startsWith("|")
              && i + 1 < lines.size()
              && TABLE_RULE.matcher(lines.get(i + 1).strip()).matches();
      boolean block =
          trimmed.isEmpty()
              || trimmed.startsWith("```")
              || HEADING.matcher(trimmed).matches()
              || tableStart
              || trimmed.startsWith("- ")
              || DETAILS.matcher(trimmed).matches()
              || trimmed.equals("</details>");
      if (block && !paragraph.isEmpty()) {
        html.append("<p>").append(inline(paragraph.toString())).append("</p>\n");
        paragraph.setLength(0);
      }
      Matcher m;
      if (trimmed.startsWith("```")) {
        String fence = trimmed.replaceFirst("^(`+).*", "$1");
        StringBuilder code = new StringBuilder();
        while (i + 1 < lines.size() && !lines.get(i + 1).strip().equals(fence)) {
          code.append(lines.get(++i)).append('\n');
        }
        i++; // the closing fence, or past the end
        html.append("<pre><code>").append(Html.escape(code.toString())).append("</code></pre>\n");
      } else if ((m = HEADING.matcher(trimmed)).matches()) {
        int level = m.group(1).length();
        html.append("<h").append(level).append('>').append(inline(m.group(2)));
        html.append("</h").append(level).append(">\n");
      } else if (tableStart) {
        List<String> align = cells(lines.get(i + 1)).stream().map(Markdown::alignment).toList();
        html.append("<table>\n").append(row(lines.get(i), "th", align));
        i++;
        while (i + 1 < lines.size() && lines.get(i + 1).strip().startsWith("|")) {
          html.append(row(lines.get(++i), "td", align));
        }
        html.append("</table>\n");
      } else if (trimmed.startsWith("- ")) {
        html.append("<ul>\n");
        i--;
        while (i + 1 < lines.size() && lines.get(i + 1).strip().startsWith("- ")) {
          html.append("<li>").append(inline(lines.get(++i).strip().substring(2))).append("</li>\n");
        }
        html.append("</ul>\n");
      } else if ((m = DETAILS.matcher(trimmed)).matches()) {
        html.append("<details>");
        if (m.group(1) != null) {
          html.append("<summary>").append(inline(m.group(1))).append("</summary>");
        }
        html.append('\n');
      } else if (trimmed.equals("</details>")) {
        html.append("</details>\n");
      } else if (!trimmed.isEmpty()) {
        paragraph.append(paragraph.isEmpty() ? "" : "\n").append(trimmed);
      }
    }
    if (!paragraph.isEmpty()) {
      html.append("<p>").append(inline(paragraph.toString())).append("</p>\n");
    }
    return html.toString();
  }

  /** Code spans, bold and http(s) links in {@code text}; the rest escaped. */
  private static String inline(String text) {
    StringBuilder out = new StringBuilder();
    Matcher m = INLINE.matcher(text);
    int at = 0;
    while (m.find()) {
      out.append(Html.escape(text.substring(at, m.start())));
      if (m.group(1) != null) {
        out.append("<code>").append(Html.escape(m.group(1))).append("</code>");
      } else if (m.group(2) != null) {
        out.append("<strong>").append(inline(m.group(2))).append("</strong>");
      } else {
        out.append("<a href=\"").append(Html.escape(m.group(4))).append("\">");
        out.append(inline(m.group(3))).append("</a>");
      }
      at = m.end();
    }
    return out.append(Html.escape(text.substring(at))).toString();
  }

  private static String row(String line, String tag, List<String> align) {
    StringBuilder tr = new StringBuilder("<tr>");
    List<String> cells = cells(line);
    for (int c = 0; c < cells.size(); c++) {
      String style = c < align.size() ? align.get(c) : "";
      tr.append('<').append(tag).append(style).append('>').append(inline(cells.get(c)));
      tr.append("</").append(tag).append('>');
    }
    return tr.append("</tr>\n").toString();
  }

  /** The cells of a table row: between the pipes, stripped. */
  private static List<String> cells(String line) {
    String inner = line.strip().replaceFirst("^\\|", "").replaceFirst("\\|$", "");
    return List.of(inner.split("\\|", -1)).stream().map(String::strip).toList();
  }

  /** The style attribute of a column from its rule cell: {@code --:} right, {@code :-:} center. */
  private static String alignment(String rule) {
    if (rule.endsWith(":")) {
      return rule.startsWith(":") ? " style=\"text-align:center\"" : " style=\"text-align:right\"";
    }
    return "";
  }
}
