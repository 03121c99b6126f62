#!/usr/bin/env bash
# A run spread over worker nodes, at a scale one process cannot hold: an ejabberd cluster of 3 nodes
# on loopback (each under the 20,000-open-files limit), 3 worker JVMs (murm node) on 127.0.0.2–4
# and a coordinator (murm run --nodes 3) on 127.0.0.1, all on this machine. Run 1: N users of
# one-to-one chat arrive at ARRIVAL/s, then chat at RATE messages/s in all for STEADY seconds; the
# merged summary must show 0 lost. Run 2: the same, shorter, with worker 3 killed (SIGKILL) KILL_AT
# seconds after its users are all in: the report names the lost node and its users, exit 3.
# Prints, per run: the exact commands, logins/s (N over the time until every user was connected),
# delivered msg/s in the steady window, TTD p50/p99/p99.9, lost, per-node CPU/RSS/lag, ejabberd RSS.
#   bench/cluster.sh [N]     N users (default 50000); the live view (5 s windows) times the logins
#   env: NODES (3 workers), EJABBERD_NODES (3), ARRIVAL (250 users/s: about what the ejabberd
#        cluster logs in on 2 cores; faster arrivals only queue logins), RATE (1000 msg/s),
#        STEADY (120 s), KILL (1: run 2 too; 0: skip it), KILL_AT (20 s), ARCHIVE (off: ejabberd
#        archives no message; on: every message archived, written on all three nodes), RUNS (both;
#        kill: only the run with a worker killed)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-50000}"; nodes="${NODES:-3}"; ej_nodes="${EJABBERD_NODES:-3}"; arrival="${ARRIVAL:-250}"
rate="${RATE:-1000}"; steady="${STEADY:-120}"; kill_too="${KILL:-1}"; kill_at="${KILL_AT:-20}"
archive="${ARCHIVE:-off}"
for pkg in jq; do
  command -v "$pkg" >/dev/null && continue
  [ "$(id -u)" = 0 ] || { echo "cluster: needs $pkg: apt-get install -y $pkg" >&2; exit 2; }
  apt-get install -y -q "$pkg" >/dev/null
done
t0="$(date +%s)"
stamp="$(date -u +%Y%m%d-%H%M%S)"
work="$here/runs/cluster/$stamp"; mkdir -p "$work"
echo "cluster: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(hostname), nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg) at start; N=$n over $nodes workers, ejabberd $ej_nodes nodes, arrival $arrival/s, $rate msg/s for ${steady}s; files in $work" | tee "$work/header.txt" >&2
"$here/murm" scenarios >/dev/null # builds when needed, outside the measurement

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# --- the ejabberd cluster, fresh for each run ----------------------------------------------------
# After 50,000 users leave at once, ejabberd's Mnesia stays overloaded for minutes (every logout is a
# transaction on every node; its log says mnesia_overload) and a second run's presences time out:
# each run gets a server of its own.
server=""
start_server() {
  stop_server
  echo "cluster: starting an ejabberd cluster of $ej_nodes nodes with $n accounts, archive $archive" >&2
  local s0; s0="$(date +%s)"
  "$here/murm" server ejabberd --nodes "$ej_nodes" --users "$n" --archive "$archive" > "$work/server.log" 2>&1 &
  server=$!; pids+=("$server")
  for _ in $(seq 1 1800); do
    grep -q "run against it" "$work/server.log" && break
    kill -0 "$server" 2>/dev/null || break
    sleep 1
  done
  targets="$(sed -n 's/.*--target \([0-9.:,]*\).*/\1/p' "$work/server.log" | head -n 1)"
  [ -n "$targets" ] || { echo "cluster: ejabberd did not start, see $work/server.log" >&2; exit 1; }
  echo "cluster: ejabberd up in $(( $(date +%s) - s0 ))s (accounts included): --target $targets" >&2
}
stop_server() {
  [ -n "$server" ] || return 0
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
}
# this cluster's Erlang VMs, by the node names the server printed
ejabberd_pids() {
  local name
  for name in $(sed -n 's/.*nodes is up (\([^)]*\)).*/\1/p' "$work/server.log" | tr -d ,); do
    pgrep -f -- "beam.smp.*-name $name( |$)" || true
  done
}

# --- one run: workers, coordinator, figures --------------------------------------------------------
# run NAME DURATION_S KILL_AFTER_S: KILL_AFTER_S 0 = no kill
run() {
  local name="$1" duration="$2" kill_after="$3"
  local port=$(( 25600 + RANDOM % 1000 ))
  local wpids=() i
  for i in $(seq 1 "$nodes"); do
    "$here/murm" node --seed "127.0.0.1:$port" --bind "127.0.0.$((i + 1)):0" --runs-dir "$work" \
      > "$work/$name-worker-$i.log" 2>&1 &
    wpids+=("$!"); pids+=("$!")
  done
  local interval=$(( n / rate ))
  local cmd=(run one-to-one --target "$targets" --domain localhost --accounts existing
    --username 'user_{id}' --password 'password_{id}' --users "$n" --arrival-rate "$arrival"
    --duration "${duration}s" --warm-up "$(( n / arrival + 30 ))s" -Pbucket_size=10 -Pmessages=0
    "-Pinterval=${interval}s" --source-ips 127.0.0.1-127.0.0.4 --nodes "$nodes"
    --cluster-bind "127.0.0.1:$port" --runs-dir "$work" --run-id "$name" --assert 'messages.lost == 0')
  echo "./murm ${cmd[*]}" | sed "s/'user_{id}'/'user_{id}'/" > "$work/$name.cmd"
  echo "  workers: ./murm node --seed 127.0.0.1:$port --bind 127.0.0.{2..$((nodes + 1))}:0" >> "$work/$name.cmd"
  echo "cluster: $name: $(head -n 1 "$work/$name.cmd")" >&2
  local r0; r0="$(date +%s)"
  "$here/murm" "${cmd[@]}" > "$work/$name.out" 2>&1 &
  local coordinator=$!; pids+=("$coordinator")
  # logins/s: N over the time from the run's start until every user is connected
  local all_in=""
  while kill -0 "$coordinator" 2>/dev/null; do
    if [ -z "$all_in" ] && grep -qE "users $n/$n " "$work/$name.out"; then
      all_in="$(grep -E "users $n/$n " "$work/$name.out" | head -n 1 | awk '{print $1}' | tr -d s)"
      ps -o rss= -p "$(ejabberd_pids | paste -sd, -)" > "$work/$name-ejabberd-rss.txt" 2>/dev/null || true
      if [ "$kill_after" -gt 0 ]; then
        sleep "$kill_after"
        echo "cluster: $name: killing worker $nodes (pid ${wpids[-1]}) with SIGKILL" >&2
        kill -9 "${wpids[-1]}"
      fi
    fi
    sleep 1
  done
  local rc=0; wait "$coordinator" || rc=$?
  for p in "${wpids[@]}"; do wait "$p" 2>/dev/null || true; done
  cp "$work/server.log" "$work/$name-server.log"
  local s="$work/$name/summary.json"
  [ -f "$s" ] || { echo "cluster: $name: no summary, see $work/$name.out" >&2; return; }
  # delivered msg/s over the steady window: the live lines from 30 s after every user was in
  local steady_rate
  steady_rate="$(awk -v from="$(( ${all_in:-100000} + 30 ))" -v to="$duration" '$2 == "users" { t = $1; sub(/s$/, "", t); if (t + 0 >= from && t + 0 <= to) { sum += $5; k++ } } END { if (k) printf "%.0f msg/s delivered (mean of %d live-view windows of 5 s)", sum / k, k; else print "no steady window" }' "$work/$name.out")"
  local ej_rss; ej_rss="$(awk '{printf "%s%d MiB", (NR>1?", ":""), $1/1024}' "$work/$name-ejabberd-rss.txt" 2>/dev/null || true)"
  {
    echo "### $name (exit $rc, $(( $(date +%s) - r0 ))s wall)"
    echo '```'; cat "$work/$name.cmd"; echo '```'
    jq -r --arg all_in "${all_in:-never}" --arg n "$n" '
      "state \(.state)\(if .failure then ": " + .failure else "" end)",
      "users peak \(.users.peak)/\(.users.target); all connected at \($all_in) s: \(if $all_in == "never" then "-" else (($n|tonumber) / ($all_in|tonumber) | floor | tostring) + " logins/s" end)",
      "messages sent \(.messages.sent), delivered \(.messages.received + .messages.late), lost \(.messages.lost); \(.messages_per_s) msg/s over the run",
      "TTD (after warm-up) p50 \(.ttd_ms.p50) p99 \(.ttd_ms.p99) p99.9 \(.ttd_ms.p99_9) max \(.ttd_ms.max) ms (\(.ttd_ms.count) samples); login p99 \(.login_ms.p99) ms",
      "| node | ids | state | users lost | CPU s | RSS peak MiB | lag p99 ms | clock offset ms |",
      "|---|---|---|---|---|---|---|---|",
      (.nodes[] | "| \(.node) | \(.ids) | \(.state) | \(.users_lost) | \(.cpu_s) | \(.rss_peak_mib) | \(.lag_p99_ms) | \(.clock_offset_ms) ± \(.clock_uncertainty_ms) |"),
      "coordinator: CPU \(.runner.cpu_s) s, RSS peak \(.runner.rss_peak_mib) MiB"' "$s"
    echo "steady: $steady_rate"
    echo "ejabberd nodes RSS when all were connected: ${ej_rss:-?}"
    echo
  } | tee "$work/$name.md"
}

if [ "${RUNS:-both}" != kill ]; then
  start_server
  run "cluster-$n" "$(( n / arrival + 30 + steady ))" 0
fi
if [ "$kill_too" = 1 ]; then
  start_server
  run "cluster-$n-kill" "$(( n / arrival + 30 + 60 ))" "$kill_at"
fi
stop_server
echo "cluster: done in $(( $(date +%s) - t0 ))s; $work/*.md" >&2
