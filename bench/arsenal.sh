#!/usr/bin/env bash
# The scenario arsenal against one freshly started local ejabberd 23.01 (plain password storage, SASL
# PLAIN, no TLS, accounts user_1…user_N): every shipped scenario at N users, one after the other, each
# for about 30–60 s, then one table row per scenario from its summary.json — the scenario's key timer
# (p50/p99), what was counted, errors, the exit code, the runner's CPU and peak RSS — and the exact
# command of each run. With TSUNG=1, Tsung 1.7 runs the two workloads it also has (MUC chat and PubSub
# publish) right after Murmuration's, against the same server, with the same users, group sizes and
# post rates, and a second table puts what each tool measures side by side (docs/performance.md says
# what is and is not comparable).
#   bench/arsenal.sh [N]     N users (default 2000)
#   env: ARRIVAL (200 users/s), DURATION (40: seconds, for the open-ended scenarios), CLIENT (lean),
#        SCENARIOS (all: "ping mam-lookup one-to-one muc pubsub pep presence-roster stream-resume
#        registration http-to-xmpp push"; also push-resume, not in the default set: the push
#        registrations a push run leaves slow ejabberd's next <enable/>s, so give each push mode a
#        fresh server), HTTP_RATE (500: sends/s of http-to-xmpp), PUSH_MESSAGES (10: messages each
#        push writer sends, 1 a second),
#        TSUNG (0; 1 = the Tsung comparison too)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-2000}"; arrival="${ARRIVAL:-200}"; duration="${DURATION:-40}"; client="${CLIENT:-lean}"
http_rate="${HTTP_RATE:-500}"; push_messages="${PUSH_MESSAGES:-10}"
tsung_too="${TSUNG:-0}"
all="ping mam-lookup one-to-one muc pubsub pep presence-roster stream-resume registration http-to-xmpp push"
scenarios="${SCENARIOS:-$all}"
needs="jq curl"; [ "$tsung_too" = 1 ] && needs="$needs tsung"
for pkg in $needs; do
  command -v "$pkg" >/dev/null && continue
  [ "$(id -u)" = 0 ] || { echo "arsenal: needs $pkg: apt-get install -y $pkg" >&2; exit 2; }
  apt-get install -y -q "$pkg" >/dev/null
done

t0="$(date +%s)"
stamp="$(date -u +%Y%m%d-%H%M%S)"
work="$here/runs/arsenal/$stamp"; mkdir -p "$work"
clk="$(getconf CLK_TCK)"
echo "arsenal: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(hostname), nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg) at start; N=$n, arrival $arrival/s; files in $work" | tee "$work/header.txt" >&2
"$here/murm" scenarios >/dev/null # builds when needed, outside the measurement

# --- the server ---------------------------------------------------------------------------------
echo "arsenal: starting ejabberd with $n accounts" >&2
"$here/murm" server ejabberd --users "$n" > "$work/server.log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 300); do
  grep -q "run against it" "$work/server.log" && break
  kill -0 "$server" 2>/dev/null || break
  sleep 1
done
port="$(sed -n 's/.*--target 127.0.0.1:\([0-9]*\).*/\1/p' "$work/server.log" | head -n 1)"
[ -n "$port" ] || { echo "arsenal: ejabberd did not start, see $work/server.log" >&2; exit 1; }
target=(--target "127.0.0.1:$port" --domain localhost)
http_api="$(sed -n 's/^HTTP API[^:]*: \(http:[^ ]*\).*/\1/p' "$work/server.log" | head -n 1)"
existing=(--accounts existing --username 'user_{id}' --password 'password_{id}')
# the push scenario's component flags, as the server printed them
read -r -a component <<< "$(sed -n 's/.*push scenario: .* \(-Pcomponent=[^ ]*\) \(-Pcomponent_domain=[^ ]*\) \(-Pcomponent_secret_file=[^ ]*\).*/\1 \2 \3/p' "$work/server.log" | head -n 1)"

# --- one Murmuration run ------------------------------------------------------------------------
# murm NAME ARGS…: runs ./murm run ARGS… with its folder at $work/NAME, prints and keeps the command
murm() {
  local name="$1"; shift
  local cmd=("$here/murm" run "$@" --client "$client" --runs-dir "$work" --run-id "$name" --quiet)
  local a line="./murm run"
  for a in "$@" --client "$client"; do [[ "$a" =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]] && line+=" $a" || line+=" '$a'"; done
  echo "$line" > "$work/$name.cmd"
  echo "arsenal: $name: $(cat "$work/$name.cmd")" >&2
  local rc=0
  "${cmd[@]}" > "$work/$name.out" 2>&1 || rc=$?
  echo "$rc" > "$work/$name.rc"
  [ -f "$work/$name/summary.json" ] || echo "arsenal: $name wrote no summary, see $work/$name.out" >&2
}

# run parameters: kept here so the Tsung side reads the same values
muc_room=10; muc_posts=6; muc_interval=5
ps_group=10; ps_items=20; ps_interval=1
mam_users=$(( n / 4 / 2 * 2 )); [ "$mam_users" -ge 2 ] || mam_users=2
cap="$(( n / arrival + 120 ))s" # a run that ends by itself is stopped after this, whatever happens
# shellcheck source=bench/arsenal-tsung.sh
[ "$tsung_too" = 1 ] && source "$here/bench/arsenal-tsung.sh"

for s in $scenarios; do
  case "$s" in
    ping) murm ping ping "${target[@]}" "${existing[@]}" --users "$n" --arrival-rate "$arrival" \
            --duration "${duration}s" -Ppings=0 -Pinterval=2s ;;
    mam-lookup) murm mam-lookup mam-lookup "${target[@]}" "${existing[@]}" --users "$mam_users" \
            --arrival-rate "$arrival" --duration "$cap" -Pmessages=10 -Pinterval=2s -Ppage_size=10 ;;
    one-to-one) murm one-to-one one-to-one "${target[@]}" "${existing[@]}" --users "$n" \
            --arrival-rate "$arrival" --duration "${duration}s" -Pmessages=0 -Pinterval=2s ;;
    muc) murm muc muc "${target[@]}" "${existing[@]}" --users "$n" --arrival-rate "$arrival" \
            --duration "$cap" -Proom_size=$muc_room -Pmessages=$muc_posts -Pinterval=${muc_interval}s ;;
    pubsub) murm pubsub pubsub "${target[@]}" "${existing[@]}" --users "$n" --arrival-rate "$arrival" \
            --duration "$cap" -Pgroup_size=$ps_group -Pitems=$ps_items -Pinterval=${ps_interval}s ;;
    pep) murm pep pep "${target[@]}" "${existing[@]}" --users "$n" --arrival-rate "$arrival" \
            --duration "$cap" -Pgroup_size=5 -Pitems=10 -Pinterval=2s ;;
    presence-roster) murm presence-roster presence-roster "${target[@]}" "${existing[@]}" --users "$n" \
            --arrival-rate "$(( arrival / 4 > 0 ? arrival / 4 : 1 ))" --duration "$(( n * 4 / arrival + 120 ))s" \
            -Pgroup_size=5 -Piq_timeout=30s ;;
    stream-resume) murm stream-resume stream-resume "${target[@]}" "${existing[@]}" --users "$n" \
            --arrival-rate "$arrival" --duration "$cap" -Pmessages=20 -Pinterval=2s -Pgap=5s ;;
    registration) murm registration registration "${target[@]}" --accounts scenario \
            --first-user "$(( 1000000 + n ))" --users "$n" --arrival-rate "$arrival" --duration "$cap" ;;
    http-to-xmpp) murm http-to-xmpp http-to-xmpp "${target[@]}" "${existing[@]}" --users "$n" \
            --arrival-rate "$arrival" -Purl="$http_api/send_message" -Prate="$http_rate" -Pramp=10s \
            -Phold="${duration}s" -Ponline_wait="$cap" ;;
    push-resume|push) murm "$s" push "${target[@]}" "${existing[@]}" "${component[@]}" --users "$n" \
            --arrival-rate "$arrival" --duration "$cap" -Pmode="$([ "$s" = push ] && echo offline || echo resume)" \
            -Pmessages="$push_messages" -Pinterval=1s ;;
    *) echo "arsenal: unknown scenario $s" >&2; continue ;;
  esac
  if [ "$tsung_too" = 1 ] && { [ "$s" = muc ] || [ "$s" = pubsub ]; }; then tsung_run "$s"; fi
done

# --- the table ----------------------------------------------------------------------------------
# one row from a summary: the key timer, what is counted (jq expression and unit), a note
row() { # name timer count_expr unit note_expr
  local name="$1" timer="$2" count="$3" unit="$4" note="$5" s="$work/$1/summary.json"
  if [ ! -f "$s" ]; then
    printf '%-16s %-6s %-19s %-9s %-9s %-20s %-6s %-4s %-7s %-9s %-8s %s\n' "$name" - "$timer" - - - - \
      "$(cat "$work/$name.rc" 2>/dev/null || echo -)" - - - "no summary.json: see $work/$name.out"
    return
  fi
  jq -r --arg name "$name" --arg t "$timer" --arg unit "$unit" "
    def ms(x): if x == null then \"-\" else (x * 100 | round / 100 | tostring) end;
    (if \$t == \"ttd\" then .ttd_ms else .timers_ms[\$t] end) as \$m
    | ($count) as \$c
    | [ \$name, (.users.target | tostring), \$t, ms(\$m.p50), ms(\$m.p99),
        ((\$c | tostring) + \" \" + \$unit), (.errors_total | tostring), (.exit.code | tostring),
        (.runner.cpu_s | tostring),
        (if \$c > 0 then (.runner.cpu_s * 1000 / \$c * 1000 | round / 1000 | tostring) else \"-\" end),
        (.runner.rss_peak_mib | round | tostring),
        ($note) + (if .errors_total > 0 then \"; errors \" + (.errors | to_entries | map(.key + \" \" + (.value | tostring)) | join(\", \")) else \"\" end) ] | @tsv" "$s" \
  | while IFS=$'\t' read -r -a c; do
      printf '%-16s %-6s %-19s %-9s %-9s %-20s %-6s %-4s %-7s %-9s %-8s %s\n' "${c[@]}"
    done
}
second() { # name timer: a second timer of the same run, on a line of its own
  local s="$work/$1/summary.json"; [ -f "$s" ] || return 0
  jq -r --arg t "$2" 'def ms(x): if x == null then "-" else (x * 100 | round / 100 | tostring) end;
    [ "muc (join)", (.users.target | tostring), $t, ms(.timers_ms[$t].p50), ms(.timers_ms[$t].p99), ((.timers_ms[$t].count | tostring) + " joins") ] | @tsv' "$s" \
  | while IFS=$'\t' read -r -a c; do printf '%-16s %-6s %-19s %-9s %-9s %s\n' "${c[@]}"; done
}

{
  echo
  cat "$work/header.txt"
  printf '%-16s %-6s %-19s %-9s %-9s %-20s %-6s %-4s %-7s %-9s %-8s %s\n' scenario users "key metric" "p50 ms" "p99 ms" \
    counted errors exit "cpu s" "cpu s/1k" "rss MiB" notes
  for s in $scenarios; do
    case "$s" in
      ping) row ping ping_rtt '.timers_ms.ping_rtt.count' pings \
              '"timeouts " + (.counters.ping_timeouts | tostring)' ;;
      mam-lookup) row mam-lookup mam_page '.timers_ms.mam_page.count' pages \
              '"N/4 users (mnesia archive); results " + (.counters.mam_results | tostring) + ", mismatches " + (.counters.mam_mismatch | tostring) + ", lookup p99 " + (.timers_ms.mam_lookup.p99 | tostring) + " ms"' ;;
      one-to-one) row one-to-one ttd '.messages.received' msgs \
              '"sent " + (.messages.sent | tostring) + ", lost " + (.messages.lost | tostring) + ", late " + (.messages.late | tostring)' ;;
      muc) row muc ttd '.messages.received' deliveries \
              '"posts " + (.messages.sent | tostring) + ", lost " + (.messages.lost | tostring) + ", join failed " + (.counters.muc_join_failed | tostring)'
           second muc muc_join ;;
      pubsub) row pubsub pubsub_notify '.counters.pubsub_notifications' notifications \
              '"published " + (.counters.pubsub_published | tostring) + ", publish p99 " + (.timers_ms.pubsub_publish.p99 | tostring) + " ms"' ;;
      pep) row pep pep_notify '.counters.pep_notifications_received' notifications \
              '"expected " + (.counters.pep_notifications_expected | tostring) + ", nodes created " + (.counters.pep_nodes_created | tostring) + ", publish p99 " + (.timers_ms.pep_publish.p99 | tostring) + " ms"' ;;
      presence-roster) row presence-roster presence_broadcast '.counters.presences_received' presences \
              '"arrival N/4 per s, iq_timeout 30s; expected " + (.counters.presences_expected | tostring)' ;;
      stream-resume) row stream-resume resume '.timers_ms.resume.count' resumptions \
              '"msgs received " + (.messages.received | tostring) + " + resent " + (.counters.resumed_deliveries | tostring) + ", lost " + (.messages.lost | tostring) + ", ttd p50/p99 " + (.ttd_ms.p50 | tostring) + "/" + (.ttd_ms.p99 | tostring) + " ms"' ;;
      http-to-xmpp) row http-to-xmpp ttd '.messages.received' msgs \
              '"Gatling, '"$http_rate"'/s after a 10 s ramp; http_response p50/p99 " + (.timers_ms.http_response.p50 | tostring) + "/" + (.timers_ms.http_response.p99 | tostring) + " ms, 2xx " + (.counters.http_2xx | tostring) + ", lost " + (.messages.lost | tostring)' ;;
      push-resume|push) row "$s" push '.counters.pushes' pushes \
              '"N/2 sleepers, " + (.params.mode // "") + "; messages " + (.messages.sent | tostring) + ", missing " + (.counters.push_missing | tostring) + ", extra " + (.counters.push_extra | tostring) + ", with text " + (.counters.push_with_body | tostring) + ", enable p99 " + (.timers_ms.push_enable.p99 | tostring) + " ms"' ;;
      registration) row registration registration '.timers_ms.registration.count' accounts \
              '"fresh ids from '"$(( 1000000 + n ))"'; failures " + (.counters.registration_failures | tostring)' ;;
    esac
  done
  echo "(key metric: the scenario's timer in summary.json, whole run; counted: what the row's work is, cpu s/1k: runner.cpu_s per 1,000"
  echo " of them — per delivered message for one-to-one and muc; rss: runner.rss_peak_mib; errors: errors_total; exit: the run's exit code)"
  echo
  echo "commands (each against ./murm server ejabberd --users $n on 127.0.0.1:$port; run folders $work/<scenario>):"
  for s in $scenarios; do [ -f "$work/$s.cmd" ] && echo "  $(cat "$work/$s.cmd")"; done
  if [ "$tsung_too" = 1 ] && [ -f "$work/tsung-rows.txt" ]; then
    echo
    tsung_table
  fi
  echo
  echo "total time $(( $(date +%s) - t0 )) s"
} | tee "$work/table.txt"
