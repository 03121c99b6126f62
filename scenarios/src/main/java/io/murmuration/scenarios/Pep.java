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
import java.util.List;

/**
 * Personal Eventing Protocol (XEP-0163): each user publishes to a node of its own account and its
 * contacts are notified, because their entity capabilities (XEP-0115) list {@code NODE+notify}.
 *
 * <p>Each user:
 *
 * <ol>
 *   <li>connects, logs in, empties its roster (see presence-roster) and sends presence, which
 *       carries the run's capabilities ({@link RunSetup#advertise}); the server asks one user for
 *       them (disco#info) and learns that users want the node's notifications;
 *   <li>asks its account for its PEP nodes (disco#items) and, only when {@value #NODE} is not one
 *       of them, creates it in its turn: all users of the run take turns in the order they met
 *       (each tells the next once its creation is answered, or the next goes on after {@code
 *       group_wait}), because ejabberd with Mnesia fails node creations that run at once
 *       (internal-server-error, a lock conflict it does not retry). Nodes are kept after the run,
 *       so a run on the same accounts creates none;
 *   <li>joins a group of {@code group_size} users and subscribes both ways to every other member's
 *       presence, as in presence-roster;
 *   <li>once the whole group is subscribed, sends presence again, so that each member's session has
 *       its contacts' capabilities, and waits for the whole group once more;
 *   <li>publishes {@code items} items to its node, one every {@code interval}, each carrying a
 *       time-to-delivery stamp (item ids 0 … items−1, so runs replace the items of the previous
 *       one); times each notification from a contact;
 *   <li>once it has every item of every contact ({@code group_wait} at most) and the whole group
 *       has too, empties its roster and logs out, so runs repeat alike on the same accounts.
 * </ol>
 *
 * <p>Metrics: {@code pep_publish} (publish IQ round trip), {@code pep_notify} (an item's intended
 * publish time to each contact's notification); {@code pep_notifications_expected} and {@code
 * pep_notifications_received}, equal when every contact got every item; {@code pep_nodes_created}.
 */
public final class Pep implements Scenario {
  static final String NODE = "urn:xmpp:murmuration:pep:0";
  static final String PUBSUB = "http://jabber.org/protocol/pubsub";
  static final String EVENT = "http://jabber.org/protocol/pubsub#event";
  static final String DISCO_ITEMS = "http://jabber.org/protocol/disco#items";

  static final Param<Integer> GROUP_SIZE =
      Param.ofInt("group_size", 5, "users in a group; each is a contact of the others").atLeast(2);
  static final Param<Duration> GROUP_WAIT =
      Param.ofDuration(
              "group_wait",
              Duration.ofSeconds(30),
              "longest wait for a group to fill, for a turn to create a node, for subscriptions,"
                  + " or for items")
          .positive();
  static final Param<Integer> ITEMS =
      Param.ofInt("items", 10, "items each user publishes to its node").atLeast(1);
  static final Param<Duration> INTERVAL =
      Param.ofDuration("interval", Duration.ofSeconds(1), "time between two items of a user")
          .positive()
          .changeable();
  static final Param<Duration> IQ_TIMEOUT =
      Param.ofDuration("iq_timeout", Duration.ofSeconds(10), "longest wait for an IQ's answer")
          .positive();

  private int users;
  private Timer publish;
  private Timer notify;
  private Counter expected;
  private Counter received;
  private Counter created;

  @Override
  public String name() {
    return "pep";
  }

  @Override
  public String description() {
    return "users in groups publish to their own PEP node; measures publish to each contact's"
        + " notification";
  }

  @Override
  public List<Param<?>> params() {
    return List.of(GROUP_SIZE, GROUP_WAIT, ITEMS, INTERVAL, IQ_TIMEOUT);
  }

  @Override
  public void init(RunSetup run) {
    run.advertise(NODE + "+notify");
    users = run.users();
    publish = run.timer("pep_publish", "publish IQ round trip, from intended send to result");
    notify = run.timer("pep_notify", "from an item's intended publish time to a contact");
    expected = run.counter("pep_notifications_expected", "item notifications due from contacts");
    received = run.counter("pep_notifications_received", "item notifications from contacts");
    created = run.counter("pep_nodes_created", "nodes this run created (absent before it)");
  }

  @Override
  public void start(User user) {
    new Member(user).run();
  }

  /** One user's part: its node, its contacts, and the notifications still due from them. */
  private final class Member {
    private final User user;
    private final Contacts contacts;
    private boolean nodeExists;
    private boolean turnGiven; // the previous user's turn ended, possibly before this one's order
    private Runnable turn;
    private int due;
    private Runnable afterItems;

    Member(User user) {
      this.user = user;
      this.contacts = new Contacts(user, null, null, user.param(IQ_TIMEOUT));
    }

    void run() {
      user.onStanza(this::receive);
      user.flow(
          user::connect,
          contacts::emptyRoster,
          user::sendPresence,
          this::findNode,
          next -> user.coordinate("nodes", users, user.param(GROUP_WAIT), o -> inTurn(o, next)),
          next -> meet("pep", next),
          next -> contacts.subscribe(user.param(GROUP_WAIT), next),
          next -> meet("subscribed#" + contacts.group().get(0), next),
          user::sendPresence, // now to contacts: each session learns their capabilities
          next -> meet("caps#" + contacts.group().get(0), next),
          this::publishAndAwait,
          next -> meet("done#" + contacts.group().get(0), next),
          contacts::emptyRoster,
          next -> user.finish());
    }

    /** Asks the account for its PEP nodes: is {@value #NODE} among them (an earlier run's)? */
    private void findNode(Runnable next) {
      String query = "<query xmlns='" + DISCO_ITEMS + "'/>";
      user.iq(
          "<iq type='get' to='" + user.jid(user.id()) + "'>" + query + "</iq>",
          user.param(IQ_TIMEOUT),
          null,
          reply -> {
            Element items = reply.ok() ? reply.response().element().child("query") : null;
            nodeExists =
                items != null
                    && items.children("item").stream()
                        .anyMatch(item -> NODE.equals(item.attribute("node")));
            next.run();
          });
    }

    /** Creates the node if missing once the previous user of {@code order} has, then goes on. */
    private void inTurn(List<Integer> order, Runnable next) {
      int at = order.indexOf(user.id());
      Runnable done =
          () -> {
            if (at + 1 < order.size()) {
              user.sendStanza(
                  "<message to='"
                      + user.jid(order.get(at + 1))
                      + "'><turn xmlns='"
                      + NODE
                      + "'/></message>");
            }
            next.run();
          };
      turn = Contacts.once(() -> createIfMissing(done));
      if (at == 0 || turnGiven) {
        turn.run();
      } else {
        user.after(user.param(GROUP_WAIT), turn); // the previous user failed: go on anyway
      }
    }

    private void createIfMissing(Runnable next) {
      if (nodeExists) {
        next.run();
        return;
      }
      user.iq(
          pubsub("<create node='" + NODE + "'/>"),
          user.param(IQ_TIMEOUT),
          null,
          reply -> {
            if (reply.ok()) {
              user.count(created);
            }
            next.run();
          });
    }

    /** Waits for the group (the first time: joins one), named after its first member. */
    private void meet(String name, Runnable next) {
      boolean first = contacts.group().isEmpty();
      int size = first ? user.param(GROUP_SIZE) : contacts.group().size();
      user.coordinate(
          name,
          size,
          user.param(GROUP_WAIT),
          group -> {
            if (first) {
              contacts.joined(group);
              due = user.param(ITEMS) * contacts.count(); // contacts may publish before this user
              user.count(expected, due);
            }
            next.run();
          });
    }

    private void publishAndAwait(Runnable next) {
      int items = user.param(ITEMS);
      afterItems = Contacts.once(next);
      int[] acknowledged = {0};
      Runnable published =
          () -> {
            if (++acknowledged[0] == items) { // the last notifications are on their way
              user.after(user.param(GROUP_WAIT), afterItems);
              if (due <= 0) {
                afterItems.run();
              }
            }
          };
      user.repeat(
          () -> user.param(INTERVAL),
          items,
          i -> {
            String item =
                "<publish node='"
                    + NODE
                    + "'><item id='"
                    + i
                    + "'><entry xmlns='"
                    + NODE
                    + "'>"
                    + user.stamp().xml()
                    + "</entry></item></publish>";
            user.iq(pubsub(item), user.param(IQ_TIMEOUT), publish, reply -> published.run());
          },
          () -> {});
    }

    private void receive(Stanza stanza) {
      if (stanza.element().child("turn", NODE) != null) {
        turnGiven = true;
        if (turn != null) {
          turn.run();
        }
        return;
      }
      if (stanza.kind().equals("presence")) {
        contacts.onPresence(stanza); // available presences need nothing more
        return;
      }
      Element event = stanza.element().child("event", EVENT);
      Element items = event == null ? null : event.child("items");
      if (items == null
          || !NODE.equals(items.attribute("node"))
          || !contacts.isContact(stanza.fromBare())
          || !user.recordDelivery(notify, stanza)) {
        return; // its own items, a deletion, another run's item, a last item resent with delay
      }
      user.count(received);
      if (--due == 0 && afterItems != null) {
        afterItems.run();
      }
    }
  }

  /** A request to the user's own PEP service (no {@code to}: its bare JID). */
  private static String pubsub(String payload) {
    return "<iq type='set'><pubsub xmlns='" + PUBSUB + "'>" + payload + "</pubsub></iq>";
  }
}
