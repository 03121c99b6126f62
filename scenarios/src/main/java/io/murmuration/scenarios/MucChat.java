package io.murmuration.scenarios;

import io.murmuration.scenario.Counter;
import io.murmuration.scenario.Element;
import io.murmuration.scenario.Param;
import io.murmuration.scenario.RunSetup;
import io.murmuration.scenario.Scenario;
import io.murmuration.scenario.Stanza;
import io.murmuration.scenario.Timer;
import io.murmuration.scenario.User;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Multi-user chat (XEP-0045) with fan-out time-to-delivery, after amoc-arsenal-xmpp's MUC
 * scenarios.
 *
 * <p>Each user:
 *
 * <ol>
 *   <li>connects, logs in, sends available presence and waits for its reflection;
 *   <li>joins a group of {@code room_size} users (at most {@code room_wait}); the group's room is
 *       {@code room-<lowest member id>@conference.<domain>};
 *   <li>enters the room without history; the join, from the first join presence to the room's
 *       presence with status 110 (this is you), is timed on {@code muc_join}. A room that is locked
 *       until configured (Prosody) answers {@code item-not-found}: the user tries again after
 *       {@code join_retry}. The creator (status 201) accepts the default configuration (instant
 *       room); ejabberd 23.01 sends 201 but does not lock the room;
 *   <li>once every member of its group is in the room (counted from the occupants' presences; at
 *       most {@code room_wait}, else it leaves without posting), after a random offset within one
 *       interval, posts {@code messages} groupchat messages, one every {@code interval}. The room
 *       reflects each one to every occupant, the sender too: one post is {@code room_size}
 *       deliveries, each timed (TTD) and counted lost when it never arrives;
 *   <li>stays until it has received every post of the room (at most {@code linger} after its own
 *       last one), then leaves the room and logs out.
 * </ol>
 */
public final class MucChat implements Scenario {

  static final Param<Integer> ROOM_SIZE =
      Param.ofInt("room_size", 10, "members of a room; each post reaches all of them").atLeast(2);
  static final Param<Duration> ROOM_WAIT =
      Param.ofDuration(
              "room_wait",
              Duration.ofSeconds(30),
              "longest wait for a group to form, and then for all its members to be in the room")
          .positive();
  static final Param<Integer> MESSAGES =
      Param.ofInt("messages", 10, "groupchat messages each user posts").atLeast(1);
  static final Param<Duration> INTERVAL =
      Param.ofDuration("interval", Duration.ofSeconds(5), "time between two posts of one user")
          .positive()
          .changeable();
  static final Param<Duration> JOIN_RETRY =
      Param.ofDuration(
              "join_retry",
              Duration.ofMillis(100),
              "wait before joining again a room still locked by its creator")
          .positive();
  static final Param<Duration> LINGER =
      Param.ofDuration(
          "linger",
          Duration.ofSeconds(10),
          "longest time in the room after the last post sent, waiting for the others' posts");

  static final String MUC = "http://jabber.org/protocol/muc";
  private Timer join;
  private Counter retries;
  private Counter failed;

  @Override
  public String name() {
    return "muc";
  }

  @Override
  public String description() {
    return "users in rooms post groupchat messages; measures fan-out time-to-delivery and joins";
  }

  @Override
  public List<Param<?>> params() {
    return List.of(ROOM_SIZE, ROOM_WAIT, MESSAGES, INTERVAL, JOIN_RETRY, LINGER);
  }

  @Override
  public void init(RunSetup run) {
    join = run.timer("muc_join", "from the first join presence to the room's self-presence (110)");
    retries = run.counter("muc_join_retries", "joins refused by a room locked by its creator");
    failed =
        run.counter(
            "muc_join_failed", "users that left without posting: refused, or room never full");
  }

  @Override
  public void start(User user) {
    user.flow(
        user::connect,
        user::sendPresence,
        next ->
            user.coordinate(
                "room", user.param(ROOM_SIZE), user.param(ROOM_WAIT), g -> new Member(user, g)));
  }

  /** One user in its room: joins, waits for the others, posts, and leaves once all posts are in. */
  private final class Member {
    final User user;
    final String room;
    final String self;
    final int members;
    final int messages;
    final Set<String> occupants = new HashSet<>();
    final String run;
    long joinStart;
    int due;
    boolean posting;
    boolean sentAll;
    boolean left;

    Member(User user, List<Integer> group) {
      this.user = user;
      String domain = user.jid(user.id()).replaceFirst(".*@", "");
      room = "room-" + Collections.min(group) + "@conference." + domain;
      self = room + "/u" + user.id();
      members = group.size();
      messages = user.param(MESSAGES);
      due = members * messages;
      run = user.stamp().runId();
      user.onStanza(this::onPresence);
      user.onMessage(
          m -> {
            if (m.stamp() != null
                && m.stamp().runId().equals(run)
                && m.from().startsWith(room + "/")) {
              due -= m.delayed() ? 0 : 1;
              leaveOnceAllIn();
            }
          });
      joinStart = user.intendedNanos();
      enter();
      user.after(user.param(ROOM_WAIT), () -> leaveUnlessPosting());
    }

    void enter() {
      user.sendStanza(
          "<presence to='%s'><x xmlns='%s'><history maxstanzas='0'/></x></presence>"
              .formatted(self, MUC));
    }

    void onPresence(Stanza p) {
      if (!"presence".equals(p.kind()) || p.from() == null || !p.from().startsWith(room + "/")) {
        return;
      }
      if ("error".equals(p.type()) && p.from().equals(self)) {
        boolean locked = p.element().path("error", "item-not-found") != null;
        user.count(locked ? retries : failed);
        if (locked) {
          user.after(user.param(JOIN_RETRY), this::enter);
        } else {
          leave();
        }
        return;
      }
      Element x = p.element().child("x", MUC + "#user");
      if (p.type() != null || x == null) {
        return;
      }
      occupants.add(p.from());
      Set<String> codes = new HashSet<>();
      x.children("status").forEach(s -> codes.add(s.attribute("code")));
      if (codes.contains("110") && joinStart != 0) {
        user.record(join, p.receivedAtNanos() - joinStart);
        joinStart = 0;
      }
      if (codes.contains("201")) {
        user.iq( // accept the default configuration: an instant room
            "<iq type='set' to='%s'><query xmlns='%s#owner'><x xmlns='jabber:x:data' type='submit'/>"
                    .formatted(room, MUC)
                + "</query></iq>",
            user.param(ROOM_WAIT),
            null,
            reply -> {});
      }
      if (occupants.size() >= members && occupants.contains(self) && !posting) {
        posting = true;
        post();
      }
    }

    void post() {
      Duration interval = user.param(INTERVAL);
      long offset = new SplittableRandom(user.id()).nextLong(interval.toNanos());
      user.after(
          Duration.ofNanos(offset),
          () ->
              user.repeat(
                  () -> user.param(INTERVAL),
                  messages,
                  i -> user.sendGroupChat(room, "post " + i + " from " + user.id(), members),
                  () -> {
                    sentAll = true;
                    user.after(user.param(LINGER), this::leave);
                    leaveOnceAllIn();
                  }));
    }

    void leaveUnlessPosting() {
      if (!posting && !left) {
        user.count(failed);
        leave();
      }
    }

    void leaveOnceAllIn() {
      if (sentAll && due <= 0) {
        leave();
      }
    }

    void leave() {
      if (!left) {
        left = true;
        user.sendStanza("<presence to='" + self + "' type='unavailable'/>");
        user.finish();
      }
    }
  }
}
