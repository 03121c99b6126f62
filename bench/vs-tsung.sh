#!/usr/bin/env bash
# Side-by-side benchmark: Tsung 1.7 and Murmuration, one after the other, against the same freshly
# started local ejabberd (plain password storage, SASL PLAIN, no TLS), on the same schedule.
#
# Chat (the default): N users arrive at ARRIVAL/s (over ramp = ceil(N/ARRIVAL) s), log in and send
# presence, then each waits ramp seconds — so that everyone has logged in before anyone chats — and
# sends loops = DURATION/interval chat messages, one every interval = N/RATE s (RATE messages/s in
# all), then leaves. Tsung: a think time of ramp s after presence, a <for> loop of chats to a random
# online user, a 5-s think time, close. Murmuration: one-to-one with -Pmessages=loops and
# -Pstart_delay=ramp (counted from the start of the user's bucket of 10, which fills within 10
# arrivals); the run ends once every user has sent its messages and received its neighbours'
# (-Plinger=interval + 10 s: a bucket's members start up to one interval apart, and each waits for
# its neighbours' last messages; --duration, 2×ramp + DURATION + 60 s — room for the linger and for a
# last bucket short of 10,
# which waits bucket_wait, 30 s — is only a safety stop: a run it stops says so). Both tools
# send exactly N × loops messages, and both TTDs cover the same schedule: no chat during the arrival
# phase. TTD: Tsung's xmpp_msg_latency samples (fullstats backend), Murmuration's summary.json.
#
# Login capacity (LOGINS="250 500 1000 2000", arrival rates): for each N and each rate, each tool only
# logs its N users in (connect, auth, bind, presence), holds the session, and leaves; one row per
# tool × rate. The hold is 2×ramp + 5 s from each user's own login, so that all N are online
# together even when logins run at half the asked rate: logins/s is measured when the session count
# reaches N (a tool slower than that shows "-"; the "sessions" column shows the peak). Tsung: the chat
# session without its loop. Murmuration: one-to-one in pairs with -Pmessages=1
# -Pstart_delay=<hold>: login, presence, the hold, then one message to its partner before leaving
# (the scenario closest to Tsung's: `ping` sends no presence and holds a random time).
#
# Tsung's arrival phase lasts 2×ramp + 5 s, capped at N users: a Tsung that launches users slower
# than asked still launches all N (a phase of 1.5×ramp + 1 s left 2 of 200 out at 200/s).
#
# Both clients are measured the same way, from outside: /proc/PID of the Tsung controller VM and of
# the runner JVM, sampled every second (peak RSS, peak OS threads, CPU over the process's whole
# life). Logins/s: ejabberd's session count (HTTP API) sampled every 0.2 s, N over the time from the
# first new session to the N-th; it is capped by the arrival rate, which is what LOGINS raises.
#   bench/vs-tsung.sh [N ...]    env: RATE (1000), DURATION (60), ARRIVAL (250), CLIENT (lean),
#                                     TOOLS ("tsung murmuration"), LOGINS (unset: chat)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rate="${RATE:-1000}"; duration="${DURATION:-60}"; arrival="${ARRIVAL:-250}"
client="${CLIENT:-lean}"; tools="${TOOLS:-tsung murmuration}"
read -r -a logins <<< "${LOGINS:-}"
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(2000 10000)
for pkg in tsung jq curl; do
  command -v "$pkg" >/dev/null && continue
  [ "$(id -u)" = 0 ] || { echo "bench: needs $pkg: apt-get install -y $pkg" >&2; exit 2; }
  apt-get install -y -q "$pkg" >/dev/null
done
work="$here/runs/vs-tsung/$(date -u +%Y%m%d-%H%M%S)"; mkdir -p "$work"
clk="$(getconf CLK_TCK)"
"$here/murm" scenarios >/dev/null # builds when needed, outside the measurement

# shellcheck source=bench/lib.sh
source "$here/bench/lib.sh" # sample, pct
# sample ejabberd's session count (HTTP API) every 0.2 s into FILE: "epoch_ms sessions", until killed
sessions() {
  while true; do
    local c
    c="$(curl -s -m 1 -X POST "$1/connected_users_number" -H 'Content-Type: application/json' -d '{}' \
         | sed -n 's/.*"num_sessions":\([0-9]*\).*/\1/p')" || c="" # a busy server misses a sample
    [ -n "$c" ] && echo "$(date +%s%3N) $c" >> "$2"
    sleep 0.2
  done
}
# logins/s from a sessions FILE and N: N over the time from the first new session to the N-th
login_rate() {
  awk -v n="$2" 'NR == 1 {base = $2} $2 > base && !t0 {t0 = $1} $2 >= base + n && !t1 {t1 = $1}
    END { if (t0 && t1 > t0) printf "%.0f", n * 1000 / (t1 - t0); else print "-" }' "$1"
}
peak() { awk -v c="$2" 'BEGIN{m=0} {if ($c > m) m = $c} END{print m}' "$1"; }
last() { tail -n 1 "$1" | awk -v c="$2" '{print $c}'; }
# CPU µs of a .proc FILE's last sample, per COUNT (messages or logins)
cpu_per() {
  awk -v t="$(last "$1" 3)" -v c="$clk" -v d="$2" 'BEGIN{ if (d>0 && t!="") printf "%.0f", t*1e6/c/d; else print "-"}'
}

# Tsung, from its config FILE, with its files under PREFIX: .sessions, .proc, .out, PREFIX/ logs
run_tsung() {
  local cfg="$1" prefix="$2" watcher epmd_before tsung_launcher pid
  sessions "$api" "$prefix.sessions" & watcher=$!
  epmd_before="$(pgrep -x epmd || true)"
  ERL_EPMD_ADDRESS=127.0.0.1 tsung -f "$cfg" -l "$prefix" start > "$prefix.out" 2>&1 &
  tsung_launcher=$!
  pid=""
  for _ in $(seq 1 60); do pid="$(pgrep -n -f 'beam.*-sname tsung_controller' || true)"; [ -n "$pid" ] && break; sleep 0.5; done
  : > "$prefix.proc"; [ -n "$pid" ] && sample "$pid" "$prefix.proc" &
  wait "$tsung_launcher" || true
  kill "$watcher" 2>/dev/null || true
  # Tsung leaves its epmd running: stop it only when this run started it
  for e in $(pgrep -x epmd || true); do
    [[ " $epmd_before " == *" $e "* ]] || kill "$e" 2>/dev/null || true
  done
}

# Tsung's config for N users arriving at RATE/s over RAMP s, each running SESSION (XML requests)
tsung_xml() {
  local n="$1" at="$2" ramp="$3" session="$4"
  cat <<XML
<?xml version="1.0"?>
<!DOCTYPE tsung SYSTEM "/usr/share/tsung/tsung-1.0.dtd">
<tsung loglevel="warning" version="1.0" backend="fullstats">
  <clients><client host="localhost" use_controller_vm="true" maxusers="$((n + 100))"/></clients>
  <servers><server host="127.0.0.1" port="$port" type="tcp"/></servers>
  <load>
    <arrivalphase phase="1" duration="$(( 2 * ramp + 5 ))" unit="second">
      <users maxnumber="$n" arrivalrate="$at" unit="second"/>
    </arrivalphase>
  </load>
  <options>
    <option type="ts_jabber" name="userid_max" value="$n"/>
    <option type="ts_jabber" name="domain" value="localhost"/>
    <option type="ts_jabber" name="username" value="user_"/>
    <option type="ts_jabber" name="passwd" value="password_"/>
  </options>
  <sessions>
    <session probability="100" name="chat" type="ts_jabber" bidi="true">
      <request><jabber type="connect" ack="parse" regexp="mechanisms"/></request>
      <request><jabber type="auth_sasl" ack="parse" regexp="success"/></request>
      <request><jabber type="connect" ack="parse" regexp="bind"/></request>
      <request><jabber type="auth_sasl_bind" ack="parse" regexp="jid"/></request>
      <request><jabber type="presence:initial" ack="no_ack"/></request>
$session
      <request><jabber type="close" ack="no_ack"/></request>
    </session>
  </sessions>
</tsung>
XML
}

# Murmuration: one-to-one with ARGS, its files under PREFIX (.sessions, .proc, .out); sets folder to
# the run folder, or to nothing when the run wrote no summary
run_murm() {
  local prefix="$1" watcher pid; shift
  sessions "$api" "$prefix.sessions" & watcher=$!
  "$here/murm" run one-to-one --target "127.0.0.1:$port" --client "$client" --runs-dir "$work" \
      --quiet "$@" > "$prefix.out" 2>&1 &
  pid=$!
  : > "$prefix.proc"; sample "$pid" "$prefix.proc" &
  wait "$pid" || true
  kill "$watcher" 2>/dev/null || true
  folder="$(sed -n 's/^run folder: //p' "$prefix.out")"
  if [ -z "$folder" ] || [ ! -f "$folder/summary.json" ]; then
    echo "bench: Murmuration wrote no summary, see $prefix.out" >&2
    folder=""; return
  fi
  # the safety --duration stopped it: say so, its counts are short
  if [ "$(jq '[.actions[].not_done["run stopped"] // 0] | add // 0' "$folder/summary.json")" != 0 ]; then
    echo "bench: the safety --duration stopped Murmuration before its users were done: see $folder" >&2
  fi
}

chat_rows=(); login_rows=()
for n in "${sizes[@]}"; do
  echo "bench: N=$n — starting ejabberd with $n accounts" >&2
  "$here/murm" server ejabberd --users "$n" > "$work/server-$n.log" 2>&1 &
  server=$!
  trap 'kill "$server" 2>/dev/null || true' EXIT # a step that fails must not leave the server up
  for _ in $(seq 1 120); do grep -q "run against it" "$work/server-$n.log" && break; sleep 1; done
  port="$(sed -n 's/.*--target 127.0.0.1:\([0-9]*\).*/\1/p' "$work/server-$n.log" | head -n 1)"
  api="$(sed -n 's/^HTTP API.*: //p' "$work/server-$n.log")"
  [ -n "$port" ] || { echo "bench: ejabberd did not start, see $work/server-$n.log" >&2; kill "$server"; exit 1; }

  if [ ${#logins[@]} -gt 0 ]; then
    for at in "${logins[@]}"; do
      ramp=$(( (n + at - 1) / at ))
      hold=$(( 2 * ramp + 5 ))
      if [[ " $tools " == *" tsung "* ]]; then
        echo "bench: N=$n, logins at $at/s — Tsung" >&2
        p="$work/tsung-$n-login$at"
        tsung_xml "$n" "$at" "$ramp" "      <thinktime value=\"$hold\" random=\"false\"/>" > "$p.xml"
        run_tsung "$p.xml" "$p"
        login_rows+=("tsung $n $at $(login_rate "$p.sessions" "$n") $(peak "$p.sessions" 2) $(( $(peak "$p.proc" 1) / n )) $(cpu_per "$p.proc" "$n") $(peak "$p.proc" 2)")
      fi
      if [[ " $tools " == *" murmuration "* ]]; then
        echo "bench: N=$n, logins at $at/s — Murmuration ($client, tcp)" >&2
        p="$work/murm-$n-login$at"
        run_murm "$p" --users "$n" --arrival-rate "$at" --duration "$(( ramp + hold + 30 ))s" \
            -Pbucket_size=2 -Pmessages=1 -Pinterval=1ms -Pstart_delay="${hold}s"
        if [ -n "$folder" ]; then
          login_rows+=("murmuration-$client $n $at $(login_rate "$p.sessions" "$n") $(peak "$p.sessions" 2) $(( $(peak "$p.proc" 1) / n )) $(cpu_per "$p.proc" "$n") $(peak "$p.proc" 2)")
        fi
      fi
    done
  else
    interval_ms=$(( 1000 * n / rate ))
    loops=$(( duration * 1000 / interval_ms ))
    ramp=$(( (n + arrival - 1) / arrival ))
    if [[ " $tools " == *" tsung "* ]]; then
      echo "bench: N=$n — Tsung" >&2
      p="$work/tsung-$n"
      tsung_xml "$n" "$arrival" "$ramp" "      <thinktime value=\"$ramp\" random=\"false\"/>
      <for from=\"1\" to=\"$loops\" var=\"i\">
        <request><jabber type=\"chat\" ack=\"no_ack\" size=\"16\" destination=\"online\" stamped=\"true\"/></request>
        <thinktime value=\"$(awk -v ms="$interval_ms" 'BEGIN{printf "%.3f", ms/1000}')\" random=\"false\"/>
      </for>
      <thinktime value=\"5\" random=\"false\"/>" > "$p.xml"
      run_tsung "$p.xml" "$p"
      grep -ho '{sample,xmpp_msg_latency,[0-9.e+-]*}' "$p"/*/tsung-fullstats.log \
        | sed 's/.*,\([^,}]*\)}/\1/' | sort -g > "$p.ttd" || true
      got="$(wc -l < "$p.ttd")"; sent=$(( n * loops ))
      chat_rows+=("tsung $n $(login_rate "$p.sessions" "$n") $(( $(peak "$p.proc" 1) / n )) $(cpu_per "$p.proc" "$got") $(peak "$p.proc" 2) $(pct "$p.ttd" 50) $(pct "$p.ttd" 90) $(pct "$p.ttd" 99) $(pct "$p.ttd" 99.9) $sent $got $(( sent > got ? sent - got : 0 ))")
    fi
    if [[ " $tools " == *" murmuration "* ]]; then
      echo "bench: N=$n — Murmuration ($client, tcp)" >&2
      p="$work/murm-$n"
      # a bucket's members start up to one interval apart (each its own offset within it): a user
      # waits for its neighbours' last messages up to one interval + 10 s after its own (it leaves
      # as soon as it has them all); one-to-one's 5-s default lost 1,251 of 60,000 at N = 10,000
      run_murm "$p" --users "$n" --arrival-rate "$arrival" --duration "$(( 2 * ramp + duration + 60 ))s" \
          -Pmessages="$loops" -Pinterval="${interval_ms}ms" -Pstart_delay="${ramp}s" \
          -Plinger="$(( interval_ms + 10000 ))ms"
      if [ -n "$folder" ]; then
        s="$folder/summary.json"
        got="$(jq '.messages.received + .messages.late' "$s")"
        chat_rows+=("murmuration-$client $n $(login_rate "$p.sessions" "$n") $(( $(peak "$p.proc" 1) / n )) $(cpu_per "$p.proc" "$got") $(peak "$p.proc" 2) $(jq -r '[.ttd_ms.p50, .ttd_ms.p90, .ttd_ms.p99, .ttd_ms.p99_9, .messages.sent, '"$got"', .messages.lost] | map(tostring) | join(" ")' "$s")")
      fi
    fi
  fi
  kill "$server"; wait "$server" 2>/dev/null || true
done

if [ ${#logins[@]} -gt 0 ]; then
  printf '\n%-20s %-6s %-8s %-9s %-9s %-9s %-12s %s\n' tool N arrival "logins/s" sessions "KiB/user" "CPU µs/login" threads
  for r in "${login_rows[@]}"; do
    read -r -a c <<< "$r"
    printf '%-20s %-6s %-8s %-9s %-9s %-9s %-12s %s\n' "${c[@]}"
  done
  echo "(login only: connect, auth, bind, presence, a hold of 2×ramp + 5 s, leave; Murmuration also sends one message to its partner after the hold. logins/s: N over the time from ejabberd's first session to its N-th, sampled every 0.2 s, '-' when the N were never online together; sessions: ejabberd's peak session count; KiB/user: peak RSS / N; CPU: user+system over the client process's life (JVM or VM start included), per user; files in $work)"
else
  printf '\n%-20s %-6s %-9s %-9s %-10s %-8s %-9s %-9s %-9s %-9s %-8s %-9s %s\n' \
    tool N "logins/s" "KiB/user" "CPU µs/msg" threads "ttd p50" "ttd p90" "ttd p99" "p99.9" sent delivered lost
  for r in "${chat_rows[@]}"; do
    read -r -a c <<< "$r"
    printf '%-20s %-6s %-9s %-9s %-10s %-8s %-9s %-9s %-9s %-9s %-8s %-9s %s\n' "${c[@]}"
  done
  echo "(both tools: log in at $arrival/s, wait ramp = ceil(N/$arrival) s after login (Murmuration: after its bucket of 10 started), then N × DURATION/interval messages at $rate msg/s in all, no chat during the arrival phase; logins/s: N over the time from ejabberd's first session to its N-th, sampled every 0.2 s; KiB/user: peak RSS / N; CPU: user+system over the client process's life, per delivered message; TTD in ms; files in $work)"
fi
