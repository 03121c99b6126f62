package io.murmuration.scenarios;

import io.murmuration.scenario.Param;
import io.murmuration.scenario.RunSetup;
import io.murmuration.scenario.Scenario;
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
 *   <li>after a random offset within one interval (so buckets do not send in bursts), sends {@code
 *       messages} chat messages, one every {@code interval}, round-robin to its bucket neighbours,
 *       each under the run-wide {@code messages} throttle ({@code message_rate} per second in all);
 *   <li>stays online for {@code linger} to receive its neighbours' last messages, then logs out.
 * </ol>
 *
 * <p>The runner times every message it receives from the sender's intended send time (TTD).
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
          "time online after the last message sent, to receive the others'");

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
    return List.of(BUCKET_SIZE, BUCKET_WAIT, MESSAGES, INTERVAL, MESSAGE_RATE, LINGER);
  }

  @Override
  public void init(RunSetup run) {
    run.throttle(THROTTLE, run.param(MESSAGE_RATE));
  }

  @Override
  public void start(User user) {
    user.connect(
        () ->
            user.sendPresence(
                () ->
                    user.coordinate(
                        "bucket",
                        user.param(BUCKET_SIZE),
                        user.param(BUCKET_WAIT),
                        bucket -> chat(user, neighbours(bucket, user.id())))));
  }

  private static void chat(User user, List<Integer> neighbours) {
    Runnable leave = () -> user.after(user.param(LINGER), user::finish);
    if (neighbours.isEmpty()) {
      leave.run();
      return;
    }
    Duration interval = user.param(INTERVAL);
    Duration offset =
        Duration.ofNanos(new SplittableRandom(user.id()).nextLong(interval.toNanos()));
    user.after(
        offset,
        () ->
            user.repeat(
                () -> user.param(INTERVAL),
                user.param(MESSAGES),
                i -> {
                  int to = neighbours.get(i % neighbours.size());
                  user.throttled(
                      THROTTLE, () -> user.sendChat(to, "message " + i + " from " + user.id()));
                },
                leave));
  }

  /** The other members of the bucket, starting after this user so that writes spread evenly. */
  static List<Integer> neighbours(List<Integer> bucket, int self) {
    int at = bucket.indexOf(self);
    return java.util.stream.IntStream.range(1, bucket.size())
        .mapToObj(k -> bucket.get((at + k) % bucket.size()))
        .toList();
  }
}
