package io.murmuration.scenarios;

import io.murmuration.scenario.Counter;
import io.murmuration.scenario.Param;
import io.murmuration.scenario.RunSetup;
import io.murmuration.scenario.Scenario;
import io.murmuration.scenario.Stanza;
import io.murmuration.scenario.Timer;
import io.murmuration.scenario.User;
import java.time.Duration;
import java.util.List;

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

  /** One user's part: its contacts, and the stamped presences still due from them. */
  private final class Member {
    private final User user;
    private final Contacts contacts;
    private int presencesDue;
    private Runnable afterPresences;

    Member(User user) {
      this.user = user;
      this.contacts = new Contacts(user, rosterSet, subscription, user.param(IQ_TIMEOUT));
    }

    void run() {
      user.onStanza(this::onPresence);
      user.flow(
          user::connect,
          contacts::emptyRoster,
          user::sendPresence,
          next ->
              user.coordinate(
                  "roster",
                  user.param(GROUP_SIZE),
                  user.param(GROUP_WAIT),
                  g -> {
                    contacts.joined(g);
                    next.run();
                  }),
          next -> contacts.subscribe(user.param(GROUP_WAIT), next),
          // the group's second meeting point, named after its first member: unique in the run
          next ->
              user.coordinate(
                  "subscribed#" + contacts.group().get(0),
                  contacts.group().size(),
                  user.param(GROUP_WAIT),
                  g -> next.run()),
          this::broadcast,
          contacts::emptyRoster,
          next -> user.finish());
    }

    private void broadcast(Runnable next) {
      afterPresences = Contacts.once(next);
      presencesDue = contacts.count();
      user.count(expected, presencesDue);
      user.sendStanza("<presence>" + user.stamp().xml() + "</presence>");
      user.after(user.param(PRESENCE_WAIT), afterPresences);
      if (presencesDue == 0) {
        afterPresences.run();
      }
    }

    private void onPresence(Stanza stanza) {
      if (!stanza.kind().equals("presence") || contacts.onPresence(stanza)) {
        return;
      }
      // unsubscribe, unavailable, … when a contact cleans up are not stamped
      if (stanza.type() == null && user.recordDelivery(broadcast, stanza)) {
        user.count(received);
        if (--presencesDue == 0) {
          afterPresences.run();
        }
      }
    }
  }
}
