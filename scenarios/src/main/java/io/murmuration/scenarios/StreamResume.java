package io.murmuration.scenarios;

import io.murmuration.scenario.Counter;
import io.murmuration.scenario.Incoming;
import io.murmuration.scenario.Param;
import io.murmuration.scenario.RunSetup;
import io.murmuration.scenario.Scenario;
import io.murmuration.scenario.Timer;
import io.murmuration.scenario.User;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Chat over flaky networks: stream management with resumption (XEP-0198), after a phone that loses
 * its network for a while and comes back.
 *
 * <p>Each user:
 *
 * <ol>
 *   <li>connects, logs in, sends available presence (and waits for its reflection), and enables
 *       stream management with resumption;
 *   <li>joins its bucket: waits until {@code bucket_size} users are there (at most {@code
 *       bucket_wait});
 *   <li>after a random offset within one interval, sends chat messages to its bucket neighbours,
 *       round-robin, one every {@code interval}: the first part of its {@code messages};
 *   <li>one interval later, loses its connection (cut, no closing of the stream) for {@code gap},
 *       then reconnects and resumes the stream: the server resends what arrived for it meanwhile.
 *       The cut comes later for each member of a bucket (member k of n after k+1 n+1-ths of its
 *       messages), so its neighbours are writing to it while it is away;
 *   <li>sends the rest of its messages, then stays until it has every message its neighbours send
 *       it (at most {@code linger} after its own last one), and logs out.
 * </ol>
 *
 * <p>Messages that arrive resent after a resumption carry {@code <delay/>} (ejabberd 23.01 adds
 * {@code <delay from='domain'>Resent</delay>}): they count as late deliveries, not lost ones, and
 * have no time-to-delivery. The time from the end of the gap to {@code <resumed/>} is the {@code
 * resume} timer. Needs {@code --client lean}.
 */
public final class StreamResume implements Scenario {

  static final Param<Integer> BUCKET_SIZE =
      Param.ofInt("bucket_size", 2, "users in a bucket; each writes to the others of its bucket")
          .atLeast(2);
  static final Param<Duration> BUCKET_WAIT =
      Param.ofDuration(
              "bucket_wait",
              Duration.ofSeconds(30),
              "longest wait for a bucket to fill before it starts as it is")
          .positive();
  static final Param<Integer> MESSAGES =
      Param.ofInt("messages", 20, "chat messages each user sends, before and after its gap")
          .atLeast(2);
  static final Param<Duration> INTERVAL =
      Param.ofDuration("interval", Duration.ofSeconds(1), "time between two messages of one user")
          .positive()
          .changeable();
  static final Param<Duration> GAP =
      Param.ofDuration(
              "gap", Duration.ofSeconds(5), "how long each user stays away before resuming")
          .positive()
          .changeable();
  static final Param<Duration> LINGER =
      Param.ofDuration(
          "linger",
          Duration.ofSeconds(30),
          "longest time online after the last message sent, waiting for the neighbours' messages"
              + " (a user leaves as soon as it has them all); keep it above gap");

  private Timer resume;
  private Counter resumedDeliveries;

  @Override
  public String name() {
    return "stream-resume";
  }

  @Override
  public String description() {
    return "users chat, each loses its connection for a gap and resumes the stream (XEP-0198);"
        + " measures resumption time and counts the messages resent";
  }

  @Override
  public List<Param<?>> params() {
    return List.of(BUCKET_SIZE, BUCKET_WAIT, MESSAGES, INTERVAL, GAP, LINGER);
  }

  @Override
  public void init(RunSetup run) {
    resume = run.timer("resume", "from the end of a user's gap to the server's <resumed/>");
    resumedDeliveries =
        run.counter(
            "resumed_deliveries",
            "messages the server held while their recipient was away and resent after it resumed");
  }

  @Override
  public void start(User user) {
    Member member = new Member(user);
    user.flow(
        user::connect,
        user::sendPresence,
        user::enableResumption,
        next ->
            user.coordinate(
                "bucket",
                user.param(BUCKET_SIZE),
                user.param(BUCKET_WAIT),
                bucket -> member.joined(bucket, next)),
        member::waitOffset,
        next -> member.send(0, member.cutAfter, next),
        next -> user.after(user.param(INTERVAL), next),
        next -> user.interrupt(user.param(GAP), resume, next),
        next -> member.send(member.cutAfter, user.param(MESSAGES), next),
        next -> member.lastSent());
  }

  /** One user's part of the chat: whom it writes to, what it still expects. */
  private final class Member {
    private final User user;
    private final Set<String> neighbourJids = new HashSet<>();
    private List<Integer> neighbours;
    private int cutAfter;
    private int due;
    private boolean sentAll;

    Member(User user) {
      this.user = user;
    }

    void joined(List<Integer> bucket, Runnable next) {
      int messages = user.param(MESSAGES);
      neighbours = OneToOneChat.neighbours(bucket, user.id());
      neighbours.forEach(n -> neighbourJids.add(user.jid(n)));
      int k = bucket.indexOf(user.id());
      cutAfter = Math.clamp((long) messages * (k + 1) / (bucket.size() + 1), 1, messages - 1);
      due = OneToOneChat.expected(bucket, user.id(), messages);
      user.onMessage(this::received);
      if (neighbours.isEmpty()) {
        lastSent(); // alone: nobody to write to, nobody writing
      } else {
        next.run();
      }
    }

    void waitOffset(Runnable next) {
      long interval = user.param(INTERVAL).toNanos();
      user.after(Duration.ofNanos(new SplittableRandom(user.id()).nextLong(interval)), next);
    }

    /** Sends messages {@code from} … {@code to}−1, one per interval, then runs {@code next}. */
    void send(int from, int to, Runnable next) {
      user.repeat(
          () -> user.param(INTERVAL),
          to - from,
          i -> {
            int n = from + i;
            user.sendChat(
                neighbours.get(n % neighbours.size()), "message " + n + " from " + user.id());
          },
          next);
    }

    void received(Incoming m) {
      if (m.from() == null || !neighbourJids.contains(bare(m.from()))) {
        return;
      }
      due--;
      if (m.delayed()) { // only resent messages are: the server holds none of a connected user
        user.count(resumedDeliveries);
      }
      leaveOnceAllIn();
    }

    void lastSent() {
      sentAll = true;
      user.after(user.param(LINGER), user::finish);
      leaveOnceAllIn();
    }

    private void leaveOnceAllIn() {
      if (sentAll && due <= 0) {
        user.finish();
      }
    }
  }

  private static String bare(String jid) {
    int slash = jid.indexOf('/');
    return slash < 0 ? jid : jid.substring(0, slash);
  }
}
