# Sourced by bench/arsenal.sh when TSUNG=1: Tsung 1.7 runs the MUC and PubSub workloads that
# Murmuration's muc and pubsub rows just ran, against the same ejabberd, with the same users
# (user_1…user_N), the same group sizes, posts and intervals, the same arrival rate. Accounts and
# groups come from a CSV file (Tsung's file_server, read in order: the i-th Tsung user is user_i, in
# group ⌈i / size⌉), so rooms and nodes have exactly Murmuration's membership. Tsung's numbers come
# from its fullstats log (every sample) and the Tsung controller VM is measured from /proc, as in
# bench/vs-tsung.sh. Uses from arsenal.sh: here, work, n, arrival, port, clk, stamp, and the
# muc_* and ps_* settings.

# shellcheck source=bench/lib.sh
source "$here/bench/lib.sh" # sample, pct
# the samples of stat NAME in the fullstats logs of run DIR, sorted, into FILE
tsung_samples() { grep -ho "{sample,$2,[0-9.e+-]*}" "$1"/*/tsung-fullstats.log 2>/dev/null | sed 's/.*,\([^,}]*\)}/\1/' | sort -g > "$3" || true; }

# the CSV of the run: user;password;group;role;start — role: pub for a group's first member, sub for
# the others; start: seconds to wait before the first post, WAIT plus a random offset within one
# INTERVAL (as Murmuration's users start after a random offset), so groups do not post in step
tsung_users() { # SIZE INTERVAL WAIT FILE
  awk -v n="$n" -v g="$1" -v iv="$2" -v w="$3" 'BEGIN { srand(1); for (i = 1; i <= n; i++)
    printf "user_%d;password_%d;%d;%s;%.3f\n", i, i, int((i - 1) / g) + 1, ((i - 1) % g == 0 ? "pub" : "sub"), w + 0.001 + rand() * iv }' > "$4"
}

tsung_config() { # WORKLOAD CSV: the Tsung XML on stdout
  local w="$1" csv="$2" ramp=$(( (n + arrival - 1) / arrival ))
  local wait=$(( ramp + 2 )) # as in tsung_run
  cat <<XML
<?xml version="1.0"?>
<!DOCTYPE tsung SYSTEM "/usr/share/tsung/tsung-1.0.dtd">
<tsung loglevel="warning" version="1.0" backend="fullstats">
  <clients><client host="localhost" use_controller_vm="true" maxusers="$((n + 100))"/></clients>
  <servers><server host="127.0.0.1" port="$port" type="tcp"/></servers>
  <load>
    <arrivalphase phase="1" duration="$(( ramp * 3 / 2 + 1 ))" unit="second">
      <users maxnumber="$n" arrivalrate="$arrival" unit="second"/>
    </arrivalphase>
  </load>
  <options>
    <option type="ts_jabber" name="domain" value="localhost"/>
    <option type="ts_jabber" name="muc_service" value="conference.localhost"/>
    <option type="ts_jabber" name="pubsub_service" value="pubsub.localhost"/>
    <option name="file_server" id="users" value="$csv"/>
  </options>
  <sessions>
    <session probability="100" name="$w" type="ts_jabber" bidi="true">
      <setdynvars sourcetype="file" fileid="users" delimiter=";" order="iter">
        <var name="user"/><var name="pass"/><var name="grp"/><var name="role"/><var name="start"/>
      </setdynvars>
      <request subst="true"><jabber type="connect" ack="parse" regexp="mechanisms"><xmpp_authenticate username="%%_user%%" passwd="%%_pass%%"/></jabber></request>
      <request subst="true"><jabber type="auth_sasl" ack="parse" regexp="success"><xmpp_authenticate username="%%_user%%" passwd="%%_pass%%"/></jabber></request>
      <request><jabber type="connect" ack="parse" regexp="bind"/></request>
      <request><jabber type="auth_sasl_bind" ack="parse" regexp="jid"/></request>
      <request><jabber type="presence:initial" ack="no_ack"/></request>
XML
  if [ "$w" = muc ]; then
    cat <<XML
      <transaction name="muc_join">
        <request subst="true"><jabber type="muc:join" ack="parse" regexp="code=.110." room="tsung-$stamp-%%_grp%%" nick="u%%_user%%"/></request>
      </transaction>
      <thinktime value="%%_start%%"/>
      <for from="1" to="$muc_posts" var="i">
        <request subst="true"><jabber type="muc:chat" ack="no_ack" size="16" stamped="true" room="tsung-$stamp-%%_grp%%"/></request>
        <thinktime value="$muc_interval" random="false"/>
      </for>
      <thinktime value="$(( muc_interval + 2 ))" random="false"/>
      <request subst="true"><jabber type="muc:exit" ack="no_ack" room="tsung-$stamp-%%_grp%%" nick="u%%_user%%"/></request>
XML
  else
    cat <<XML
      <if var="role" eq="pub">
        <transaction name="pubsub_create">
          <request subst="true"><match do="log" when="match" name="iq_error">type=.error.</match><jabber type="pubsub:create" ack="parse" regexp="type=.(result|error)." node="/tsung-$stamp-%%_grp%%"/></request>
        </transaction>
        <thinktime value="%%_start%%"/>
        <for from="1" to="$ps_items" var="i">
          <transaction name="pubsub_publish">
            <request subst="true"><match do="log" when="match" name="iq_error">type=.error.</match><jabber type="pubsub:publish" ack="parse" regexp="type=.(result|error)." size="16" stamped="true" node="/tsung-$stamp-%%_grp%%"/></request>
          </transaction>
          <thinktime value="$ps_interval" random="false"/>
        </for>
      </if>
      <if var="role" eq="sub">
        <thinktime value="1" random="false"/>
        <transaction name="pubsub_subscribe">
          <request subst="true"><match do="log" when="match" name="iq_error">type=.error.</match><jabber type="pubsub:subscribe" ack="parse" regexp="type=.(result|error)." node="/tsung-$stamp-%%_grp%%"/></request>
        </transaction>
        <thinktime value="$(( wait + ps_interval * (ps_items + 1) + 3 ))" random="false"/>
      </if>
XML
  fi
  cat <<XML
      <request><jabber type="close" ack="no_ack"/></request>
    </session>
  </sessions>
</tsung>
XML
}

# Tsung's error counters (names starting error_, timeout) and its "match" count — the only match
# rule is an IQ answered type='error' (pubsub) — summed from its tsung.log totals
tsung_errors() {
  awk '$1 == "stats:" && ($2 ~ /^error/ || $2 == "timeout" || $2 == "match") { last[$2] = $4 } END { s = 0; for (k in last) s += last[k]; print s }' \
    "$1"/*/tsung.log 2>/dev/null || echo "-"
}

tsung_run() { # WORKLOAD (muc or pubsub)
  local w="$1" size
  [ "$w" = muc ] && size=$muc_room || size=$ps_group
  local dir="$work/tsung-$w" id="arsenal$$"
  mkdir -p "$dir"
  local interval; [ "$w" = muc ] && interval=$muc_interval || interval=$ps_interval
  # everyone has arrived and joined before anyone posts: N / arrival seconds, and 2 more
  tsung_users "$size" "$interval" "$(( (n + arrival - 1) / arrival + 2 ))" "$dir/users.csv"
  tsung_config "$w" "$dir/users.csv" > "$dir/tsung.xml"
  echo "tsung -n -i $id -f $dir/tsung.xml -l $dir start" > "$work/tsung-$w.cmd"
  echo "arsenal: tsung-$w: $(cat "$work/tsung-$w.cmd")" >&2
  local epmd_before; epmd_before="$(pgrep -x epmd || true)"
  ERL_EPMD_ADDRESS=127.0.0.1 tsung -n -i "$id" -f "$dir/tsung.xml" -l "$dir" start > "$dir/tsung.out" 2>&1 &
  local launcher=$! pid=""
  for _ in $(seq 1 60); do
    pid="$(pgrep -n -f "beam.*-sname tsung_controller_$id( |\$)" || true)"; [ -n "$pid" ] && break; sleep 0.5
  done
  : > "$dir/proc"; [ -n "$pid" ] && sample "$pid" "$dir/proc" &
  local rc=0; wait "$launcher" || rc=$?
  echo "$rc" > "$work/tsung-$w.rc"
  # Tsung leaves its epmd running: stop it only when this run started it
  local e; for e in $(pgrep -x epmd || true); do
    [[ " $epmd_before " == *" $e "* ]] || kill "$e" 2>/dev/null || true
  done
  local setup_name req_name
  if [ "$w" = muc ]; then setup_name=tr_muc_join; req_name=""; else setup_name=tr_pubsub_subscribe; req_name=tr_pubsub_publish; fi
  tsung_samples "$dir" xmpp_msg_latency "$dir/latency"
  tsung_samples "$dir" "$setup_name" "$dir/setup"
  [ -n "$req_name" ] && tsung_samples "$dir" "$req_name" "$dir/request"
  local expected
  if [ "$w" = muc ]; then expected=$(( n / size * size * muc_posts * size )); else expected=$(( n / size * (size - 1) * ps_items )); fi
  local cpu rss
  cpu="$(tail -n 1 "$dir/proc" 2>/dev/null | awk -v c="$clk" '{ printf "%.2f", $3 / c }')"
  rss="$(awk 'BEGIN{m=0} {if ($1 > m) m = $1} END{printf "%.0f", m / 1024}' "$dir/proc")"
  echo "tsung $w $n ${setup_name#tr_} $(pct "$dir/setup" 50 2) $(pct "$dir/setup" 99 2) \
${req_name:+${req_name#tr_}} $( [ -n "$req_name" ] && echo "$(pct "$dir/request" 50 2) $(pct "$dir/request" 99 2)" || echo "- - -") \
$(pct "$dir/latency" 50 2) $(pct "$dir/latency" 99 2) $(wc -l < "$dir/latency") $expected $(tsung_errors "$dir") $rc \
${cpu:--} $(awk -v c="${cpu:-0}" -v e="$expected" 'BEGIN{ if (c > 0 && e > 0) printf "%.3f", c * 1000 / e; else print "-" }') ${rss:--}" \
    >> "$work/tsung-rows.txt"
}

# the side-by-side table: Murmuration's muc and pubsub runs (their summary.json) and Tsung's
tsung_table() {
  local fmt='%-12s %-7s %-6s %-17s %-8s %-8s %-15s %-8s %-8s %-9s %-9s %-10s %-9s %-6s %-4s %-7s %-9s %s\n'
  echo "Tsung side by side (same server, users, group sizes, post rates; TSUNG=1):"
  printf "$fmt" tool workload users setup "p50 ms" "p99 ms" request "p50 ms" "p99 ms" "deliv p50" "deliv p99" "delivered" expected errors exit "cpu s" "cpu s/1k" "rss MiB"
  local w s
  for w in muc pubsub; do
    s="$work/$w/summary.json"
    if [ -f "$s" ]; then
      jq -r --arg w "$w" '
        def ms(x): if x == null then "-" else (x * 100 | round / 100 | tostring) end;
        (if $w == "muc" then {setup: "muc_join", req: null, d: .ttd_ms, got: .messages.received, exp: .messages.expected}
         else {setup: "-", req: "pubsub_publish", d: .timers_ms.pubsub_notify, got: .counters.pubsub_notifications,
               exp: null} end) as $k
        | [ "murmuration", $w, (.users.target | tostring),
            $k.setup, (if $k.setup == "-" then "-" else ms(.timers_ms[$k.setup].p50) end),
            (if $k.setup == "-" then "-" else ms(.timers_ms[$k.setup].p99) end),
            ($k.req // "-"), (if $k.req then ms(.timers_ms[$k.req].p50) else "-" end),
            (if $k.req then ms(.timers_ms[$k.req].p99) else "-" end),
            ms($k.d.p50), ms($k.d.p99), ($k.got | tostring), ($k.exp // "-" | tostring),
            (.errors_total | tostring), (.exit.code | tostring), (.runner.cpu_s | tostring), "EXP",
            (.runner.rss_peak_mib | round | tostring) ] | @tsv' "$s" \
      | while IFS=$'\t' read -r -a c; do
          local e; if [ "$w" = muc ]; then e=$(( n / muc_room * muc_room * muc_posts * muc_room )); else e=$(( n / ps_group * (ps_group - 1) * ps_items )); fi
          [ "${c[12]}" = "-" ] && c[12]=$e
          c[16]="$(awk -v c="${c[15]}" -v e="$e" 'BEGIN{ if (e > 0) printf "%.3f", c * 1000 / e; else print "-" }')"
          printf "$fmt" "${c[@]}"
        done
    fi
    { grep "^tsung $w " "$work/tsung-rows.txt" || true; } | while read -r -a c; do printf "$fmt" "tsung-1.7" "${c[@]:1}"; done
  done
  echo "(setup: joining the room (muc_join: join presence → own presence with status 110) or, Tsung only, subscribing"
  echo " (pubsub:subscribe → IQ result); request: publish IQ → result; deliv: delivery latency of a post or an item —"
  echo " Murmuration: every delivery, from the intended send time (ttd, pubsub_notify); Tsung: xmpp_msg_latency, from when"
  echo " it wrote the stanza, and only the first stamped stanza of each TCP read, so 'delivered' for Tsung counts samples,"
  echo " not deliveries. expected: what the workload delivers when nothing is lost. cpu s/1k: client CPU per 1,000"
  echo " expected deliveries — Murmuration runner.cpu_s (the JVM's own), Tsung the controller VM's user+system from /proc)"
  echo "Tsung commands:"
  for w in muc pubsub; do [ -f "$work/tsung-$w.cmd" ] && echo "  $(cat "$work/tsung-$w.cmd")"; done
  return 0
}
