package io.murmuration.scenario;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * One simulated user, as scenario code sees it. Every operation returns at once; the ones that wait
 * take a callback, run later on the same user (never concurrently with its other callbacks).
 *
 * <p>Timing is coordinated-omission aware: each scheduled callback ({@link #after}, {@link
 * #repeat}, {@link #throttled}) knows the time it was <em>meant</em> to run, the runner records how
 * late it actually ran (scheduling lag), and {@link #sendChat} stamps messages with the intended
 * time, so a slow runner shows up as slower delivery, never as missing samples.
 *
 * <p>When a user's connection fails or is lost, the error is counted by kind and the user ends; its
 * pending callbacks are dropped.
 *
 * <p>Every call is entered in the run's books of actions ({@code actions} in {@code summary.json}):
 * planned, done, or not done with the reason. What a user still owes when it ends is not done for
 * the reason it ended (the run stopped, the user was removed or failed, or {@link #finish} was
 * called first); a send while not connected is not done for that reason, and fails the run.
 */
public interface User {

  /** This user's id: unique in the run, and the {@code {id}} of its account name. */
  int id();

  /** The bare JID of user {@code userId} of this run ({@code user_17@localhost}). */
  String jid(int userId);

  /** The current value of a parameter (changeable ones may differ between calls). */
  <T> T param(Param<T> param);

  /**
   * Connects and logs in (registering first when accounts are registered in-band), then runs {@code
   * then}. Connect and login times are recorded.
   */
  void connect(Runnable then);

  /**
   * Registers this user's account in-band (XEP-0077) on a connection of its own, closed after the
   * server's answer, then runs {@code then} with why it failed, or null when the account was
   * created. The reason is {@code conflict} (the account exists already), another error condition
   * the server gave ({@code not-allowed}, {@code resource-constraint}, {@code not-acceptable}, …),
   * {@code timeout} (no answer within the connect timeout), or how the connection failed ({@code
   * connect}, {@code connection-lost}, {@code tls}, {@code stream-error}). A created account's
   * registration, from the current callback's intended time (TCP connect, stream and STARTTLS
   * included) to the server's answer, is recorded on {@code timer} (null: not recorded); a failed
   * one counts as error {@code register} (fails {@code errors.total == 0}), and the user goes on:
   * {@code then} decides. A later {@link #connect} logs in without registering again. Run with
   * {@code --accounts scenario}, so that nothing else creates the accounts first.
   */
  void register(Timer timer, Consumer<String> then);

  /**
   * Sends available presence, then runs {@code then} once the server has reflected it back to this
   * user (RFC 6121 §4.2.2): from then on messages to its bare JID reach it instead of offline
   * storage. No reflection within the connect timeout ends the user with error {@code
   * presence-timeout}. When the scenario declared features with {@link RunSetup#advertise}, the
   * presence carries their entity capabilities (XEP-0115), which is how a server learns that the
   * user wants PEP notifications (XEP-0163).
   */
  void sendPresence(Runnable then);

  /**
   * Sends a chat message to user {@code toUserId}, stamped for time-to-delivery.
   *
   * @return true when it was sent; false when this user is not connected, the run is stopping, or
   *     either user is being removed from the run (a removed user gets no more messages: they would
   *     go to offline storage); then it is entered in the books of actions as not done, for that
   *     reason
   */
  boolean sendChat(int toUserId, String body);

  /**
   * Sends a chat message to user {@code toUserId} that is offline on purpose (its stream closed:
   * the server keeps the message in offline storage and may send a push notification instead):
   * stamped and counted in {@code messages.sent} like {@link #sendChat}, but with no delivery
   * expected, so {@code messages.lost} and the run's drain do not wait for it. Should it arrive
   * during the run after all, it counts as received (or late, from offline storage).
   *
   * @return as for {@link #sendChat}, except that a recipient being removed does not stop it
   */
  boolean sendChatToOffline(int toUserId, String body);

  /**
   * Sends a groupchat message to a MUC room (XEP-0045), stamped for time-to-delivery: each of the
   * {@code recipients} occupants it reaches (the sender too, when the room reflects it) is one
   * delivery, timed as a chat message's, and one that never arrives is lost.
   */
  void sendGroupChat(String roomJid, String body, int recipients);

  /** Sends one stanza given as XML. */
  void sendStanza(String xml);

  /**
   * Sends an IQ request given as XML (an {@code id} is added when it has none) and runs {@code
   * then} with its {@link IqReply}: the response (result or error), or none after {@code timeout}.
   * The round trip, from the current callback's intended time to the response's arrival, is
   * recorded on {@code timer} (null: not recorded). An error response counts as error {@code
   * iq-error} and no response as {@code iq-timeout} (both fail {@code errors.total == 0}), and the
   * user goes on: {@code then} decides.
   */
  void iq(String xml, Duration timeout, Timer timer, Consumer<IqReply> then);

  /**
   * Records {@code nanos} on a timer declared in {@link Scenario#init}. Measure from {@link
   * #intendedNanos()} (or a stanza's {@link Stanza#receivedAtNanos()}), not from a clock read
   * inside a late callback, so runner delays are charged, not hidden.
   */
  void record(Timer timer, long nanos);

  /**
   * Times the arrival of a stanza that carries this run's {@link TtdStamp} (see {@link #stamp()}):
   * records its receive time minus the stamp's intended time on {@code timer} and returns true;
   * returns false, recording nothing, when it carries no stamp of this run or the server marked it
   * delayed.
   */
  boolean recordDelivery(Timer timer, Stanza stanza);

  /** Adds {@code n} to a counter declared in {@link Scenario#init}. */
  void count(Counter counter, long n);

  /** Adds one to a counter declared in {@link Scenario#init}. */
  default void count(Counter counter) {
    count(counter, 1);
  }

  /**
   * The time the current callback was meant to run ({@link System#nanoTime()} scale): a scheduled
   * step's slot, even when it ran late; the arrival time for a callback on something received.
   */
  long intendedNanos();

  /** A time-to-delivery stamp for the current callback's intended time, to embed in a stanza. */
  TtdStamp stamp();

  /**
   * Called for each message this user receives, after the runner has timed it. Optional: the runner
   * records time-to-delivery of stamped messages whether or not a handler is set.
   */
  void onMessage(Consumer<Incoming> handler);

  /** Called for each other stanza this user receives (presence, IQ, messages without body). */
  void onStanza(Consumer<Stanza> handler);

  /** Runs {@code action} once, {@code delay} from now. */
  void after(Duration delay, Runnable action);

  /**
   * Runs {@code action(i)} for i = 0 … times−1, at a fixed rate: the i-th run is meant for start +
   * i × interval (read from {@code interval} before each step, so a changeable parameter takes
   * effect at the next step). {@code times} = 0 means until the user finishes or the run stops.
   * Then runs {@code done}.
   */
  void repeat(Supplier<Duration> interval, int times, IntConsumer action, Runnable done);

  /**
   * Runs {@code action} when the named throttle allows it (see {@link RunSetup#throttle}). Like
   * amoc's {@code send_and_wait}, the user waits for its slot: callbacks that come due meanwhile
   * ({@link #after}, {@link #repeat} steps) run after the action, timed from its slot. So a
   * throttle below the users' demand slows them down instead of piling up requests.
   */
  void throttled(String throttle, Runnable action);

  /**
   * Joins the named coordinator; when {@code groupSize} users have joined it (or {@code timeout}
   * passed since the first of them joined), each member's {@code action} gets the ids of the whole
   * group, itself included, in joining order. A user joins a coordinator once per call.
   *
   * <p>A group that meets again under a name of its own (say, after its first member) writes it as
   * {@code name#qualifier} ({@code "subscribed#" + firstMember}): the books of planned actions
   * count every such coordinator under {@code coordinate:name}, so a run with thousands of groups
   * keeps one line.
   */
  void coordinate(String name, int groupSize, Duration timeout, Consumer<List<Integer>> action);

  /**
   * Enables stream management with resumption (XEP-0198) on the connected stream, then runs {@code
   * then}; from then on the server's acknowledgement requests are answered. A server that refuses
   * ends the user with error {@code sm-failed}.
   */
  void enableResumption(Runnable then);

  /**
   * Cuts this user's connection abruptly (no closing of the stream, as a phone losing its network),
   * stays away for {@code gap}, then reconnects, resumes the stream (XEP-0198) and runs {@code
   * then}; the server resends what it had not seen acknowledged and what arrived for this user
   * meanwhile. The resumption, from the reconnect's intended time to {@code <resumed/>}, is
   * recorded on {@code timer} (null: not recorded). Needs {@link #enableResumption} first; a failed
   * resumption ends the user with error {@code resume-failed}. Nothing may be sent during the gap
   * (it would count as not done, user not connected).
   */
  void interrupt(Duration gap, Timer timer, Runnable then);

  /** Logs out and ends this user. */
  void finish();

  /**
   * Runs {@code steps} one after another, each when the previous one calls its {@code next}: a
   * user's flow written top-down instead of nested callbacks.
   *
   * <pre>{@code
   * user.flow(
   *     user::connect,
   *     user::sendPresence,
   *     next -> user.coordinate("room", size, wait, members -> join(user, members)));
   * }</pre>
   */
  default void flow(Step... steps) {
    flowFrom(steps, 0);
  }

  private void flowFrom(Step[] steps, int at) {
    if (at < steps.length) {
      steps[at].run(() -> flowFrom(steps, at + 1));
    }
  }
}
