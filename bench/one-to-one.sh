#!/usr/bin/env bash
# Benchmark harness: one-to-one chat against a freshly started local ejabberd, 1,000 messages/s in
# all, for each N given (default: 2000 10000). Prints, per N, what the runner cost and what it
# measured, from the run's summary.json (the runner samples its own CPU, RSS and threads every
# second; "steady" = the intervals when every user was connected).
#   bench/one-to-one.sh [N ...]        env: RATE (1000), DURATION (60s), ARRIVAL (250), CLIENT (lean), TRANSPORT (tcp: or ws, bosh, mix)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rate="${RATE:-1000}"; duration="${DURATION:-60s}"; arrival="${ARRIVAL:-250}"; client="${CLIENT:-lean}"; transport="${TRANSPORT:-tcp}"
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(2000 10000)
command -v jq >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -q jq >/dev/null; } || { echo "bench: needs jq: apt-get install -y jq" >&2; exit 2; }

runs="$here/runs/bench"; mkdir -p "$runs"
rows=()
for n in "${sizes[@]}"; do
  echo "bench: N=$n, $rate msg/s, $duration, client $client over $transport" >&2
  log="$runs/bench-$n.log"
  "$here/murm" demo --users "$n" --message-rate "$rate" --arrival-rate "$arrival" --duration "$duration" \
      --client "$client" --transport "$transport" --runs-dir "$runs" --quiet > "$log" 2>&1 || true
  folder="$(sed -n 's/^run folder: //p' "$log" | tail -n 1)"
  [ -n "$folder" ] && [ -f "$folder/summary.json" ] || { echo "bench: N=$n produced no summary, see $log" >&2; tail -5 "$log" >&2; continue; }
  rows+=("$(jq -r --arg n "$n" '[ $n, .users.peak,
      (.runner.rss_peak_mib * 1024 / .users.peak | floor),
      (.runner.steady_cpu_s_per_1000_delivered // .runner.cpu_s_per_1000_delivered | . * 1000 | round / 1000),
      .runner.threads_peak, .messages_per_s, .ttd_ms.p50, .ttd_ms.p90, .ttd_ms.p99, .lag_ms.p99,
      .messages.sent, .messages.lost, .state ] | @tsv' "$folder/summary.json")")
done

printf '\n%-7s %-6s %-13s %-17s %-8s %-7s %-8s %-8s %-8s %-8s %-8s %-6s %s\n' \
  N peak "KiB/user(RSS)" "CPU s/1000 msgs" threads "msg/s" "ttd p50" "ttd p90" "ttd p99" "lag p99" sent lost state
for r in "${rows[@]}"; do
  IFS=$'\t' read -r -a c <<< "$r"
  printf '%-7s %-6s %-13s %-17s %-8s %-7s %-8s %-8s %-8s %-8s %-8s %-6s %s\n' "${c[@]}"
done
echo "(TTD and lag in ms; run folders under $runs)"
