package io.murmuration.hook.intake;

import io.murmuration.hook.Job;
import io.murmuration.hook.JobResult;
import io.murmuration.hook.queue.JobStore;
import io.murmuration.hook.queue.Outbox;
import io.murmuration.results.Html;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The HTML of the {@link StatusPage}: plain string building, one self-contained page each (inline
 * CSS, no script, no external asset, so it works offline and behind any proxy). Every value that
 * comes from a job passes through {@link Html#escape}, and every link to GitHub is built from
 * percent-encoded parts, because repository names, branches and titles arrive in webhook payloads
 * and are untrusted.
 */
final class StatusHtml {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  /** Conclusions with a colour of their own; anything else is shown grey. */
  private static final Set<String> COLOURED =
      Set.of("success", "failure", "neutral", "cancelled", "action_required");

  private static final String STYLE =
      """
      body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
      h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.5em}
      table{border-collapse:collapse}td,th{padding:.25em .6em;text-align:left;\
      border-bottom:1px solid #ddd;vertical-align:top}
      code,pre{font-family:ui-monospace,monospace}pre{background:#f6f6f6;padding:.8em;\
      white-space:pre-wrap}
      .muted{color:#777}.verdict{font-weight:bold;padding:0 .4em;border-radius:3px;color:#fff;\
      background:#888}
      .success{background:#1a7f37}.failure{background:#cf222e}.neutral{background:#6e7781}
      .cancelled{background:#9a6700}.action_required{background:#bf8700}
      .summary table{margin:.5em 0}.summary code{background:#f6f6f6;padding:0 .2em}
      """;

  private StatusHtml() {}

  /**
   * {@code GET /}: running job, queue, recent results, reports to GitHub not posted; reloads itself
   * every 5 s.
   */
  static String page(StatusPage.Status s) {
    StringBuilder h = head("Murmuration load tests", true);
    h.append("<h1>Murmuration load tests</h1>\n<p class=\"muted\">as of ")
        .append(time(s.at()))
        .append(" · refreshes every 5 s · <a href=\"/status.json\">status.json</a></p>\n");

    h.append("<h2>Running</h2>\n<section id=\"running\">");
    if (s.running() == null) {
      h.append("<p class=\"muted\">No job is running.</p>");
    } else {
      StatusPage.Running r = s.running();
      h.append("<table><tr><th>job</th><th>repository</th><th>pull request or branch</th>")
          .append("<th>commit</th><th>running for</th><th>step</th></tr>\n<tr>")
          .append(td(jobLink(r.job())))
          .append(td(Html.escape(r.job().repo())))
          .append(td(prOrBranch(r.job())))
          .append(td(commitLink(r.job())))
          .append(td(r.startedAt() == null ? "" : elapsed(r.startedAt(), s.at())))
          .append(td(r.step() == null ? "starting" : "<code>" + Html.escape(r.step()) + "</code>"))
          .append("</tr></table>\n<p class=\"muted\">The runner writes its numbers when a run")
          .append(" ends; they appear under the job's details then.</p>");
    }
    h.append("</section>\n");

    h.append("<h2>Queue</h2>\n<section id=\"queue\">");
    if (s.queue().isEmpty()) {
      h.append("<p class=\"muted\">Nothing is waiting.</p>");
    } else {
      h.append("<table><tr><th>job</th><th>state</th><th>repository</th>")
          .append("<th>pull request or branch</th><th>commit</th><th>accepted</th></tr>\n");
      for (Job j : s.queue()) {
        h.append("<tr>")
            .append(td(jobLink(j)))
            .append(td(j.state() == Job.State.QUEUED ? "queued" : "awaiting approval"))
            .append(td(Html.escape(j.repo())))
            .append(td(prOrBranch(j)))
            .append(td(commitLink(j)))
            .append(td(time(j.acceptedAt())))
            .append("</tr>\n");
      }
      h.append("</table>");
    }
    h.append("</section>\n");

    h.append("<h2>Recent results</h2>\n<section id=\"results\">");
    if (s.results().isEmpty()) {
      h.append("<p class=\"muted\">No job has ended yet.</p>");
    } else {
      h.append("<table><tr><th>verdict</th><th>title</th><th>repository</th>")
          .append("<th>pull request or branch</th><th>commit</th><th>finished</th>")
          .append("<th>job</th></tr>\n");
      for (JobStore.Ended e : s.results()) {
        h.append("<tr>")
            .append(td(verdict(e.conclusion())))
            .append(td(Html.escape(e.title())))
            .append(td(Html.escape(e.job().repo())))
            .append(td(prOrBranch(e.job())))
            .append(td(commitLink(e.job())))
            .append(td(time(e.finishedAt())))
            .append(td(jobLink(e.job())))
            .append("</tr>\n");
      }
      h.append("</table>");
    }
    h.append("</section>\n");

    h.append("<h2>Reports to GitHub</h2>\n<section id=\"reports\">");
    if (s.reports().pending() == 0 && s.reports().failed() == 0) {
      h.append("<p class=\"muted\">Every result and comment has reached GitHub.</p>");
    } else {
      h.append("<p>")
          .append(s.reports().pending())
          .append(" pending (tried again until GitHub takes them) · ")
          .append(s.reports().failed())
          .append(" refused by GitHub for good (not tried again)</p>\n");
      reportTable(h, s.unsent(), true);
    }
    h.append("</section>\n</body></html>\n");
    return h.toString();
  }

  /**
   * Reports as a table: what, for which job (when {@code withJob}), where it stands, attempts, the
   * next attempt or when it ended, GitHub's last answer (untrusted: escaped).
   */
  private static void reportTable(StringBuilder h, List<Outbox.Report> reports, boolean withJob) {
    h.append("<table><tr><th>report</th>")
        .append(withJob ? "<th>job</th>" : "")
        .append("<th>state</th><th>attempts</th><th>next attempt or ended</th>")
        .append("<th>last error</th></tr>\n");
    for (Outbox.Report r : reports) {
      h.append("<tr>")
          .append(
              td(
                  r.kind() == Outbox.Kind.RESULT
                      ? "result"
                      : "commit comment <code>" + Html.escape(r.key()) + "</code>"))
          .append(withJob ? td(jobLink(r.job())) : "")
          .append(td(r.state().name().toLowerCase(Locale.ROOT)))
          .append(td(Integer.toString(r.attempts())))
          .append(
              td(
                  r.state() == Outbox.State.PENDING
                      ? time(r.nextAttemptAt())
                      : r.endedAt() == null ? "" : time(r.endedAt())))
          .append(td(r.lastError() == null ? "" : Html.escape(r.lastError())))
          .append("</tr>\n");
    }
    h.append("</table>");
  }

  /**
   * {@code GET /jobs/<id>}: the job's fields with when it started and ended, its result summary
   * rendered from markdown ({@link Markdown}), its step logs.
   */
  static String details(StatusPage.Details d, Instant now) {
    Job j = d.job();
    boolean ongoing = j.state() != Job.State.DONE && j.state() != Job.State.CANCELLED;
    StringBuilder h = head("Murmuration job " + j.id(), ongoing);
    h.append("<p><a href=\"/\">← status</a></p>\n<h1>Job ")
        .append(j.id())
        .append("</h1>\n<table id=\"job\">\n")
        .append(row("state", Html.escape(j.state().name().toLowerCase(Locale.ROOT))))
        .append(row("trigger", Html.escape(j.trigger().tag)))
        .append(row("repository", Html.escape(j.repo())))
        .append(row("pull request or branch", prOrBranch(j)))
        .append(row("commit", commitLink(j)))
        .append(
            row(
                "base commit",
                (j.baseSha() == null ? "" : "<code>" + Html.escape(j.baseSha()) + "</code>")
                    + (j.baseBranch() == null ? "" : " on " + Html.escape(j.baseBranch()))))
        .append(
            j.changePoint() == null
                ? ""
                : row(
                    "bisecting",
                    "<code>"
                        + Html.escape(j.changePoint().metric())
                        + "</code> of <code>"
                        + Html.escape(j.changePoint().scenario())
                        + "</code>, changed between the runs of the base commit and this commit"
                        + " (at "
                        + time(j.changePoint().at())
                        + ")"))
        .append(row("default branch", Html.escape(j.defaultBranch())))
        .append(row("clone URL", Html.escape(j.cloneUrl())))
        .append(row("requested by", Html.escape(j.requestedBy())))
        .append(row("GitHub delivery", Html.escape(j.deliveryId())))
        .append(row("accepted", time(j.acceptedAt())))
        .append(row("attempts", Integer.toString(d.attempts())));
    if (d.startedAt() != null) {
      h.append(
          row(
              "started",
              time(d.startedAt())
                  + (d.running() ? " (running for " + elapsed(d.startedAt(), now) + ")" : "")));
    }
    if (d.finishedAt() != null) {
      h.append(
          row(
              "finished",
              time(d.finishedAt())
                  + (d.startedAt() == null || d.startedAt().isAfter(d.finishedAt())
                      ? ""
                      : " (took " + elapsed(d.startedAt(), d.finishedAt()) + ")")));
    }
    h.append("</table>\n<h2>Result</h2>\n<section id=\"result\">");
    JobResult r = d.result();
    if (r == null) {
      h.append("<p class=\"muted\">No result yet.</p>");
    } else {
      h.append("<p>")
          .append(verdict(r.conclusion()))
          .append(' ')
          .append(Html.escape(r.title()))
          .append("</p>\n<div class=\"summary\">\n")
          .append(Markdown.toHtml(r.summary()))
          .append("</div>");
    }
    h.append("</section>\n<h2>Step logs</h2>\n<section id=\"logs\">");
    if (d.logs().isEmpty()) {
      h.append("<p class=\"muted\">No step log in the job's folder.</p>");
    } else {
      h.append("<ul>");
      for (String name : d.logs()) {
        // names match StatusPage.LOG_NAME ([\w.-]), safe in a path; escaped all the same
        h.append("<li><a href=\"/jobs/")
            .append(j.id())
            .append("/logs/")
            .append(Html.escape(name))
            .append("\">")
            .append(Html.escape(name))
            .append("</a></li>");
      }
      h.append("</ul>");
    }
    h.append("</section>\n<h2>Reports to GitHub</h2>\n<section id=\"reports\">");
    if (d.reports().isEmpty()) {
      h.append("<p class=\"muted\">None stored.</p>");
    } else {
      reportTable(h, d.reports(), false);
    }
    h.append("</section>\n</body></html>\n");
    return h.toString();
  }

  /** {@code https://github.com/<owner>/<name>/pull/<n>}; the job must have a pull request. */
  static String pullRequestUrl(Job j) {
    return repoUrl(j.repo()) + "/pull/" + j.pr();
  }

  /** {@code https://github.com/<owner>/<name>/commit/<sha>}. */
  static String commitUrl(Job j) {
    return repoUrl(j.repo()) + "/commit/" + pathPart(j.sha());
  }

  /** {@code owner/name} → two encoded segments: a further "/" cannot reach another GitHub path. */
  private static String repoUrl(String repo) {
    StringBuilder url = new StringBuilder("https://github.com");
    for (String part : repo.split("/", 2)) {
      url.append('/').append(pathPart(part));
    }
    return url.toString();
  }

  /** Percent-encodes all but RFC 3986's unreserved characters, so a value stays one segment. */
  private static String pathPart(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  /** "2h 05m", "4m 12s", "9s". */
  static String elapsed(Instant from, Instant to) {
    long s = Math.max(0, Duration.between(from, to).toSeconds());
    if (s >= 3600) {
      return String.format("%dh %02dm", s / 3600, s % 3600 / 60);
    }
    return s >= 60 ? String.format("%dm %02ds", s / 60, s % 60) : s + "s";
  }

  private static StringBuilder head(String title, boolean refresh) {
    StringBuilder h = new StringBuilder(8192);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    if (refresh) {
      h.append("<meta http-equiv=\"refresh\" content=\"5\">\n");
    }
    return h.append("<title>")
        .append(Html.escape(title))
        .append("</title>\n<style>")
        .append(STYLE)
        .append("</style></head><body>\n");
  }

  private static String jobLink(Job j) {
    return "<a href=\"/jobs/" + j.id() + "\">" + j.id() + "</a>";
  }

  private static String prOrBranch(Job j) {
    if (j.pr() != null) {
      return "<a href=\""
          + Html.escape(pullRequestUrl(j))
          + "\">#"
          + j.pr()
          + "</a> "
          + Html.escape(j.branch());
    }
    return Html.escape(j.branch());
  }

  private static String commitLink(Job j) {
    String shortSha = j.sha().length() > 7 ? j.sha().substring(0, 7) : j.sha();
    return "<a href=\""
        + Html.escape(commitUrl(j))
        + "\"><code>"
        + Html.escape(shortSha)
        + "</code></a>";
  }

  private static String verdict(String conclusion) {
    String css = COLOURED.contains(conclusion) ? "verdict " + conclusion : "verdict";
    return "<span class=\"" + css + "\">" + Html.escape(conclusion) + "</span>";
  }

  private static String time(Instant t) {
    return TIME.format(t.truncatedTo(ChronoUnit.SECONDS));
  }

  private static String td(String html) {
    return "<td>" + html + "</td>";
  }

  private static String row(String name, String html) {
    return "<tr><th>" + name + "</th><td>" + html + "</td></tr>\n";
  }
}
