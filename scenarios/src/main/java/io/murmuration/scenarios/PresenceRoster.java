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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rosters, presence subscriptions and presence broadcast (RFC 6121), after amoc-arsenal-xmpp's
 * roster scenarios.
 *
 * <p>Each user:
 *
 * <ol>
 *   <li>connects, logs in and empties its roster (removes every item an earlier run left), so that
 *       every run starts alike; sends available presence and waits for its reflection;
 *   <li>joins a group of {@code group_size} users ({@code group_wait} at most);
 *   <li>for each member after it in the group: adds it to its roster (roster set IQ) and sends it
 *       {@code subscribe}; for each member before it, waits for its {@code subscribe}, answers
 *       {@code subscribed}, adds it and subscribes back; every {@code subscribe} from a member is
 *       answered {@code subscribed};
 *   <li>when it is subscribed to every member and every member to it, waits for the whole group to
 *       be (else the server's presence probes, sent as subscriptions complete, would answer with an
 *       early stamped presence and count it twice), then sends an available presence stamped with
 *       its intended send time;
 *   <li>waits until the stamped presence of every member has arrived ({@code presence_wait} at
 *       most), removes every member from its roster (which ends the subscriptions) and logs out.
 * </ol>
 *
 * <p>Metrics: {@code roster_set} (an item's roster set IQ, round trip), {@code subscription} (from
 * sending {@code subscribe} to receiving {@code subscribed}), {@code presence_broadcast} (a stamped
 * presence from its sender's intended send time to each contact); {@code presences_expected} and
 * {@code presences_received} count the stamped presences due from contacts and those that came:
 * equal when every contact saw every presence.
 */
public final class PresenceRoster implements Scenario {

  static final Param<Integer> GROUP_SIZE =
      Param.ofInt("group_size", 5, "users in a group; each adds the others to its roster")
          .atLeast(2);
  static final Param<Duration> GROUP_WAIT =
      Param.ofDuration(
              "group_wait",
              Duration.ofSeconds(30),
              "longest wait for a group to fill, or for all its subscriptions")
          .positive();
  static final Param<Duration> PRESENCE_WAIT =
      Param.ofDuration(
              "presence_wait",
              Duration.ofSeconds(10),
              "longest wait for the contacts' presences after sending one's own")
          .positive();
  static final Param<Duration> IQ_TIMEOUT =
      Param.ofDuration("iq_timeout", Duration.ofSeconds(5), "longest wait for a roster IQ's answer")
          .positive();

  static final String ROSTER = "jabber:iq:roster";

  private Timer rosterSet;
  private Timer subscription;
  private Timer broadcast;
  private Counter expected;
  private Counter received;

  @Override
  public String name() {
    return "presence-roster";
  }

  @Override
  public String description() {
    return "users in groups subscribe to each other's presence; measures roster sets,"
        + " subscriptions and presence broadcast to contacts";
  }

  @Override
  public List<Param<?>> params() {
    return List.of(GROUP_SIZE, GROUP_WAIT, PRESENCE_WAIT, IQ_TIMEOUT);
  }

  @Override
  public void init(RunSetup run) {
    rosterSet = run.timer("roster_set", "a roster set IQ adding a contact, round trip");
    subscription =
        run.timer("subscription", "from sending subscribe to a contact to its subscribed");
    broadcast =
        run.timer("presence_broadcast", "a stamped presence, from its sending to each contact");
    expected = run.counter("presences_expected", "stamped presences due from contacts");
    received = run.counter("presences_received", "stamped presences received from contacts");
  }

  @Override
  public void start(User user) {
    new Member(user).run();
  }

  /** One user's part: its group, and how far each subscription has come. */
  private final class Member {
    private final User user;
    private final Map<String, Integer> position = new HashMap<>(); // contact JID → group index
    private final Map<String, Long> subscribeSent = new HashMap<>();
    private final Set<String> subscribedTo = new HashSet<>(); // contacts that said subscribed
    private final Set<String> approved = new HashSet<>(); // contacts this user said subscribed to
    private final List<Stanza> early = new ArrayList<>(); // subscribes before the group was known
    private List<Integer> group = List.of();
    private int self = -1;
    private int presencesDue;
    private Runnable afterSubscriptions;
    private Runnable afterPresences;

    Member(User user) {
      this.user = user;
    }

    void run() {
      user.onStanza(this::onPresence);
      user.flow(
          user::connect,
          this::emptyRoster,
          user::sendPresence,
          next ->
              user.coordinate(
                  "roster", user.param(GROUP_SIZE), user.param(GROUP_WAIT), g -> joined(g, next)),
          this::subscribe,
          // the group's second meeting point, named after its first member: unique in the run
          next ->
              user.coordinate(
                  "subscribed#" + group.get(0),
                  group.size(),
                  user.param(GROUP_WAIT),
                  g -> next.run()),
          this::broadcast,
          this::emptyRoster,
          next -> user.finish());
    }

    private void joined(List<Integer> members, Runnable next) {
      group = members;
      self = group.indexOf(user.id());
      for (int i = 0; i < group.size(); i++) {
        if (i != self) {
          position.put(user.jid(group.get(i)), i);
        }
      }
      next.run();
    }

    private void subscribe(Runnable next) {
      afterSubscriptions = once(next);
      user.after(user.param(GROUP_WAIT), afterSubscriptions); // a member that failed
      position.forEach(
          (contact, at) -> {
            if (at > self) {
              addThenSubscribe(contact);
            }
          });
      early.forEach(this::onPresence);
      early.clear();
      checkSubscribed();
    }

    private void addThenSubscribe(String contact) {
      String item = "<item jid='" + contact + "'/>";
      user.iq(
          rosterIq("set", item),
          user.param(IQ_TIMEOUT),
          rosterSet,
          reply -> {
            subscribeSent.put(contact, user.intendedNanos());
            user.sendStanza("<presence to='" + contact + "' type='subscribe'/>");
          });
    }

    private void checkSubscribed() {
      if (subscribedTo.size() == position.size() && approved.size() == position.size()) {
        afterSubscriptions.run();
      }
    }

    private void broadcast(Runnable next) {
      afterPresences = once(next);
      presencesDue = position.size();
      user.count(expected, presencesDue);
      user.sendStanza("<presence>" + user.stamp().xml() + "</presence>");
      user.after(user.param(PRESENCE_WAIT), afterPresences);
      if (presencesDue == 0) {
        afterPresences.run();
      }
    }

    private void onPresence(Stanza stanza) {
      if (!stanza.kind().equals("presence")) {
        return;
      }
      if (self < 0) {
        if ("subscribe".equals(stanza.type())) {
          early.add(stanza);
        }
        return;
      }
      String contact = stanza.fromBare();
      Integer at = position.get(contact);
      if (at == null) {
        return;
      }
      switch (stanza.type() == null ? "available" : stanza.type()) {
        case "subscribe" -> {
          user.sendStanza("<presence to='" + contact + "' type='subscribed'/>");
          if (approved.add(contact) && at < self) {
            addThenSubscribe(contact); // subscribe back
          }
          checkSubscribed();
        }
        case "subscribed" -> {
          Long sent = subscribeSent.remove(contact);
          if (sent != null) {
            user.record(subscription, stanza.receivedAtNanos() - sent);
            subscribedTo.add(contact);
            checkSubscribed();
          }
        }
        case "available" -> {
          if (user.recordDelivery(broadcast, stanza)) {
            user.count(received);
            if (--presencesDue == 0) {
              afterPresences.run();
            }
          }
        }
        default -> {} // unsubscribe, unavailable, … when a contact cleans up
      }
    }

    /** Removes every item of this user's roster, then runs {@code next}. */
    private void emptyRoster(Runnable next) {
      Duration timeout = user.param(IQ_TIMEOUT);
      user.iq(
          rosterIq("get", ""),
          timeout,
          null,
          reply -> {
            Element query = reply.ok() ? reply.response().element().child("query", ROSTER) : null;
            List<Element> items = query == null ? List.of() : query.children("item");
            int[] left = {items.size()};
            if (left[0] == 0) {
              next.run();
            }
            for (Element item : items) {
              String remove = "<item jid='" + item.attribute("jid") + "' subscription='remove'/>";
              user.iq(
                  rosterIq("set", remove),
                  timeout,
                  null,
                  r -> {
                    if (--left[0] == 0) {
                      next.run();
                    }
                  });
            }
          });
    }
  }

  private static String rosterIq(String type, String items) {
    return "<iq type='" + type + "'><query xmlns='" + ROSTER + "'>" + items + "</query></iq>";
  }

  /** {@code action}, run at most once however often it is called. */
  private static Runnable once(Runnable action) {
    boolean[] ran = {false};
    return () -> {
      if (!ran[0]) {
        ran[0] = true;
        action.run();
      }
    };
  }
}
