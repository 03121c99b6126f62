package io.murmuration.scenario;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * What {@link Scenario#init} can do: read parameters, declare the run's shared throttles, the
 * scenario's own metrics and an HTTP load, and start the run's push app server. {@link #record} and
 * {@link #count} also work later, from the push app server's callback and from {@link
 * Scenario#terminate}.
 */
public interface RunSetup {

  <T> T param(Param<T> param);

  /** The number of users the load profile will start (before any added during the run). */
  int users();

  /**
   * Declares a throttle: a named rate, in actions per second, shared by all users of the run. A
   * rate of 0 means no limit. The rate can change during the run ({@code throttle NAME RATE}).
   */
  void throttle(String name, double perSecond);

  /**
   * Declares a {@link Timer}: from then on users record into it, and it is reported with the
   * runner's own metrics. Declaring one name twice, or a name the scenario uses for a counter, is
   * an error.
   */
  Timer timer(String name, String description);

  /**
   * Declares a service discovery feature (XEP-0030) that every user of the run advertises, e.g.
   * {@code urn:xmpp:tune+notify} to receive that node's PEP notifications (XEP-0163). Once a
   * scenario declares one, {@link User#sendPresence} carries entity capabilities (XEP-0115) and
   * users answer disco#info with these features besides the ones they always have ({@code
   * disco#info}, {@code urn:xmpp:ping}). All users share one capabilities hash, so a server that
   * verifies it asks one user, once.
   *
   * @throws IllegalArgumentException when {@code feature} is blank or holds {@code < > & ' "}
   */
  void advertise(String feature);

  /** Declares a {@link Counter}, reported as a total and a rate; names as for {@link #timer}. */
  Counter counter(String name, String description);

  /**
   * Records {@code nanos} on a declared timer from outside any user: from the push app server's
   * callback or {@link Scenario#terminate}. Thread-safe. Inside a user's callbacks use {@link
   * User#record}, which also keeps the user's wire apart in a mixed run.
   */
  void record(Timer timer, long nanos);

  /** Adds {@code n} to a declared counter from outside any user; as {@link #record}. */
  void count(Counter counter, long n);

  /**
   * Starts the run's push app server (XEP-0357), standing in for a real one such as MongoosePush:
   * an external component (XEP-0114) of the server under test, one connection for the run, opened
   * now (before any user starts) and closed after the run. It authenticates as {@code domain} with
   * the shared secret read from {@code secretFile} (its first line); users name {@code domain} in
   * their {@code <enable xmlns='urn:xmpp:push:0' jid='…' node='…'/>}.
   *
   * <p>Each PubSub publish the server sends it is answered with an IQ result at once (a server
   * drops a user's push registration when its app server answers with an error) and then handed to
   * {@code onPush} as a {@link PushNotification}, on the app server's network thread: the callback
   * must be quick and must not block. Other IQ requests are answered {@code service-unavailable}.
   * Losing the connection during the run fails the run.
   *
   * <p>Call it once, from {@link Scenario#init}. A run spread over worker nodes ({@code --nodes})
   * refuses it: the server would hand one node's pushes to another node's connection, whose clock
   * means nothing to the first.
   *
   * @param component the server's component listener, {@code host:port}
   * @throws IllegalArgumentException when {@code component}, {@code domain} or the secret file is
   *     not usable, with a message naming the parameter to fix
   * @throws IllegalStateException when the app server cannot connect or the server refuses its
   *     handshake, or the run cannot have one; the message is one line naming the fix
   */
  void pushAppServer(
      String component, String domain, Path secretFile, Consumer<PushNotification> onPush);

  /**
   * Declares the run's HTTP load: messages posted to a chat server's HTTP send API by Gatling, in a
   * child process, for the run's users to receive ({@link HttpLoad}). The recipients are the users
   * the run starts with ({@link #users()}, ids from {@code --first-user}), send {@code k} addressed
   * to the k-th of them in turn and sent in the name of the next one. With it the runner declares
   * the load's metrics: timer {@code http_response}, counters {@code http_requests} and {@code
   * http_2xx}, and errors {@code http-<status>} for other statuses, {@code http-timeout}, {@code
   * http-refused} and {@code http-failed} for requests without a response; each 2xx response is a
   * message sent, to be delivered once. Nothing is sent until a user calls {@link
   * HttpLoad.Starter#start()} on what this returns (say, once every recipient is online). The
   * load's end stops the run (the usual drain follows); a run that stops first stops the load.
   *
   * @throws IllegalArgumentException when the load cannot run, naming why and the fix: one was
   *     declared already, the run is spread over worker nodes, it has fewer than 2 users, a user's
   *     JID cannot go into a request, or Gatling's class path is unknown
   */
  HttpLoad.Starter httpLoad(HttpLoad load);
}
