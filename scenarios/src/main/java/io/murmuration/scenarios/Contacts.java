package io.murmuration.scenarios;

import io.murmuration.scenario.Element;
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
 * One user's side of mutual presence subscriptions with the other members of its group (RFC 6121),
 * as the presence-roster and pep scenarios make them: for each member after it, a roster set adding
 * it, then {@code subscribe}; for each member before it, {@code subscribed} to its {@code
 * subscribe}, then the same roster set and {@code subscribe} back. Also empties the user's roster,
 * so that runs repeat alike on the same accounts.
 *
 * <p>Not thread-safe: used on its user's callbacks only.
 */
final class Contacts {
  static final String ROSTER = "jabber:iq:roster";

  private final User user;
  private final Timer rosterSet;
  private final Timer subscription;
  private final Duration iqTimeout;
  private final Map<String, Integer> position = new HashMap<>(); // contact JID → group index
  private final Map<String, Long> subscribeSent = new HashMap<>();
  private final Set<String> subscribedTo = new HashSet<>(); // contacts that said subscribed
  private final Set<String> approved = new HashSet<>(); // contacts this user said subscribed to
  private final List<Stanza> early = new ArrayList<>(); // subscribes before the group was known
  private List<Integer> group = List.of();
  private int self = -1;
  private Runnable afterSubscriptions;

  /**
   * @param rosterSet times each roster set adding a contact, or null
   * @param subscription times each {@code subscribe} to its {@code subscribed}, or null
   */
  Contacts(User user, Timer rosterSet, Timer subscription, Duration iqTimeout) {
    this.user = user;
    this.rosterSet = rosterSet;
    this.subscription = subscription;
    this.iqTimeout = iqTimeout;
  }

  /** The user's group is known: its other members become the contacts to subscribe with. */
  void joined(List<Integer> members) {
    group = members;
    self = group.indexOf(user.id());
    for (int i = 0; i < group.size(); i++) {
      if (i != self) {
        position.put(user.jid(group.get(i)), i);
      }
    }
  }

  /** The group, in the coordinator's order. */
  List<Integer> group() {
    return group;
  }

  /** How many contacts the user has: the group's other members. */
  int count() {
    return position.size();
  }

  boolean isContact(String bareJid) {
    return position.containsKey(bareJid);
  }

  /**
   * Subscribes both ways with every contact, then runs {@code next}; runs it after {@code wait}
   * anyway (a member that failed).
   */
  void subscribe(Duration wait, Runnable next) {
    afterSubscriptions = once(next);
    user.after(wait, afterSubscriptions);
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

  /**
   * Handles a presence about subscriptions: a member's {@code subscribe} (kept until the group is
   * known) or {@code subscribed}. Returns false for what it leaves to the caller: other presences
   * from contacts; true for the rest (handled, or not from a contact).
   */
  boolean onPresence(Stanza stanza) {
    if (self < 0) {
      if ("subscribe".equals(stanza.type())) {
        early.add(stanza);
      }
      return true;
    }
    String contact = stanza.fromBare();
    Integer at = position.get(contact);
    if (at == null) {
      return true;
    }
    if ("subscribe".equals(stanza.type())) {
      user.sendStanza("<presence to='" + contact + "' type='subscribed'/>");
      if (approved.add(contact) && at < self) {
        addThenSubscribe(contact); // subscribe back
      }
      checkSubscribed();
      return true;
    }
    if ("subscribed".equals(stanza.type())) {
      Long sent = subscribeSent.remove(contact);
      if (sent != null) {
        if (subscription != null) {
          user.record(subscription, stanza.receivedAtNanos() - sent);
        }
        subscribedTo.add(contact);
        checkSubscribed();
      }
      return true;
    }
    return false;
  }

  private void addThenSubscribe(String contact) {
    user.iq(
        rosterIq("set", "<item jid='" + contact + "'/>"),
        iqTimeout,
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

  /** Removes every item of the user's roster, then runs {@code next}. */
  void emptyRoster(Runnable next) {
    user.iq(
        rosterIq("get", ""),
        iqTimeout,
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
                iqTimeout,
                null,
                r -> {
                  if (--left[0] == 0) {
                    next.run();
                  }
                });
          }
        });
  }

  private static String rosterIq(String type, String items) {
    return "<iq type='" + type + "'><query xmlns='" + ROSTER + "'>" + items + "</query></iq>";
  }

  /** {@code action}, run at most once however often it is called. */
  static Runnable once(Runnable action) {
    boolean[] ran = {false};
    return () -> {
      if (!ran[0]) {
        ran[0] = true;
        action.run();
      }
    };
  }
}
