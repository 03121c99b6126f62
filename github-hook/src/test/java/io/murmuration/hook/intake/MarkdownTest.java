package io.murmuration.hook.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The status page's markdown subset; everything else is text. */
class MarkdownTest {
  @Test
  void htmlInTheTextStaysText() {
    assertEquals(
        "<p>&lt;b onclick=&quot;x()&quot;&gt;hi&lt;/b&gt; &amp; <strong>&lt;i&gt;</strong></p>\n",
        Markdown.toHtml("<b onclick=\"x()\">hi</b> & **<i>**"));
  }

  @Test
  void onlyHttpLinksAreLinksAndTheirTargetCannotLeaveTheAttribute() {
    assertEquals(
        "<p><a href=\"https://x.example/a?b=1&amp;c=2\">a <code>b</code></a>"
            + " [c](data:text/html,x) [d](https://x.example/&quot;onmouseover=&quot;y)</p>\n",
        Markdown.toHtml(
            "[a `b`](https://x.example/a?b=1&c=2) [c](data:text/html,x)"
                + " [d](https://x.example/\"onmouseover=\"y)"));
  }

  @Test
  void aFenceRunsToItsOwnClosingFenceOrTheEnd() {
    assertEquals(
        "<pre><code>```\n**not bold**\n</code></pre>\n<p>after</p>\n",
        Markdown.toHtml("````text\n```\n**not bold**\n````\nafter\n"));
    assertEquals("<pre><code>never closed\n</code></pre>\n", Markdown.toHtml("```\nnever closed"));
  }

  @Test
  void aPipeLineWithoutARuleIsNoTable() {
    assertEquals("<p>| a | b |\nc</p>\n", Markdown.toHtml("| a | b |\nc\n"));
    assertEquals(
        "<table>\n<tr><th>a</th><th style=\"text-align:center\">b</th></tr>\n"
            + "<tr><td>1</td><td style=\"text-align:center\">2</td></tr>\n</table>\n",
        Markdown.toHtml("| a | b |\n|---|:-:|\n| 1 | 2 |\n"));
  }
}
