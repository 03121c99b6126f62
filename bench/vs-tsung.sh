#!/usr/bin/env bash
# Side-by-side benchmark: Tsung 1.7 and Murmuration, one after the other, against the same freshly
# started local ejabberd (plain password storage, SASL PLAIN, no TLS), the same workload: N users
# log in, send presence, then chat at RATE messages/s in all (each user one message every N/RATE s)
# for DURATION seconds. Both clients are measured the same way, from outside: /proc/PID of the
# Tsung controller VM and of the runner JVM, sampled every second (peak RSS, peak OS threads, CPU
# over the process's whole life). Logins/s: ejabberd's session count (HTTP API) sampled every 0.2 s;
# it is capped by ARRIVAL — raise ARRIVAL to find the login capacity. TTD: Tsung's xmpp_msg_latency samples (fullstats backend),
# Murmuration's summary.json.
#   bench/vs-tsung.sh [N ...]    env: RATE (1000), DURATION (60), ARRIVAL (250), CLIENT (lean),
#                                     TOOLS ("tsung murmuration")
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rate="${RATE:-1000}"; duration="${DURATION:-60}"; arrival="${ARRIVAL:-250}"
client="${CLIENT:-lean}"; tools="${TOOLS:-tsung murmuration}"
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
         | sed -n 's/.*"num_sessions":\([0-9]*\).*/\1/p')"
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

rows=()
for n in "${sizes[@]}"; do
  interval_ms=$(( 1000 * n / rate ))
  loops=$(( duration * 1000 / interval_ms ))
  ramp=$(( (n + arrival - 1) / arrival ))
  echo "bench: N=$n — starting ejabberd with $n accounts" >&2
  "$here/murm" server ejabberd --users "$n" > "$work/server-$n.log" 2>&1 &
  server=$!
  trap 'kill "$server" 2>/dev/null || true' EXIT # a step that fails must not leave the server up
  for _ in $(seq 1 120); do grep -q "run against it" "$work/server-$n.log" && break; sleep 1; done
  port="$(sed -n 's/.*--target 127.0.0.1:\([0-9]*\).*/\1/p' "$work/server-$n.log" | head -n 1)"
  api="$(sed -n 's/^HTTP API.*: //p' "$work/server-$n.log")"
  [ -n "$port" ] || { echo "bench: ejabberd did not start, see $work/server-$n.log" >&2; kill "$server"; exit 1; }

  if [[ " $tools " == *" tsung "* ]]; then
    echo "bench: N=$n — Tsung" >&2
    cfg="$work/tsung-$n.xml"
    cat > "$cfg" <<XML
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
      <thinktime value="$ramp" random="false"/>
      <for from="1" to="$loops" var="i">
        <request><jabber type="chat" ack="no_ack" size="16" destination="online" stamped="true"/></request>
        <thinktime value="$(awk -v ms="$interval_ms" 'BEGIN{printf "%.3f", ms/1000}')" random="false"/>
      </for>
      <thinktime value="5" random="false"/>
      <request><jabber type="close" ack="no_ack"/></request>
    </session>
  </sessions>
</tsung>
XML
    sessions "$api" "$work/tsung-$n.sessions" & watcher=$!
    epmd_before="$(pgrep -x epmd || true)"
    ERL_EPMD_ADDRESS=127.0.0.1 tsung -f "$cfg" -l "$work/tsung-$n" start > "$work/tsung-$n.out" 2>&1 &
    tsung_launcher=$!
    pid=""
    for _ in $(seq 1 60); do pid="$(pgrep -n -f 'beam.*-sname tsung_controller' || true)"; [ -n "$pid" ] && break; sleep 0.5; done
    : > "$work/tsung-$n.proc"; [ -n "$pid" ] && sample "$pid" "$work/tsung-$n.proc" &
    wait "$tsung_launcher" || true
    kill "$watcher"
    # Tsung leaves its epmd running: stop it only when this run started it
    for e in $(pgrep -x epmd || true); do
      [[ " $epmd_before " == *" $e "* ]] || kill "$e" 2>/dev/null || true
    done
    grep -ho '{sample,xmpp_msg_latency,[0-9.e+-]*}' "$work"/tsung-"$n"/*/tsung-fullstats.log \
      | sed 's/.*,\([^,}]*\)}/\1/' | sort -g > "$work/tsung-$n.ttd"
    got="$(wc -l < "$work/tsung-$n.ttd")"; sent=$(( n * loops ))
    rows+=("tsung $n $(login_rate "$work/tsung-$n.sessions" "$n") $(( $(peak "$work/tsung-$n.proc" 1) / n )) $(awk -v t="$(last "$work/tsung-$n.proc" 3)" -v c="$clk" -v d="$got" 'BEGIN{ if (d>0) printf "%.0f", t*1e6/c/d; else print "-"}') $(peak "$work/tsung-$n.proc" 2) $(pct "$work/tsung-$n.ttd" 50) $(pct "$work/tsung-$n.ttd" 90) $(pct "$work/tsung-$n.ttd" 99) $(pct "$work/tsung-$n.ttd" 99.9) $sent $got $(( sent > got ? sent - got : 0 ))")
  fi

  if [[ " $tools " == *" murmuration "* ]]; then
    echo "bench: N=$n — Murmuration ($client, tcp)" >&2
    sessions "$api" "$work/murm-$n.sessions" & watcher=$!
    "$here/murm" run one-to-one --target "127.0.0.1:$port" --users "$n" --arrival-rate "$arrival" \
        --duration "$(( duration + ramp ))s" --client "$client" --runs-dir "$work" --quiet \
        -Pmessages=0 -Pinterval="${interval_ms}ms" > "$work/murm-$n.out" 2>&1 &
    pid=$!
    : > "$work/murm-$n.proc"; sample "$pid" "$work/murm-$n.proc" &
    wait "$pid" || true
    kill "$watcher"
    folder="$(sed -n 's/^run folder: //p' "$work/murm-$n.out")"
    if [ -n "$folder" ] && [ -f "$folder/summary.json" ]; then
      s="$folder/summary.json"
      got="$(jq '.messages.received + .messages.late' "$s")"
      rows+=("murmuration-$client $n $(login_rate "$work/murm-$n.sessions" "$n") $(( $(peak "$work/murm-$n.proc" 1) / n )) $(awk -v t="$(last "$work/murm-$n.proc" 3)" -v c="$clk" -v d="$got" 'BEGIN{ if (d>0) printf "%.0f", t*1e6/c/d; else print "-"}') $(peak "$work/murm-$n.proc" 2) $(jq -r '[.ttd_ms.p50, .ttd_ms.p90, .ttd_ms.p99, .ttd_ms.p99_9, .messages.sent, '"$got"', .messages.lost] | map(tostring) | join(" ")' "$s")")
    else
      echo "bench: Murmuration wrote no summary, see $work/murm-$n.out" >&2
    fi
  fi
  kill "$server"; wait "$server" 2>/dev/null || true
done

printf '\n%-20s %-6s %-9s %-9s %-10s %-8s %-9s %-9s %-9s %-9s %-8s %-9s %s\n' \
  tool N "logins/s" "KiB/user" "CPU µs/msg" threads "ttd p50" "ttd p90" "ttd p99" "p99.9" sent delivered lost
for r in "${rows[@]}"; do
  read -r -a c <<< "$r"
  printf '%-20s %-6s %-9s %-9s %-10s %-8s %-9s %-9s %-9s %-9s %-8s %-9s %s\n' "${c[@]}"
done
echo "(logins/s: N over the time from ejabberd's first session to its N-th, sampled every 0.2 s; KiB/user: peak RSS / N; CPU: user+system over the client process's life, per delivered message; TTD in ms; files in $work)"
