package io.murmuration.scenarios;

import io.murmuration.scenario.Counter;
import io.murmuration.scenario.Element;
import io.murmuration.scenario.IqReply;
import io.murmuration.scenario.Param;
import io.murmuration.scenario.RunSetup;
import io.murmuration.scenario.Scenario;
import io.murmuration.scenario.Stanza;
import io.murmuration.scenario.Timer;
import io.murmuration.scenario.TtdStamp;
import io.murmuration.scenario.User;
import java.time.Duration;
import java.util.List;

/**
 * Message archive lookups (XEP-0313) paged with result set management (XEP-0059), after
 * amoc-arsenal-xmpp's MAM scenarios.
 *
 * <p>Each user:
 *
 * <ol>
 *   <li>connects, logs in, sends available presence and waits for its reflection;
 *   <li>pairs up with another user (at most {@code pair_wait}; one left alone logs out);
 *   <li>sends {@code messages} chat messages to its partner, one every {@code interval}, so that
 *       both archives hold known content (the server must archive every chat message: ejabberd's
 *       {@code mod_mam} with {@code default: always}, Prosody's {@code mod_mam});
 *   <li>once it has received all of its partner's messages (at most {@code linger} after its own
 *       last one), its archive is complete: it reads its conversation with its partner from the
 *       newest message back, as a client opening a chat does, {@code page_size} results a page,
 *       each page before the first id of the one after it, until a page reaches messages of an
 *       earlier run or the server says {@code complete}. Only archive ids bound the lookup, never a
 *       timestamp, so a server clock that differs from the runner's changes nothing. Each page's
 *       round trip is timed on {@code mam_page}, the whole lookup on {@code mam_lookup};
 *   <li>counts the archived messages of this run (those carrying its time-to-delivery stamp, so
 *       history of earlier runs on the same accounts is never counted) on {@code mam_results}, and
 *       on {@code mam_mismatch} a lookup that found other than the 2 × {@code messages} the pair
 *       sent; then logs out.
 * </ol>
 */
public final class MamLookup implements Scenario {

  static final Param<Integer> MESSAGES =
      Param.ofInt("messages", 20, "chat messages each user sends to its partner").atLeast(1);
  static final Param<Duration> INTERVAL =
      Param.ofDuration("interval", Duration.ofMillis(500), "time between two messages of a user")
          .positive()
          .changeable();
  static final Param<Integer> PAGE_SIZE =
      Param.ofInt("page_size", 10, "results asked for per page (RSM max)").atLeast(1);
  static final Param<Duration> PAIR_WAIT =
      Param.ofDuration("pair_wait", Duration.ofSeconds(30), "longest wait for a partner")
          .positive();
  static final Param<Duration> LINGER =
      Param.ofDuration(
          "linger",
          Duration.ofSeconds(10),
          "longest wait after the last message sent for the partner's messages");
  static final Param<Duration> QUERY_TIMEOUT =
      Param.ofDuration("query_timeout", Duration.ofSeconds(10), "longest wait for one page")
          .positive();

  static final String MAM = "urn:xmpp:mam:2";
  private Timer page;
  private Timer lookup;
  private Counter results;
  private Counter mismatch;

  @Override
  public String name() {
    return "mam-lookup";
  }

  @Override
  public String description() {
    return "pairs chat, then each user pages through its archive; measures MAM page and lookup times";
  }

  @Override
  public List<Param<?>> params() {
    return List.of(MESSAGES, INTERVAL, PAGE_SIZE, PAIR_WAIT, LINGER, QUERY_TIMEOUT);
  }

  @Override
  public void init(RunSetup run) {
    page = run.timer("mam_page", "round trip of one archive page: query to its <fin/> result");
    lookup = run.timer("mam_lookup", "a whole archive lookup: first query to the last page");
    results = run.counter("mam_results", "archived messages of this run found by the lookups");
    mismatch =
        run.counter("mam_mismatch", "lookups that found other than the messages the pair sent");
  }

  @Override
  public void start(User user) {
    user.flow(
        user::connect,
        user::sendPresence,
        next ->
            user.coordinate(
                "pair",
                2,
                user.param(PAIR_WAIT),
                pair -> {
                  if (pair.size() < 2) {
                    user.finish();
                  } else {
                    new Archive(user, pair.get(pair.get(0) == user.id() ? 1 : 0)).chat();
                  }
                }));
  }

  /** One user's conversation with its partner, then the lookup of it in its archive. */
  private final class Archive {
    final User user;
    final String partner;
    final int partnerId;
    final int messages;
    final String queryId;
    final String run;
    int due;
    boolean sentAll;
    boolean lookingUp;
    long lookupStart;
    int found;
    boolean earlierRun;

    Archive(User user, int partnerId) {
      this.user = user;
      this.partnerId = partnerId;
      partner = user.jid(partnerId);
      messages = user.param(MESSAGES);
      due = messages;
      queryId = "mam-" + user.id();
      run = user.stamp().runId();
      user.onMessage(
          m -> {
            if (!m.delayed() && m.from() != null && m.from().startsWith(partner + "/")) {
              due--;
              lookUpOnceAllIn();
            }
          });
      user.onStanza(this::onResult);
    }

    void chat() {
      user.repeat(
          () -> user.param(INTERVAL),
          messages,
          i -> user.sendChat(partnerId, "message " + i + " from " + user.id()),
          () -> {
            sentAll = true;
            user.after(
                user.param(LINGER),
                () -> {
                  due = 0; // the partner failed: look up what there is
                  lookUpOnceAllIn();
                });
          });
    }

    void lookUpOnceAllIn() {
      if (sentAll && due <= 0 && !lookingUp) {
        lookingUp = true;
        lookupStart = user.intendedNanos();
        query(null);
      }
    }

    /** One page of the conversation, newest first: the last page, or the one before {@code id}. */
    void query(String before) {
      String form =
          "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>%s"
                  .formatted(MAM)
              + "</value></field><field var='with'><value>%s</value></field></x>"
                  .formatted(partner);
      String page =
          "<set xmlns='http://jabber.org/protocol/rsm'><max>%d</max>%s</set>"
              .formatted(
                  user.param(PAGE_SIZE),
                  before == null ? "<before/>" : "<before>" + before + "</before>");
      user.iq(
          "<iq type='set'><query xmlns='%s' queryid='%s'>%s%s</query></iq>"
              .formatted(MAM, queryId, form, page),
          user.param(QUERY_TIMEOUT),
          MamLookup.this.page,
          this::onPage);
    }

    /** A result of this lookup: its messages come before the IQ result that ends the page. */
    void onResult(Stanza s) {
      Element result = s.element().child("result", MAM);
      if (result != null && queryId.equals(result.attribute("queryid"))) {
        TtdStamp stamp = s.stamp();
        if (stamp != null && stamp.runId().equals(run)) {
          found++;
        } else {
          earlierRun = true;
        }
      }
    }

    void onPage(IqReply reply) {
      Element fin = reply.ok() ? reply.response().element().child("fin", MAM) : null;
      Element first = fin == null ? null : fin.path("set", "first");
      if (fin != null
          && !"true".equals(fin.attribute("complete"))
          && !earlierRun
          && first != null) {
        query(first.text());
        return;
      }
      if (fin != null) {
        user.record(lookup, reply.response().receivedAtNanos() - lookupStart);
      }
      user.count(results, found);
      if (fin == null || found != 2 * messages) {
        user.count(mismatch);
      }
      user.finish();
    }
  }
}
