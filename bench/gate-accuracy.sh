#!/usr/bin/env bash
# Gate accuracy experiment (results in docs/gate.md): how often does the gate fail a change that
# changes nothing, and how often does it catch a real regression? One local ejabberd; the runner
# reaches it through `murm proxy`, which delays what the server sends back by a fixed time. Each of
# GATES gates runs ROUNDS rounds of four arms, their order rotated every round:
#   base  through a proxy without delay
#   aa    the same proxy: an A/A gate, where any failure is a false one
#   p10   through a proxy adding 10 % of the base's TTD p50 (measured first, 3 calibration runs)
#   p25   the same with 25 %
# then `murm compare` judges base against each of aa, p10 and p25 with its default settings (the
# three gates of one group share the base runs). Prints one row per arm: verdicts, and the TTD p50
# change the gates measured; then the same for pairs of gates pooled into gates of twice the rounds.
#   bench/gate-accuracy.sh     env: GATES (20), ROUNDS (5), USERS (200), INTERVAL (200ms),
#                              DURATION (6s), WARMUP (3s)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
gates="${GATES:-20}"; rounds="${ROUNDS:-5}"; users="${USERS:-200}"; interval="${INTERVAL:-200ms}"
duration="${DURATION:-6s}"; warmup="${WARMUP:-3s}"
command -v jq >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -q jq >/dev/null; } || { echo "bench: needs jq: apt-get install -y jq" >&2; exit 2; }
murm="$here/murm"
"$murm" --version >/dev/null # builds once, before anything is timed

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

background server "run against it with" "$murm" server ejabberd --users "$users"
server="$(sed -n 's/.*--target \([^ ]*\).*/\1/p' "$out/server.log" | head -n 1)"
declare -A target
proxy() { # arm name delay: starts a proxy, the arm's target
  background "$2" "proxy on" "$murm" proxy --to "$server" --delay "$3"
  target[$1]="$(sed -n 's/^proxy on \([^ ]*\) .*/\1/p' "$out/$2.log")"
}

run() { # arm target folder
  "$murm" run one-to-one --target "$2" --accounts existing --users "$users" \
    --arrival-rate 400 -Pmessages=0 -Pinterval="$interval" --duration "$duration" \
    --warm-up "$warmup" --runs-dir "$3" --quiet > "$3.log" 2>&1 || true
}

proxy base proxy-0 0; target[aa]="${target[base]}"
echo "bench: ejabberd at $server; calibrating the delays on ${target[base]}" >&2
for i in 1 2 3; do run base "${target[base]}" "$out/calibration"; done
p50="$(jq -s '[.[].ttd_ms.p50] | sort | .[1]' "$out"/calibration/*/summary.json)"
d10="$(jq -n --argjson m "$p50" '$m * 0.10 * 1000 | round')"; d25="$(jq -n --argjson m "$p50" '$m * 0.25 * 1000 | round')"
proxy p10 proxy-10 "$(jq -n --argjson us "$d10" '$us / 1000')ms"
proxy p25 proxy-25 "$(jq -n --argjson us "$d25" '$us / 1000')ms"
echo "bench: base TTD p50 ${p50} ms: p10 adds ${d10} µs, p25 adds ${d25} µs" >&2

arms=(base aa p10 p25)
for g in $(seq -w 1 "$gates"); do
  for r in $(seq 0 $((rounds - 1))); do
    for k in 0 1 2 3; do
      arm="${arms[$(((k + r) % 4))]}"
      mkdir -p "$out/g$g/$arm"; run "$arm" "${target[$arm]}" "$out/g$g/$arm"
    done
  done
  for arm in aa p10 p25; do
    "$murm" compare --base "$out/g$g/base" --head "$out/g$g/$arm" --json "$out/g$g/$arm.json" \
      > "$out/g$g/$arm.txt" 2>&1 || true
  done
  echo "bench: gate $g/$gates: $(for a in aa p10 p25; do printf '%s %s  ' "$a" "$(jq -r .verdict "$out/g$g/$a.json" 2>/dev/null || echo error)"; done)" >&2
done

printf '\n%-5s %-9s %-6s %-8s %-8s %-8s %-28s %s\n' arm delay gates failure neutral success "TTD p50 change: median (min–max)" "failing metrics"
for arm in aa p10 p25; do
  delay=0; [ "$arm" = p10 ] && delay="$d10"; [ "$arm" = p25 ] && delay="$d25"
  jq -rs --arg arm "$arm" --arg delay "${delay}µs" '
    def pct: (. - 1) * 1000 | round / 10 | tostring + "%";
    def count(v): map(select(.verdict == v)) | length;
    ([.[].metrics[] | select(.metric == "ttd.p50") | .ratio] | sort) as $r
    | [ $arm, $delay, length, count("failure"), count("neutral"), count("success"),
        "\($r[(($r | length) / 2 | floor)] | pct) (\($r[0] | pct)–\($r[-1] | pct))",
        ([.[].metrics[] | select(.verdict == "failure") | .metric] | group_by(.) | map("\(.[0])×\(length)") | join(" ")) ]
    | @tsv' "$out"/g*/"$arm".json | awk -F'\t' '{ printf "%-5s %-9s %-6s %-8s %-8s %-8s %-28s %s\n", $1, $2, $3, $4, $5, $6, $7, $8 }'
done
# the same runs again, two gates' runs pooled into one gate of twice the rounds: what more rounds buy
printf '\n%-5s %-9s %-6s %-8s %-8s %-8s (pairs of gates pooled: %d rounds each)\n' arm delay gates failure neutral success $((2 * rounds))
for arm in aa p10 p25; do
  delay=0; [ "$arm" = p10 ] && delay="$d10"; [ "$arm" = p25 ] && delay="$d25"
  declare -A n=([failure]=0 [neutral]=0 [success]=0); pairs=0
  for i in $(seq 1 2 $((gates - 1))); do
    a="$out/g$(printf "%0${#gates}d" "$i")"; b="$out/g$(printf "%0${#gates}d" $((i + 1)))"
    v="$("$murm" compare --base "$a/base" "$b/base" --head "$a/$arm" "$b/$arm" 2>/dev/null | sed -n 's/^verdict: \([a-z]*\).*/\1/p')" || true
    [ -n "$v" ] && n[$v]=$((${n[$v]} + 1)); pairs=$((pairs + 1))
  done
  printf '%-5s %-9s %-6s %-8s %-8s %-8s\n' "$arm" "${delay}µs" "$pairs" "${n[failure]}" "${n[neutral]}" "${n[success]}"
  unset n
done
echo "(base TTD p50 ${p50} ms; $gates gates × $rounds rounds × 4 arms of one-to-one, $users users, one message per ${interval} each, $duration with $warmup warm-up; folders under $out)"
