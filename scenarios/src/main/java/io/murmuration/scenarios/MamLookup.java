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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 *       last one), its archive is complete: it queries it for the conversation with its partner
 *       since the pair formed (less {@code clock_slack}), {@code page_size} results a page, each
 *       page after the last id of the one before, until the server says {@code complete}. Each
 *       page's round trip is timed on {@code mam_page}, the whole lookup on {@code mam_lookup};
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
  static final Param<Duration> CLOCK_SLACK =
      Param.ofDuration(
          "clock_slack",
          Duration.ofSeconds(5),
          "the lookup starts this long before the pair formed: covers a server clock behind ours");
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
    return List.of(MESSAGES, INTERVAL, PAGE_SIZE, PAIR_WAIT, LINGER, CLOCK_SLACK, QUERY_TIMEOUT);
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
    final String since;
    final String queryId;
    final String run;
    int due;
    boolean sentAll;
    boolean lookingUp;
    long lookupStart;
    int found;

    Archive(User user, int partnerId) {
      this.user = user;
      this.partnerId = partnerId;
      partner = user.jid(partnerId);
      messages = user.param(MESSAGES);
      due = messages;
      since =
          Instant.now().minus(user.param(CLOCK_SLACK)).truncatedTo(ChronoUnit.SECONDS).toString();
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

    void query(String after) {
      String form =
          "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>%s"
                  .formatted(MAM)
              + "</value></field><field var='with'><value>%s</value></field><field var='start'>"
                  .formatted(partner)
              + "<value>%s</value></field></x>".formatted(since);
      String page =
          "<set xmlns='http://jabber.org/protocol/rsm'><max>%d</max>%s</set>"
              .formatted(
                  user.param(PAGE_SIZE), after == null ? "" : "<after>" + after + "</after>");
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
        found += stamp != null && stamp.runId().equals(run) ? 1 : 0;
      }
    }

    void onPage(IqReply reply) {
      Element fin = reply.ok() ? reply.response().element().child("fin", MAM) : null;
      Element last = fin == null ? null : fin.path("set", "last");
      if (fin != null && !"true".equals(fin.attribute("complete")) && last != null) {
        query(last.text());
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
