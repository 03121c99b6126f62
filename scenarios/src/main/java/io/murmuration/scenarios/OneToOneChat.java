package io.murmuration.scenarios;

import io.murmuration.scenario.Counter;
import io.murmuration.scenario.Param;
import io.murmuration.scenario.RunSetup;
import io.murmuration.scenario.Scenario;
import io.murmuration.scenario.Timer;
import io.murmuration.scenario.User;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One-to-one chat with time-to-delivery, after amoc-arsenal-xmpp's {@code dynamic_domains_pm}.
 *
 * <p>Each user:
 *
 * <ol>
 *   <li>connects, logs in, sends available presence and waits for the server to reflect it (until
 *       then, messages to it would go to offline storage);
 *   <li>joins its bucket: waits until {@code bucket_size} users are online together (at most {@code
 *       bucket_wait}), so nobody writes to a user who is not there yet;
 *   <li>after {@code start_delay} (0 by default: e.g. the arrival phase, so that every user has
 *       logged in before anyone chats) and a random offset within one interval (so buckets do not
 *       send in bursts), sends {@code messages} chat messages, one every {@code interval},
 *       round-robin to its bucket neighbours, each under the run-wide {@code messages} throttle
 *       ({@code message_rate} per second in all);
 *   <li>stays online until it has received every message its neighbours send it (at most {@code
 *       linger} after its own last message), then logs out: so nobody leaves while a slower
 *       neighbour is still writing to it.
 * </ol>
 *
 * <p>The runner times every message it receives from the sender's intended send time (TTD). The
 * scenario's own metrics: timer {@code bucket_wait} (joining a bucket to its start) and counter
 * {@code bucket_short} (users whose bucket started incomplete).
 */
public final class OneToOneChat implements Scenario {

  static final Param<Integer> BUCKET_SIZE =
      Param.ofInt("bucket_size", 10, "users in a bucket; each writes to the others of its bucket")
          .atLeast(2);
  static final Param<Duration> BUCKET_WAIT =
      Param.ofDuration(
              "bucket_wait",
              Duration.ofSeconds(30),
              "longest wait for a bucket to fill before it starts as it is")
          .positive();
  static final Param<Duration> START_DELAY =
      Param.ofDuration(
              "start_delay",
              Duration.ZERO,
              "wait once the bucket has started, before the random offset and the first message:"
                  + " e.g. the arrival phase, so that every user has logged in before anyone chats"
                  + " (a think time after login)")
          .check(d -> !d.isNegative(), "at least 0");
  static final Param<Integer> MESSAGES =
      Param.ofInt(
              "messages",
              20,
              "chat messages each user sends; 0 = until the run's --duration is over")
          .atLeast(0);
  static final Param<Duration> INTERVAL =
      Param.ofDuration("interval", Duration.ofSeconds(5), "time between two messages of one user")
          .positive()
          .changeable();
  static final Param<Double> MESSAGE_RATE =
      Param.ofDouble("message_rate", 0, "cap on messages per second for the whole run; 0 = no cap")
          .atLeast(0);
  static final Param<Duration> LINGER =
      Param.ofDuration(
          "linger",
          Duration.ofSeconds(5),
          "longest time online after the last message sent, waiting for the neighbours' messages"
              + " (a user leaves as soon as it has them all)");

  static final String THROTTLE = "messages";

  @Override
  public String name() {
    return "one-to-one";
  }

  @Override
  public String description() {
    return "users in buckets send chat messages to their bucket neighbours; measures time-to-delivery";
  }

  @Override
  public List<Param<?>> params() {
    return List.of(BUCKET_SIZE, BUCKET_WAIT, START_DELAY, MESSAGES, INTERVAL, MESSAGE_RATE, LINGER);
  }

  private Timer bucketWait;
  private Counter bucketsShort;

  @Override
  public void init(RunSetup run) {
    run.throttle(THROTTLE, run.param(MESSAGE_RATE));
    bucketWait =
        run.timer("bucket_wait", "from joining a bucket to its start (full, or at bucket_wait)");
    bucketsShort =
        run.counter("bucket_short", "users whose bucket started incomplete, after bucket_wait");
  }

  @Override
  public void start(User user) {
    user.flow(
        user::connect,
        user::sendPresence,
        next -> {
          long joined = user.intendedNanos();
          user.coordinate(
              "bucket",
              user.param(BUCKET_SIZE),
              user.param(BUCKET_WAIT),
              bucket -> {
                user.record(bucketWait, System.nanoTime() - joined);
                if (bucket.size() < user.param(BUCKET_SIZE)) {
                  user.count(bucketsShort);
                }
                chat(user, bucket);
              });
        });
  }

  private static void chat(User user, List<Integer> bucket) {
    int at = bucket.indexOf(user.id()); // the bucket's list is one for all its members
    int others = bucket.size() - 1;
    int messages = user.param(MESSAGES);
    // the messages still to come from the neighbours, and whether this user has sent all of its own
    int[] due = {expected(bucket, user.id(), messages)};
    boolean[] sentAll = {false};
    Runnable leaveOnceAllIn =
        () -> {
          if (sentAll[0] && due[0] <= 0) {
            user.finish();
          }
        };
    // only neighbours write to a user: a message stamped by this run is from one of them (a set of
    // their JIDs cost ~1 KiB per user)
    String run = user.stamp().runId();
    user.onMessage(
        m -> {
          if (!m.delayed() && m.stamp() != null && run.equals(m.stamp().runId())) {
            due[0]--;
            leaveOnceAllIn.run();
          }
        });
    Runnable lastSent =
        () -> {
          sentAll[0] = true;
          user.after(user.param(LINGER), user::finish);
          leaveOnceAllIn.run();
        };
    if (others == 0) {
      lastSent.run();
      return;
    }
    Duration interval = user.param(INTERVAL);
    Duration offset =
        Duration.ofNanos(new SplittableRandom(user.id()).nextLong(interval.toNanos()));
    // one timer for the start delay and the offset: the books plan one `after` either way
    user.after(
        user.param(START_DELAY).plus(offset),
        () ->
            user.repeat(
                () -> user.param(INTERVAL),
                messages,
                i -> {
                  int to = neighbour(bucket, at, i);
                  user.throttled(
                      THROTTLE, () -> user.sendChat(to, "message " + i + " from " + user.id()));
                },
                lastSent));
  }

  /**
   * How many of its {@code messages} each other member of {@code bucket} sends to {@code self}
   * (round-robin over its own {@link #neighbours}), in all; 0 for an endless run.
   */
  static int expected(List<Integer> bucket, int self, int messages) {
    int total = 0;
    for (int other : bucket) {
      if (other == self) {
        continue;
      }
      List<Integer> to = neighbours(bucket, other);
      for (int i = 0; i < messages; i++) {
        total += to.get(i % to.size()) == self ? 1 : 0;
      }
    }
    return total;
  }

  /**
   * The recipient of message {@code i} of the member at index {@code at} of the bucket: its other
   * members round-robin, starting after it so that writes spread evenly.
   */
  static int neighbour(List<Integer> bucket, int at, int i) {
    return bucket.get((at + 1 + i % (bucket.size() - 1)) % bucket.size());
  }

  /** The other members of the bucket in the order {@link #neighbour} writes to them. */
  static List<Integer> neighbours(List<Integer> bucket, int self) {
    int at = bucket.indexOf(self);
    return java.util.stream.IntStream.range(0, bucket.size() - 1)
        .mapToObj(i -> neighbour(bucket, at, i))
        .toList();
  }
}
