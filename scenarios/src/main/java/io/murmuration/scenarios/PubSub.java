package io.murmuration.scenarios;

import io.murmuration.scenario.Counter;
import io.murmuration.scenario.Element;
import io.murmuration.scenario.IqReply;
import io.murmuration.scenario.Param;
import io.murmuration.scenario.RunSetup;
import io.murmuration.scenario.Scenario;
import io.murmuration.scenario.Stanza;
import io.murmuration.scenario.Timer;
import io.murmuration.scenario.User;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Publish-subscribe (XEP-0060) with time from publish to notification, after amoc-arsenal-xmpp's
 * {@code pubsub_simple}.
 *
 * <p>Each user:
 *
 * <ol>
 *   <li>connects, logs in, sends available presence and waits for the server to reflect it;
 *   <li>joins a group of {@code group_size} users (at most {@code group_wait}); the first member is
 *       the group's publisher, the others its subscribers;
 *   <li>as publisher: creates a node on the PubSub service named after the run and itself (so runs
 *       never share a node), and tells each subscriber it exists; as subscriber: subscribes to it
 *       and tells the publisher it did;
 *   <li>as publisher, once every subscriber has answered: publishes {@code items} items, one every
 *       {@code interval}, each carrying a time-to-delivery stamp, then deletes its node and logs
 *       out once every publication is acknowledged; as subscriber: times each event notification
 *       from the item's intended publish time, and logs out once it has them all (or the node is
 *       deleted).
 * </ol>
 *
 * <p>The "exists" and "subscribed" signals are bodyless messages between group members: they keep
 * every member's steps in order without a coordinator per group.
 */
public final class PubSub implements Scenario {
  static final String PUBSUB = "http://jabber.org/protocol/pubsub";
  static final String EVENT = "http://jabber.org/protocol/pubsub#event";
  static final String SIGNALS = "urn:murmuration:pubsub:0";
  static final Duration IQ_TIMEOUT = Duration.ofSeconds(30);
  static final Duration RETRY_PAUSE = Duration.ofMillis(100);

  static final Param<Integer> GROUP_SIZE =
      Param.ofInt("group_size", 10, "users in a group: one publisher, the others subscribe")
          .atLeast(1);
  static final Param<Duration> GROUP_WAIT =
      Param.ofDuration(
              "group_wait",
              Duration.ofSeconds(30),
              "longest wait for a group to fill before it starts as it is")
          .positive();
  static final Param<Integer> ITEMS =
      Param.ofInt("items", 20, "items each publisher publishes").atLeast(1);
  static final Param<Duration> INTERVAL =
      Param.ofDuration("interval", Duration.ofSeconds(1), "time between two items of a publisher")
          .positive()
          .changeable();
  static final Param<String> SERVICE =
      Param.ofString("service", "", "JID of the PubSub service; empty means pubsub.<domain>");

  private Timer publish;
  private Timer notify;
  private Counter published;
  private Counter notifications;

  @Override
  public String name() {
    return "pubsub";
  }

  @Override
  public String description() {
    return "one publisher per group publishes items to its PubSub node; measures publish to"
        + " notification";
  }

  @Override
  public List<Param<?>> params() {
    return List.of(GROUP_SIZE, GROUP_WAIT, ITEMS, INTERVAL, SERVICE);
  }

  @Override
  public void init(RunSetup run) {
    publish = run.timer("pubsub_publish", "publish IQ round trip, from intended send to result");
    notify = run.timer("pubsub_notify", "from an item's intended publish time to its notification");
    published = run.counter("pubsub_published", "items whose publication the service confirmed");
    notifications = run.counter("pubsub_notifications", "item notifications subscribers received");
  }

  @Override
  public void start(User user) {
    Member member = new Member(user);
    user.onStanza(member::receive);
    user.flow(
        user::connect,
        user::sendPresence,
        next ->
            user.coordinate(
                "group", user.param(GROUP_SIZE), user.param(GROUP_WAIT), member::joined));
  }

  /** One user's part in its group; all its methods run on that user's callbacks. */
  private final class Member {
    private final User user;
    private String service;
    private String node;
    private int publisher;
    private int subscribers;
    private String announced; // the node a publisher said exists, possibly before joined()
    private int answered;
    private int acknowledged;
    private int received;

    Member(User user) {
      this.user = user;
    }

    void joined(List<Integer> group) {
      String domain = user.jid(user.id()).substring(user.jid(user.id()).indexOf('@') + 1);
      String configured = user.param(SERVICE);
      service = configured.isEmpty() ? "pubsub." + domain : configured;
      publisher = group.get(0);
      subscribers = group.size() - 1;
      node = "murm-" + user.stamp().runId() + "-" + publisher;
      if (publisher != user.id()) {
        subscribeOnceAnnounced();
        return;
      }
      // announced even when the creation failed (counted as an error): subscribers then fail too
      retrying("", "<create node='" + node + "'/>", 3, created -> announce(group));
    }

    private void announce(List<Integer> group) {
      group.stream().skip(1).forEach(s -> signal(s, "exists"));
      if (subscribers == 0) {
        publishAll();
      }
    }

    void receive(Stanza stanza) {
      Element signal = stanza.element().child("signal", SIGNALS);
      Element event = stanza.element().child("event", EVENT);
      if (signal != null && "exists".equals(signal.attribute("kind"))) {
        announced = signal.attribute("node");
        subscribeOnceAnnounced();
      } else if (signal != null && node != null && node.equals(signal.attribute("node"))) {
        // "subscribed", sent whether the subscription succeeded or not (a failure is an error)
        if (++answered == subscribers) {
          publishAll();
        }
      } else if (event != null && node != null && event.path("delete") != null) {
        user.finish(); // the publisher is done: nothing more will come
      } else if (event != null && node != null && event.child("items") != null) {
        notified(stanza, event.child("items"));
      }
    }

    private void subscribeOnceAnnounced() {
      if (node == null || !node.equals(announced)) {
        return; // not grouped yet, or not announced yet: the other one calls again
      }
      String subscribe = "<subscribe node='" + node + "' jid='" + user.jid(user.id()) + "'/>";
      pubsubIq("", subscribe, null, reply -> signal(publisher, "subscribed"));
    }

    private void notified(Stanza stanza, Element items) {
      if (!node.equals(items.attribute("node")) || !user.recordDelivery(notify, stanza)) {
        return; // another node's, another run's, or a last item resent with a delay
      }
      int count = items.children("item").size();
      user.count(notifications, count);
      received += count;
      if (received >= user.param(ITEMS)) {
        user.finish();
      }
    }

    private void publishAll() {
      int items = user.param(ITEMS);
      user.repeat(
          () -> user.param(INTERVAL),
          items,
          i -> {
            String item =
                "<publish node='"
                    + node
                    + "'><item id='"
                    + i
                    + "'><entry xmlns='"
                    + SIGNALS
                    + "'>"
                    + user.stamp().xml()
                    + "</entry></item></publish>";
            pubsubIq(
                "",
                item,
                publish,
                reply -> {
                  user.count(published, reply.ok() ? 1 : 0);
                  if (++acknowledged == items) {
                    String delete = "<delete node='" + node + "'/>";
                    retrying("#owner", delete, 3, deleted -> user.finish());
                  }
                });
          },
          () -> {});
    }

    /**
     * A node creation or deletion, sent again (at most {@code attempts} times in all) when the
     * service says to retry later (error type {@code wait}): ejabberd's Mnesia backend does when
     * two such transactions deadlock. Each failed attempt still counts as an error.
     */
    private void retrying(String ns, String payload, int attempts, Consumer<IqReply> then) {
      pubsubIq(
          ns,
          payload,
          null,
          reply -> {
            Element error = reply.ok() || reply.timedOut() ? null : reply.response().element();
            error = error == null ? null : error.child("error");
            if (attempts > 1 && error != null && "wait".equals(error.attribute("type"))) {
              user.after(RETRY_PAUSE, () -> retrying(ns, payload, attempts - 1, then));
            } else {
              then.accept(reply);
            }
          });
    }

    /** A request to the service, in {@code pubsub} or {@code pubsub#owner} (ns {@code #owner}). */
    private void pubsubIq(String ns, String payload, Timer timer, Consumer<IqReply> then) {
      String xml =
          "<iq type='set' to='"
              + service
              + "'><pubsub xmlns='"
              + PUBSUB
              + ns
              + "'>"
              + payload
              + "</pubsub></iq>";
      user.iq(xml, IQ_TIMEOUT, timer, then);
    }

    private void signal(int to, String kind) {
      user.sendStanza(
          "<message to='"
              + user.jid(to)
              + "'><signal xmlns='"
              + SIGNALS
              + "' kind='"
              + kind
              + "' node='"
              + node
              + "'/></message>");
    }
  }
}
