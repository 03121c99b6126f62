#!/usr/bin/env bash
# Gate accuracy experiment (results in docs/gate.md): how often does the gate fail a change that
# changes nothing, and how often does it catch a real regression? One local ejabberd; the runner
# reaches it through `murm proxy`, which delays what the server sends back by a fixed time. Each of
# GATES gates runs ROUNDS rounds of four arms:
#   base  through a proxy without delay
#   aa    the same proxy: an A/A gate, where any failure is a false one
#   p10   through a proxy adding 10 % of the base's TTD p50 (the median of 5 calibration runs
#         after 3 warm-up runs)
#   p25   the same with 25 %
# in the order base aa p10 p25 in odd rounds and p25 p10 aa base in even ones (ABBA: each arm runs
# before base in half the rounds and after it in the other half, at the same distance). Then
# `murm compare` judges base against each of aa, p10 and p25 with its default settings (paired by
# round; the three gates of one group share the base runs), and again with --unpaired on the same
# runs. Prints one row per arm and judgement: verdicts and the TTD p50 change the gates measured;
# then the TTD p50 of each position in a round relative to its round's median (order effects).
#   bench/gate-accuracy.sh   env: GATES (20), ROUNDS (10), USERS (200), INTERVAL (200ms),
#                            DURATION (6s), WARMUP (3s), PIN (auto: 1 on a machine of 2+ CPUs),
#                            ARMS ("base aa p10 p25"; "base aa" measures the A/A noise alone),
#                            ORDER (abba; "rotate" shifts the order by one arm each round, as
#                            this script did before, for a before/after comparison)
# ejabberd runs without its message archive (mod_mam): every run logs in the same accounts, and with
# the archive on each message got slower the more a user had archived (after ~35 runs of the first
# attempt at 20 gates, 95 % of messages were lost and TTD p50 was 8 s).
# PIN=1 runs ejabberd and the proxies on the first CPU and the runner on the others (taskset), so
# that the runner and the server under test never take time from each other; PIN=0 lets the
# kernel place them. Each run's summary.json records the placement.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
gates="${GATES:-20}"; rounds="${ROUNDS:-10}"; users="${USERS:-200}"; interval="${INTERVAL:-200ms}"
duration="${DURATION:-6s}"; warmup="${WARMUP:-3s}"; order="${ORDER:-abba}"
read -r -a arms <<< "${ARMS:-base aa p10 p25}"; n_arms="${#arms[@]}"
[ "${arms[0]}" = base ] || { echo "bench: ARMS must start with base" >&2; exit 2; }
case "$order" in abba|rotate) ;; *) echo "bench: ORDER is abba or rotate, not $order" >&2; exit 2;; esac
cpus="$(nproc)"; pin="${PIN:-$([ "$cpus" -ge 2 ] && echo 1 || echo 0)}"
command -v jq >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -q jq >/dev/null; } || { echo "bench: needs jq: apt-get install -y jq" >&2; exit 2; }
if [ "$pin" = 1 ]; then
  command -v taskset >/dev/null || { echo "bench: PIN=1 needs taskset (util-linux)" >&2; exit 2; }
  [ "$cpus" -ge 2 ] || { echo "bench: PIN=1 needs 2 CPUs or more, this machine has $cpus" >&2; exit 2; }
  server_on=(taskset -c 0); runner_on=(taskset -c "1-$((cpus - 1))")
else
  server_on=(); runner_on=()
fi
murm="$here/murm"
"$murm" --version >/dev/null # builds once, before anything is timed
started_s="$(date +%s)"

out="$here/runs/gate-accuracy/$(date -u +%Y%m%dT%H%M%SZ)"; mkdir -p "$out"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# starts "$@" in the background with its output in $1.log and waits for a line matching $2
background() {
  local name="$1" pattern="$2"; shift 2
  "$@" > "$out/$name.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 240); do
    grep -q "$pattern" "$out/$name.log" && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.5
  done
  echo "bench: $name did not start, see $out/$name.log" >&2; tail -5 "$out/$name.log" >&2; exit 1
}

background server "run against it with" ${server_on[@]+"${server_on[@]}"} "$murm" server ejabberd --users "$users" --archive off
server="$(sed -n 's/.*--target \([^ ]*\).*/\1/p' "$out/server.log" | head -n 1)"
declare -A target
proxy() { # arm name delay: starts a proxy, the arm's target
  background "$2" "proxy on" ${server_on[@]+"${server_on[@]}"} "$murm" proxy --to "$server" --delay "$3"
  target[$1]="$(sed -n 's/^proxy on \([^ ]*\) .*/\1/p' "$out/$2.log")"
}

run() { # arm target folder
  ${runner_on[@]+"${runner_on[@]}"} "$murm" run one-to-one --target "$2" --accounts existing --users "$users" \
    --arrival-rate 400 -Pmessages=0 -Pinterval="$interval" --duration "$duration" \
    --warm-up "$warmup" --runs-dir "$3" --quiet > "$3.log" 2>&1 || true
}

proxy base proxy-0 0; target[aa]="${target[base]}"
echo "bench: ejabberd at $server; calibrating the delays on ${target[base]}" >&2
# The first runs after the server starts are slower (the last 10-gate run's three calibration runs
# had a median p50 15 % above its gates' base runs, so "p10" added 13 %): 3 runs warm the server
# and the proxy up and are not used, then the median of 5.
for i in 1 2 3; do run base "${target[base]}" "$out/warm-up"; done
for i in 1 2 3 4 5; do run base "${target[base]}" "$out/calibration"; done
p50="$(jq -s '[.[].ttd_ms.p50] | sort | .[2]' "$out"/calibration/*/summary.json)"
placement="$(jq -c '.placement | {runner_cpus, servers: [.servers[] | "\(.process) on \(.cpus)"], shared}' "$(ls -d "$out"/calibration/*/ | tail -n 1)summary.json")"
d10="$(jq -n --argjson m "$p50" '$m * 0.10 * 1000 | round')"; d25="$(jq -n --argjson m "$p50" '$m * 0.25 * 1000 | round')"
[[ " ${arms[*]} " == *" p10 "* ]] && proxy p10 proxy-10 "$(jq -n --argjson us "$d10" '$us / 1000')ms"
[[ " ${arms[*]} " == *" p25 "* ]] && proxy p25 proxy-25 "$(jq -n --argjson us "$d25" '$us / 1000')ms"
echo "bench: base TTD p50 ${p50} ms: p10 adds ${d10} µs, p25 adds ${d25} µs; placement $placement" >&2

printf 'gate\tround\tposition\tarm\trun\n' > "$out/order.tsv"
for g in $(seq -w 1 "$gates"); do
  for r in $(seq 1 "$rounds"); do
    for k in $(seq 0 $((n_arms - 1))); do
      if [ "$order" = abba ]; then arm="${arms[$((r % 2 == 1 ? k : n_arms - 1 - k))]}"
      else arm="${arms[$(((k + r - 1) % n_arms))]}"; fi
      mkdir -p "$out/g$g/$arm"; run "$arm" "${target[$arm]}" "$out/g$g/$arm"
      printf '%s\t%s\t%s\t%s\t%s\n' "$g" "$r" "$((k + 1))" "$arm" "$(ls "$out/g$g/$arm" | sort | tail -n 1)" >> "$out/order.tsv"
    done
  done
  for arm in "${arms[@]:1}"; do
    "$murm" compare --base "$out/g$g/base" --head "$out/g$g/$arm" --json "$out/g$g/$arm.json" \
      > "$out/g$g/$arm.txt" 2>&1 || true
    "$murm" compare --base "$out/g$g/base" --head "$out/g$g/$arm" --unpaired \
      --json "$out/g$g/$arm-unpaired.json" > "$out/g$g/$arm-unpaired.txt" 2>&1 || true
  done
  echo "bench: gate $g/$gates: $(for a in "${arms[@]:1}"; do printf '%s %s  ' "$a" "$(jq -r .verdict "$out/g$g/$a.json" 2>/dev/null || echo error)"; done)" >&2
done

# the median of a jq array (the mean of the middle two for an even count), for the tables below
jq_median='def median: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;'

printf '\n%-5s %-9s %-9s %-6s %-8s %-8s %-8s %-28s %s\n' arm delay judged gates failure neutral success "TTD p50 change: median (min–max)" "failing metrics"
for arm in "${arms[@]:1}"; do
  delay=0; [ "$arm" = p10 ] && delay="$d10"; [ "$arm" = p25 ] && delay="$d25"
  for how in paired unpaired; do
    suffix=""; [ "$how" = unpaired ] && suffix="-unpaired"
    jq -rs --arg arm "$arm" --arg delay "${delay}µs" --arg how "$how" "$jq_median"'
      def pct: (. - 1) * 1000 | round / 10 | tostring + "%";
      def count(v): map(select(.verdict == v)) | length;
      ([.[].metrics[] | select(.metric == "ttd.p50") | .ratio] | sort) as $r
      | [ $arm, $delay, $how, length, count("failure"), count("neutral"), count("success"),
          "\($r | median | pct) (\($r[0] | pct)–\($r[-1] | pct))",
          ([.[].metrics[] | select(.verdict == "failure") | .metric] | group_by(.) | map("\(.[0])×\(length)") | join(" ")) ]
      | @tsv' "$out"/g*/"$arm$suffix".json | awk -F'\t' '{ printf "%-5s %-9s %-9s %-6s %-8s %-8s %-8s %-28s %s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }'
  done
done

# order effects: each run's TTD p50 over the median of its round's runs, by position in the round
echo
echo "TTD p50 by position in a round, relative to the round's median (all gates, all arms; p10 and p25 runs less their injected delay first):"
while IFS=$'\t' read -r g r k arm run; do
  [ "$g" = gate ] && continue
  v="$(jq '.ttd_ms.p50' "$out/g$g/$arm/$run/summary.json" 2>/dev/null || echo null)"
  printf '%s\t%s\t%s\t%s\t%s\n' "$g" "$r" "$k" "$arm" "$v"
done < "$out/order.tsv" > "$out/p50.tsv"
jq -Rrs --argjson base "$p50" --argjson d10 "$d10" --argjson d25 "$d25" "$jq_median"'
  [split("\n")[] | select(length > 0) | split("\t") | {g: .[0], r: .[1], k: (.[2] | tonumber), arm: .[3], v: (.[4] | tonumber? // null)}]
  | map(select(.v != null) | .v -= (if .arm == "p10" then $d10 / 1000 elif .arm == "p25" then $d25 / 1000 else 0 end))
  | group_by([.g, .r]) | map((map(.v) | median) as $m | map(.rel = .v / $m)) | add
  | group_by(.k) | map("position \(.[0].k): median \((map(.rel) | median - 1) * 1000 | round / 10)%, runs \(length)") | .[]' "$out/p50.tsv"

# the A/A noise: how much the base runs' p50 varies within a gate, and the per-round aa/base ratios
if [[ " ${arms[*]} " == *" aa "* ]]; then
  echo
  jq -Rrs "$jq_median"'
    def pct: . * 1000 | round / 10 | tostring + "%";
    def sd: (add / length) as $m | (map((. - $m) * (. - $m)) | add / length | sqrt);
    def range(f): "\(map(f) | median | pct) (\(map(f) | min | pct)–\(map(f) | max | pct))";
    [split("\n")[] | select(length > 0) | split("\t") | {g: .[0], r: .[1], arm: .[3], v: (.[4] | tonumber? // null)} | select(.v != null)]
    | group_by(.g)
    | map(. as $gate
        | [$gate[] | select(.arm == "base") | .v] as $b
        | [$gate[] | select(.arm == "aa") as $a | $gate[] | select(.arm == "base" and .r == $a.r) | $a.v / .v - 1] as $rr
        | {cv: ($b | sd / (add / length)), aa: ($rr | median), iqr: ($rr | sort | .[(length * 3 / 4 | floor)] - .[(length / 4 | floor)])})
    | "A/A noise over \(length) gates, median over the gates (min–max):",
      "  the base runs'"'"' TTD p50 within a gate: coefficient of variation \(range(.cv))",
      "  the per-round ratio aa/base − 1: a gate'"'"'s median \(range(.aa)), its interquartile range \(range(.iqr))"' "$out/p50.tsv"
fi

elapsed="$(( $(date +%s) - started_s ))"
echo "(base TTD p50 ${p50} ms; $gates gates × $rounds rounds × $n_arms arms (${arms[*]}, order $order) of one-to-one, $users users, one message per ${interval} each, $duration with $warmup warm-up; PIN=$pin, placement $placement; took $((elapsed / 60)) min $((elapsed % 60)) s; folders under $out)"
echo "(command: GATES=$gates ROUNDS=$rounds USERS=$users INTERVAL=$interval DURATION=$duration WARMUP=$warmup PIN=$pin ARMS=\"${arms[*]}\" ORDER=$order bench/gate-accuracy.sh)"
