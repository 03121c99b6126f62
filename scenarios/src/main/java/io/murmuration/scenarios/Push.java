package io.murmuration.scenarios;

import io.murmuration.scenario.Counter;
import io.murmuration.scenario.IqReply;
import io.murmuration.scenario.Param;
import io.murmuration.scenario.PushNotification;
import io.murmuration.scenario.RunSetup;
import io.murmuration.scenario.Scenario;
import io.murmuration.scenario.Step;
import io.murmuration.scenario.Timer;
import io.murmuration.scenario.User;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Push notifications (XEP-0357) to users who are away: the path from a message to the app server
 * (MongoosePush, say) that would wake the recipient's phone. The runner runs the app server itself
 * ({@link RunSetup#pushAppServer}): an external component of the server under test.
 *
 * <p>Users pair up by id: user 2k−1 is a writer, user 2k its sleeper (run an even number of users
 * from an odd {@code --first-user}, as the default 1). Each sleeper:
 *
 * <ol>
 *   <li>connects, logs in and sends available presence;
 *   <li>enables push to the app server ({@code <enable xmlns='urn:xmpp:push:0' jid='COMPONENT'
 *       node='murm-ID'/>}, timed as {@code push_enable}); in mode {@code resume} then enables
 *       stream management with resumption (XEP-0198);
 *   <li>meets its writer (at most {@code pair_wait}) and goes away: in mode {@code offline} it
 *       closes its stream and ends (the server keeps what arrives in offline storage); in mode
 *       {@code resume} its connection is cut without closing the stream (a phone losing its
 *       network: the session waits for a resumption) for {@code settle} + {@code messages} × {@code
 *       interval} + {@code settle}, then it resumes (timed as {@code resume}), gets every message
 *       resent (late: marked delayed), and once it has them all (at most {@code linger}) disables
 *       push ({@code <disable/>}, so registrations do not pile up on the server over runs) and
 *       leaves.
 * </ol>
 *
 * <p>Each writer connects, logs in, sends presence, meets its sleeper, waits {@code settle} (so the
 * server has seen the sleeper go), sends it {@code messages} chat messages, one every {@code
 * interval}, then stays until the app server has had a push for each (at most {@code linger}) and
 * logs out.
 *
 * <p>The app server times each notification from the intended send time of the message it answers
 * (timer {@code push}; sender and app server share this process's clock): per sleeper, the oldest
 * message still waiting, or, when the notification carries the message's text (the server's choice:
 * ejabberd's {@code include_body}), the message the text names, its intended time written in it.
 * Counters: {@code pushes} (all notifications), {@code push_with_body} (those carrying the
 * message's text), {@code push_missing} (messages no notification answered by the end), {@code
 * push_extra} (notifications that answered no message: one more for a message already answered, for
 * a node of no sleeper, or with nothing waiting), {@code push_out_of_order} (the text named a
 * message other than the oldest waiting) and {@code unpaired} (users whose partner never came). One
 * notification per message is expected: {@code pushes == messages.sent}, {@code push_missing == 0},
 * {@code push_extra == 0}.
 *
 * <p>In mode {@code offline} the messages are sent as {@link User#sendChatToOffline}: none is
 * expected to be delivered during the run. In mode {@code resume} each is expected once, and
 * arrives late after the resumption. Mode {@code resume} needs {@code --client lean}.
 */
public final class Push implements Scenario {

  static final String OFFLINE = "offline";
  static final String RESUME = "resume";

  static final Param<String> MODE =
      Param.ofString(
              "mode",
              OFFLINE,
              "how sleepers go away: offline (close the stream; messages go to offline storage) or"
                  + " resume (connection cut, session kept for a resumption, XEP-0198; needs"
                  + " --client lean)")
          .check(m -> m.equals(OFFLINE) || m.equals(RESUME), "offline or resume");
  static final Param<Integer> MESSAGES =
      Param.ofInt("messages", 10, "chat messages each writer sends its sleeper while it is away")
          .atLeast(1);
  static final Param<Duration> INTERVAL =
      Param.ofDuration("interval", Duration.ofSeconds(1), "time between two messages of a writer")
          .positive();
  static final Param<Duration> SETTLE =
      Param.ofDuration(
              "settle",
              Duration.ofSeconds(1),
              "how long a writer waits after its sleeper went away before writing (the server must"
                  + " have seen it go), and a resuming sleeper after the last message")
          .positive();
  static final Param<Duration> PAIR_WAIT =
      Param.ofDuration(
              "pair_wait",
              Duration.ofSeconds(30),
              "longest wait for a user's partner (writer 2k-1, sleeper 2k) before it leaves alone")
          .positive();
  static final Param<Duration> ENABLE_TIMEOUT =
      Param.ofDuration(
              "enable_timeout",
              Duration.ofSeconds(30),
              "longest wait for the server's answer to a sleeper's <enable/> (none: error"
                  + " iq-timeout, and the pair leaves)")
          .positive();
  static final Param<Duration> LINGER =
      Param.ofDuration(
              "linger",
              Duration.ofSeconds(10),
              "longest wait of a writer for the pushes of its messages, and of a resumed sleeper"
                  + " for its messages")
          .positive();
  static final Param<String> COMPONENT =
      Param.ofString(
          "component",
          "127.0.0.1:5347",
          "HOST:PORT of the server's external component listener (XEP-0114) where the push app"
              + " server connects");
  static final Param<String> COMPONENT_DOMAIN =
      Param.ofString(
          "component_domain",
          "push.localhost",
          "the push app server's domain, as the component listener accepts it; sleepers name it in"
              + " <enable/>");
  static final Param<String> COMPONENT_SECRET_FILE =
      Param.ofString(
          "component_secret_file",
          "",
          "file whose first line is the component listener's secret (murm server ejabberd writes"
              + " one and prints it); required");

  /** How a writer's body names its message's intended send time, for the app server to read. */
  private static final Pattern STAMPED = Pattern.compile("message \\d+ from \\d+ at (-?\\d{1,19})");

  /** How often a writer looks whether the pushes of its messages are all in. */
  private static final Duration POLL = Duration.ofMillis(100);

  private PushLedger ledger;
  private String component;
  private Timer pushTimer;
  private Timer enableTimer;
  private Timer resumeTimer;
  private Counter pushes;
  private Counter withBody;
  private Counter missing;
  private Counter extra;
  private Counter outOfOrder;
  private Counter unpaired;

  @Override
  public String name() {
    return "push";
  }

  @Override
  public String description() {
    return "writers send messages to sleepers who are away (offline or awaiting resumption);"
        + " measures the server's push notifications (XEP-0357) at an app server the runner runs";
  }

  @Override
  public List<Param<?>> params() {
    return List.of(
        MODE,
        MESSAGES,
        INTERVAL,
        SETTLE,
        PAIR_WAIT,
        ENABLE_TIMEOUT,
        LINGER,
        COMPONENT,
        COMPONENT_DOMAIN,
        COMPONENT_SECRET_FILE);
  }

  @Override
  public void init(RunSetup run) {
    ledger = new PushLedger();
    pushTimer = run.timer("push", "from a message's intended send time to its push notification");
    enableTimer = run.timer("push_enable", "a sleeper's <enable/> request to the server's answer");
    resumeTimer = run.timer("resume", "mode resume: from a sleeper's return to <resumed/>");
    pushes = run.counter("pushes", "push notifications the app server received");
    withBody = run.counter("push_with_body", "push notifications carrying the message's text");
    missing =
        run.counter("push_missing", "messages to sleepers that no push notification answered");
    extra =
        run.counter(
            "push_extra",
            "push notifications that answered no message (a second one, or nothing waiting)");
    outOfOrder =
        run.counter(
            "push_out_of_order",
            "push notifications whose text named a message other than the oldest waiting");
    unpaired = run.counter("unpaired", "users whose partner did not come within pair_wait");
    String secretFile = run.param(COMPONENT_SECRET_FILE);
    if (secretFile.isBlank()) {
      throw new IllegalArgumentException(
          "scenario push: give -Pcomponent_secret_file=FILE, the file holding the secret of the"
              + " server's component listener (murm server ejabberd prints it)");
    }
    component = run.param(COMPONENT_DOMAIN);
    run.pushAppServer(
        run.param(COMPONENT), component, Path.of(secretFile), push -> onPush(run, push));
  }

  /** On the app server's thread: match the notification to a message and time it. */
  private void onPush(RunSetup run, PushNotification push) {
    run.count(pushes, 1);
    Long stamped = stampIn(push.body());
    if (stamped != null) {
      run.count(withBody, 1);
    }
    PushLedger.Match match = ledger.take(push.node(), stamped);
    if (match == null) {
      run.count(extra, 1);
      return;
    }
    run.record(pushTimer, push.receivedAtNanos() - match.intendedNanos());
    if (!match.inOrder()) {
      run.count(outOfOrder, 1);
    }
  }

  /** The intended send time a writer wrote into {@code body}, or null when it names none. */
  static Long stampIn(String body) {
    if (body == null) {
      return null;
    }
    Matcher m = STAMPED.matcher(body);
    if (!m.matches()) {
      return null;
    }
    try {
      return Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override
  public void terminate(RunSetup run) {
    run.count(missing, ledger.waiting());
  }

  @Override
  public void start(User user) {
    boolean sleeper = user.id() % 2 == 0;
    int partner = sleeper ? user.id() - 1 : user.id() + 1;
    String pair = "pair#" + (sleeper ? user.id() : partner);
    boolean resume = user.param(MODE).equals(RESUME);
    Step meet =
        then ->
            user.coordinate(
                pair,
                2,
                user.param(PAIR_WAIT),
                members -> {
                  if (members.size() < 2) {
                    user.count(unpaired);
                    user.finish();
                  } else {
                    then.run();
                  }
                });
    if (sleeper) {
      String node = node(user.id());
      ledger.sleeper(node);
      user.flow(
          user::connect,
          user::sendPresence,
          next -> enablePush(user, node, next),
          next -> {
            // after the push's <enable/>, so that no stanza is left unacknowledged at the cut: the
            // server would push for it (the queue's "pending" notification) before any message
            if (resume) {
              user.enableResumption(next);
            } else {
              next.run();
            }
          },
          meet,
          next -> {
            if (resume) {
              awayThenBack(user, partner, node);
            } else {
              user.finish(); // closes the stream: from now on, offline storage and pushes
            }
          });
    } else {
      user.flow(
          user::connect,
          user::sendPresence,
          meet,
          next -> user.after(user.param(SETTLE), next),
          next -> write(user, partner, resume, next),
          next ->
              awaitPushes(user, node(partner), System.nanoTime() + user.param(LINGER).toNanos()));
    }
  }

  private static String node(int sleeperId) {
    return "murm-" + sleeperId;
  }

  private void enablePush(User user, String node, Runnable next) {
    user.iq(
        "<iq type='set'><enable xmlns='urn:xmpp:push:0' jid='"
            + component
            + "' node='"
            + node
            + "'/></iq>",
        user.param(ENABLE_TIMEOUT),
        enableTimer,
        (IqReply reply) -> {
          if (reply.ok()) {
            next.run();
          } else {
            user.finish(); // counted as iq-error or iq-timeout; its writer leaves unpaired
          }
        });
  }

  /**
   * Mode resume: away (connection cut) while the writer writes, then back for the messages; then it
   * turns push off again ({@code <disable/>}) and leaves.
   */
  private void awayThenBack(User user, int writer, String node) {
    int messages = user.param(MESSAGES);
    Duration settle = user.param(SETTLE);
    Duration gap = settle.plus(user.param(INTERVAL).multipliedBy(messages)).plus(settle);
    String writerJid = user.jid(writer);
    int[] due = {messages};
    boolean[] leaving = {false};
    Runnable leave =
        () -> {
          if (!leaving[0]) {
            leaving[0] = true;
            disablePushAndFinish(user, node);
          }
        };
    user.onMessage(
        m -> {
          if (m.from() != null && m.from().startsWith(writerJid + "/") && --due[0] == 0) {
            leave.run();
          }
        });
    user.interrupt(gap, resumeTimer, () -> user.after(user.param(LINGER), leave));
  }

  /**
   * As an app logging out does, and so that the server's push registrations do not pile up over
   * runs on the same accounts. The answer is not awaited: ejabberd 23.01's Mnesia backend reads its
   * whole registration table on each {@code <disable/>} (as on each {@code <enable/>}), so with a
   * thousand sleepers leaving at once the answers come after any sensible time-out; the server
   * handles the request before the stream's close all the same.
   */
  private void disablePushAndFinish(User user, String node) {
    user.sendStanza(
        "<iq type='set' id='disable-push'><disable xmlns='urn:xmpp:push:0' jid='"
            + component
            + "' node='"
            + node
            + "'/></iq>");
    user.finish();
  }

  /** Sends the sleeper its messages, each entered in the ledger before it leaves. */
  private void write(User user, int sleeper, boolean resume, Runnable next) {
    String node = node(sleeper);
    user.repeat(
        () -> user.param(INTERVAL),
        user.param(MESSAGES),
        i -> {
          long intended = user.intendedNanos();
          String body = "message " + i + " from " + user.id() + " at " + intended;
          ledger.expect(node, intended);
          boolean sent =
              resume ? user.sendChat(sleeper, body) : user.sendChatToOffline(sleeper, body);
          if (!sent) {
            ledger.unsent(node, intended);
          }
        },
        next);
  }

  /** Stays until every message to {@code node} has had its push, or until {@code deadline}. */
  private void awaitPushes(User user, String node, long deadline) {
    if (ledger.waiting(node) == 0 || System.nanoTime() >= deadline) {
      user.finish();
    } else {
      user.after(POLL, () -> awaitPushes(user, node, deadline));
    }
  }
}
