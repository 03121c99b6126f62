package io.murmuration.hook.pipeline;

import io.murmuration.gate.Comparison;
import io.murmuration.gate.Gate;
import io.murmuration.gate.Metric;
import io.murmuration.gate.Settings;
import io.murmuration.gate.Trends;
import io.murmuration.hook.Job;
import io.murmuration.hook.JobResult;
import io.murmuration.results.RunMetric;
import io.murmuration.results.Summary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The binary search of a bisection job over the merged commits of a change point's range, for the
 * first commit whose load test shows the change, and the text of its result. The {@link Pipeline}
 * builds and runs the commits; this class chooses them and judges each step.
 *
 * <p>The range is the first-parent line of the first run after the change ({@code bad}) back to the
 * last run before it ({@code good}), oldest first: {@code good, c1, …, cn = bad}. The search keeps
 * the last commit known good and the first known bad; each step measures the middle one.
 *
 * <p><b>How a middle commit is classified.</b> Each step measures the last-good, the middle and the
 * first-bad commit in the same rounds ({@code gate.rounds} rounds, each arm's server started afresh
 * as in a pull request's gate), so that drift of the machine between steps cannot move a commit
 * from one side to the other, and judges the change point's metric with the gate's statistics
 * ({@link Gate#compare}):
 *
 * <ol>
 *   <li>the good and bad ends must differ now, interval of bad/good beyond 1 and p &lt; {@code
 *       gate.alpha}: otherwise the change did not reproduce and the bisection stops;
 *   <li>the middle commit is <b>bad</b> when its median lies at least halfway from the good end's
 *       to the bad end's (on a log scale) and it differs from the good end in the change's
 *       direction (interval beyond 1, p &lt; alpha); <b>good</b> when it lies less than halfway and
 *       the bad end differs from it likewise (in between and different from both ends, it goes to
 *       the end it is closer to); otherwise — closer to one end but not different from the other,
 *       or a run that could not be judged — the step cannot tell and the bisection stops there,
 *       with the range it has narrowed.
 * </ol>
 *
 * <p>Measuring both ends in every step costs three arms a step instead of the two of gating the
 * middle against the last good commit alone (which would also need one gate of the two ends first,
 * to know the change still shows: the same runs for 4 commits, 22 % fewer for 64), but needs no
 * threshold from the history (whose runs may be older, or fewer, than a step's), checks at every
 * step that the change still shows, and classifies by which end the middle is closer to rather than
 * by the gate's tolerance, which is about what a pull request may cost, not about where a change
 * happened. Cost: at most ⌈log₂ n⌉ steps for n commits, each {@code 3 × gate.rounds} runs; each
 * commit is built once.
 */
final class Bisection {
  /** The most merged commits a range may hold: 64 take at most 6 steps. */
  static final int MAX_COMMITS = 64;

  /** The hidden line that tells the service's bisection comments from others. */
  static final String MARKER = "<!-- murmuration:bisection -->";

  /** Where the middle commit of a step lies. */
  enum Side {
    GOOD,
    BAD,
    UNDECIDED
  }

  /** A step's commits: the last known good, the middle one, the first known bad. */
  record Arms(String good, String mid, String bad) {}

  /**
   * A judged step.
   *
   * @param medians the metric's median over the rounds of good, middle and bad (NaN when not
   *     judged)
   * @param evidence the comparison that placed the middle commit: good against middle when it is
   *     bad, middle against bad when it is good; null when undecided
   */
  record Step(
      int number, Arms arms, double[] medians, Side side, String why, Comparison evidence) {}

  /** A range that cannot be bisected; the message is one line. */
  static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message);
    }
  }

  private final List<String> line;
  private final Metric metric;
  private final Settings settings;
  private final List<Step> steps = new ArrayList<>();
  private int good;
  private int bad;
  private Comparison ends;

  /**
   * @param line the good commit, then the commits after it up to the bad one, oldest first ({@link
   *     #line})
   */
  Bisection(List<String> line, Metric metric, Settings settings) {
    this.line = List.copyOf(line);
    this.metric = metric;
    this.settings = settings;
    this.good = 0;
    this.bad = line.size() - 1;
  }

  /** The gate's metric of {@code field} (a field of the {@code run} point), or null. */
  static Metric metric(String field, Settings settings) {
    RunMetric m = RunMetric.byField(field);
    Metric gate = m == null ? null : Metric.byKey(m.path());
    return gate != null && settings.metrics().contains(gate) ? gate : null;
  }

  /**
   * The line to search from {@code git rev-list --first-parent --parents good..bad} (newest first,
   * each commit with its parents): {@code good}, then the merged commits after it, oldest first,
   * the last being {@code bad}.
   *
   * @throws Refused when there is no such commit, more than {@link #MAX_COMMITS}, or {@code good}
   *     is not on {@code bad}'s first-parent line (a rewritten history)
   */
  static List<String> line(String good, String bad, List<List<String>> revList) {
    String range = "the range " + shortSha(good) + ".." + shortSha(bad);
    if (revList.isEmpty() || !revList.get(0).get(0).equals(bad)) {
      throw new Refused(range + " holds no merged commit: " + shortSha(bad) + " is not after it");
    }
    if (revList.size() > MAX_COMMITS) {
      throw new Refused(
          range
              + " holds "
              + revList.size()
              + " merged commits, more than "
              + MAX_COMMITS
              + ": bisect it by hand (git bisect), or let more merged builds run to narrow it");
    }
    List<String> oldest = revList.get(revList.size() - 1);
    if (oldest.size() < 2 || !oldest.get(1).equals(good)) {
      throw new Refused(
          range
              + " is not a stretch of one first-parent line: "
              + shortSha(good)
              + " is not an ancestor of "
              + shortSha(bad)
              + " through first parents (was the branch rewritten?)");
    }
    List<String> line = new ArrayList<>(List.of(good));
    for (int i = revList.size() - 1; i >= 0; i--) {
      line.add(revList.get(i).get(0));
    }
    return line;
  }

  /** The next step's commits, or null when the search is over (one commit left, or stopped). */
  Arms next() {
    if (stoppedUndecided() || bad - good <= 1) {
      return null;
    }
    return new Arms(line.get(good), line.get((good + bad) / 2), line.get(bad));
  }

  /** How many commits the range holds (after the good one). */
  int commits() {
    return line.size() - 1;
  }

  /** At most this many steps: ⌈log₂ commits⌉. */
  int maxSteps() {
    return 32 - Integer.numberOfLeadingZeros(Math.max(commits() - 1, 0));
  }

  List<Step> steps() {
    return List.copyOf(steps);
  }

  /**
   * Judges the step of {@link #next()} from the runs of its commits (per round, in round order) and
   * moves the bounds when it can tell.
   */
  Step judge(
      List<ScenarioOutcome> goodRuns,
      List<ScenarioOutcome> midRuns,
      List<ScenarioOutcome> badRuns) {
    Arms arms = next();
    int number = steps.size() + 1;
    double[] none = {Double.NaN, Double.NaN, Double.NaN};
    String unfinished = unfinished(List.of(goodRuns, midRuns, badRuns), arms);
    if (unfinished != null) {
      return add(new Step(number, arms, none, Side.UNDECIDED, unfinished, null));
    }
    List<Summary> g = summaries(goodRuns);
    List<Summary> m = summaries(midRuns);
    List<Summary> b = summaries(badRuns);
    for (Gate.Arm arm :
        List.of(new Gate.Arm("good", g), new Gate.Arm("middle", m), new Gate.Arm("bad", b))) {
      String refusal = Gate.refusal(arm, settings);
      if (refusal != null) {
        return add(new Step(number, arms, none, Side.UNDECIDED, "not judged: " + refusal, null));
      }
    }
    Comparison goodBad = compare(g, b);
    Comparison goodMid = compare(g, m);
    Comparison midBad = compare(m, b);
    double[] medians = {goodBad.baseMedian(), goodMid.headMedian(), goodBad.headMedian()};
    if (ends == null) {
      ends = goodBad;
    }
    Boolean rose = beyondOne(goodBad);
    if (rose == null) {
      return add(
          new Step(
              number,
              arms,
              medians,
              Side.UNDECIDED,
              "the change did not show: the good and bad ends do not differ ("
                  + evidence(goodBad)
                  + ")",
              null));
    }
    double position = Math.log(medians[1] / medians[0]) / Math.log(medians[2] / medians[0]);
    String where = String.format(Locale.ROOT, "%.0f %% of the way to bad", position * 100);
    Step step;
    if (position >= 0.5 && rose.equals(beyondOne(goodMid))) {
      step =
          new Step(
              number,
              arms,
              medians,
              Side.BAD,
              "bad: " + where + ", and it differs from good (" + evidence(goodMid) + ")",
              goodMid);
      bad = (good + bad) / 2;
    } else if (position < 0.5 && rose.equals(beyondOne(midBad))) {
      step =
          new Step(
              number,
              arms,
              medians,
              Side.GOOD,
              "good: " + where + ", and bad differs from it (" + evidence(midBad) + ")",
              midBad);
      good = (good + bad) / 2;
    } else {
      step =
          new Step(
              number,
              arms,
              medians,
              Side.UNDECIDED,
              "cannot tell: "
                  + where
                  + ", against good "
                  + evidence(goodMid)
                  + ", against bad "
                  + evidence(midBad)
                  + "; more rounds (gate.rounds) separate commits better",
              null);
    }
    return add(step);
  }

  /** The commit named: the first bad one once it follows the last good one directly; else null. */
  String named() {
    return bad - good == 1 && !steps.isEmpty() && !stoppedUndecided() ? line.get(bad) : null;
  }

  /**
   * The job's result: the commit named (success, with a verdict event at the change point's time
   * and a comment for that commit), or the range narrowed so far when a step could not tell
   * (neutral), or "nothing to bisect" for a range of one commit.
   */
  JobResult result(Job job, String scenario, int rounds) {
    String what = label() + " of `" + scenario + "` on `" + job.branch() + "`";
    if (steps.isEmpty()) {
      return new JobResult(
          "neutral",
          "nothing to bisect: " + shortSha(line.get(1)) + " is the only commit of the range",
          "The change point of "
              + what
              + " lies in the commits after "
              + commitLink(job, line.get(0))
              + " up to "
              + commitLink(job, line.get(1))
              + ", and that range holds one merged commit: "
              + commitLink(job, line.get(1))
              + ". The trend check's comment names it; nothing was load-tested.\n",
          null);
    }
    String named = named();
    StringBuilder md = new StringBuilder();
    if (named == null) {
      Step last = steps.get(steps.size() - 1);
      md.append("### Bisection of ")
          .append(what)
          .append(": stopped at step ")
          .append(last.number())
          .append("\n\n")
          .append(rangeSentence(job))
          .append(" Step ")
          .append(last.number())
          .append(" could not place `")
          .append(shortSha(last.arms().mid()))
          .append("`: ")
          .append(last.why())
          .append(". The change lies in the commits after ")
          .append(commitLink(job, line.get(good)))
          .append(" up to ")
          .append(commitLink(job, line.get(bad)))
          .append(" (")
          .append(bad - good)
          .append(bad - good == 1 ? " commit" : " commits")
          .append(").\n\n");
      md.append(table(rounds));
      return new JobResult(
          "neutral",
          "bisection stopped at step "
              + last.number()
              + ": the change lies in "
              + shortSha(line.get(good))
              + ".."
              + shortSha(line.get(bad)),
          md.toString(),
          null);
    }
    Comparison e = steps.get(steps.size() - 1).evidence();
    String change = Trends.percent(e.estimate() - 1);
    md.append("### Murmuration: `")
        .append(shortSha(named))
        .append("` moved ")
        .append(what)
        .append("\n\n")
        .append(rangeSentence(job))
        .append(" It names **")
        .append(commitLink(job, named))
        .append("**: ")
        .append(label())
        .append(' ')
        .append(number(e.baseMedian()))
        .append(" → ")
        .append(number(e.headMedian()))
        .append(unit())
        .append(" (")
        .append(change)
        .append(") against the commit before it, ")
        .append(commitLink(job, line.get(good)))
        .append(", measured in the same ")
        .append(rounds)
        .append(" rounds (")
        .append(evidence(e))
        .append("). Between the ends of the range, in step 1: ")
        .append(Trends.percent(ends.estimate() - 1))
        .append(".\n\n");
    md.append(table(rounds));
    String title =
        label() + " of " + scenario + " moved at " + shortSha(named) + " (" + change + ")";
    List<io.murmuration.gate.VerdictEvent> verdicts =
        List.of(
            RunnerCommand.verdict(
                job,
                named,
                null,
                scenario,
                job.changePoint().at(),
                scenario + ": " + label() + " moved at " + shortSha(named),
                change
                    + " against "
                    + shortSha(line.get(good))
                    + " ("
                    + evidence(e)
                    + "); bisected in "
                    + steps.size()
                    + " steps from the change point between "
                    + shortSha(line.get(0))
                    + " and "
                    + shortSha(line.get(line.size() - 1))
                    + ", job "
                    + job.id()));
    return new JobResult(
        "success",
        title,
        md.toString(),
        null,
        verdicts,
        new JobResult.CommitComment(named, MARKER + "\n" + md));
  }

  /**
   * A commit of step {@code number} ({@code role}: good, mid or bad) could not be built, started or
   * run: the bisection stops (neutral) with the range narrowed so far and the failed step's log.
   */
  JobResult stopped(Job job, String scenario, String role, String commit, StepFailed e) {
    int number = steps.size() + 1;
    String md =
        "### Bisection of "
            + label()
            + " of `"
            + scenario
            + "` on `"
            + job.branch()
            + "`: stopped at step "
            + number
            + "\n\n"
            + rangeSentence(job)
            + " In step "
            + number
            + ", the "
            + (role.equals("mid") ? "middle" : role)
            + " commit "
            + commitLink(job, commit)
            + " could not be load-tested: the **"
            + e.step
            + "** step failed: "
            + e.getMessage()
            + ". The change lies in the commits after "
            + commitLink(job, line.get(good))
            + " up to "
            + commitLink(job, line.get(bad))
            + ".\n\n"
            + (steps.isEmpty() ? "" : table(0) + "\n")
            + "Last lines of `"
            + e.log.getFileName()
            + "`:\n\n"
            + ResultText.codeBlock(Commands.tail(e.log, Pipeline.TAIL_LINES));
    return new JobResult(
        "neutral",
        "bisection stopped at step "
            + number
            + ": "
            + shortSha(commit)
            + " could not be load-tested ("
            + e.getMessage()
            + ")",
        md,
        null);
  }

  /** A bisection that cannot start: neutral, the reason in the title. */
  static JobResult refused(String why) {
    return new JobResult(
        "neutral",
        "bisection refused: " + why,
        "The bisection cannot run: " + why + ". This says nothing about the commits.\n",
        null);
  }

  /** One line for the bisection's log: the step's commits, medians and decision. */
  static String describe(Step s) {
    return String.format(
        Locale.ROOT,
        "step %d: good %s %s, middle %s %s, bad %s %s: %s",
        s.number(),
        shortSha(s.arms().good()),
        number(s.medians()[0]),
        shortSha(s.arms().mid()),
        number(s.medians()[1]),
        shortSha(s.arms().bad()),
        number(s.medians()[2]),
        s.why());
  }

  private String rangeSentence(Job job) {
    String good = line.get(0);
    String bad = line.get(line.size() - 1);
    return "The trend analysis found a change point between the runs of "
        + commitLink(job, good)
        + " and "
        + commitLink(job, bad)
        + " ("
        + commits()
        + " merged commits: ["
        + "compare]("
        + TrendCheck.webUrl(job)
        + "/compare/"
        + good
        + "..."
        + bad
        + ")); the bisection measured the last good, the middle and the first bad commit in the"
        + " same rounds at each step.";
  }

  private String table(int rounds) {
    StringBuilder t = new StringBuilder();
    t.append("| step | good | middle | bad | ")
        .append(label())
        .append(unit().isEmpty() ? "" : " (" + unit().strip() + ")")
        .append(": good / middle / bad | the middle commit |\n|---|---|---|---|---|---|\n");
    for (Step s : steps) {
      t.append(
          ResultText.row(
              s.number(),
              "`" + shortSha(s.arms().good()) + "`",
              "`" + shortSha(s.arms().mid()) + "`",
              "`" + shortSha(s.arms().bad()) + "`",
              number(s.medians()[0])
                  + " / "
                  + number(s.medians()[1])
                  + " / "
                  + number(s.medians()[2]),
              s.why()));
    }
    if (rounds > 0) {
      t.append(
          String.format(
              Locale.ROOT,
              "%n<sub>%d step%s of %d rounds, %d runs: each round starts the server of each of"
                  + " the three commits; medians over the rounds; intervals of the ratio of"
                  + " medians, p-values and alpha %s as in the pull-request gate.</sub>%n",
              steps.size(),
              steps.size() == 1 ? "" : "s",
              rounds,
              steps.size() * 3 * rounds,
              settings.alpha()));
    }
    return t.toString();
  }

  private Step add(Step step) {
    steps.add(step);
    return step;
  }

  private boolean stoppedUndecided() {
    return !steps.isEmpty() && steps.get(steps.size() - 1).side() == Side.UNDECIDED;
  }

  /** The metric of {@code head} against {@code base}, with the gate's statistics. */
  private Comparison compare(List<Summary> base, List<Summary> head) {
    return Gate.compare(new Gate.Arm("base", base), new Gate.Arm("head", head), settings)
        .comparisons()
        .stream()
        .filter(c -> c.metric().equals(metric))
        .findFirst()
        .orElseThrow();
  }

  /**
   * True when {@code c}'s interval lies above 1 and the test is significant, false when below 1,
   * null when neither: no change shown.
   */
  private Boolean beyondOne(Comparison c) {
    if (!(c.pValue() < settings.alpha())) {
      return null;
    }
    if (c.interval().low() > 1) {
      return true;
    }
    return c.interval().high() < 1 ? false : null;
  }

  private static String evidence(Comparison c) {
    return String.format(
        Locale.ROOT,
        "interval %.3f–%.3f, p = %s",
        c.interval().low(),
        c.interval().high(),
        c.pValue() < 0.001 ? "<0.001" : String.format(Locale.ROOT, "%.3f", c.pValue()));
  }

  /** Why the runs of a step cannot be judged: a run that did not finish; or null. */
  private static String unfinished(List<List<ScenarioOutcome>> arms, Arms commits) {
    for (int a = 0; a < arms.size(); a++) {
      for (ScenarioOutcome o : arms.get(a)) {
        if (!o.finished() || o.summary() == null) {
          String commit = a == 0 ? commits.good() : a == 1 ? commits.mid() : commits.bad();
          return "a run of " + shortSha(commit) + " did not finish: " + o.headline();
        }
      }
    }
    return null;
  }

  private static List<Summary> summaries(List<ScenarioOutcome> outcomes) {
    return outcomes.stream().map(ScenarioOutcome::summary).toList();
  }

  private String label() {
    return RunMetric.find(metric.key) == null ? metric.key : RunMetric.find(metric.key).label();
  }

  private String unit() {
    return metric.unit == null || metric.unit.isEmpty() ? "" : " " + metric.unit;
  }

  private static String number(double v) {
    return Double.isNaN(v) ? "–" : TrendCheck.number(v);
  }

  private static String commitLink(Job job, String sha) {
    return "[`" + shortSha(sha) + "`](" + TrendCheck.webUrl(job) + "/commit/" + sha + ")";
  }

  static String shortSha(String sha) {
    return sha.length() > 7 ? sha.substring(0, 7) : sha;
  }
}
