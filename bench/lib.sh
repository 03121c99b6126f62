# Shared by the bench scripts (sourced, not run).

# sample PID every second into FILE: "rss_kib threads cpu_ticks", until the process is gone
sample() {
  while [ -r "/proc/$1/stat" ]; do
    local rss thr ticks
    rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null)" || break
    thr="$(awk '/^Threads:/ {print $2}' "/proc/$1/status" 2>/dev/null)" || break
    ticks="$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $12 + $13}')" || break
    [ -n "$rss" ] && echo "$rss $thr $ticks" >> "$2"
    sleep 1
  done
}

# nearest-rank percentile P of the sorted numbers in FILE, with DECIMALS (3) decimals; "-" when empty
pct() {
  awk -v p="$2" -v d="${3:-3}" '{v[NR]=$1} END{ if (NR==0) {print "-"; exit}; r=int((p/100)*NR + 0.999999); if (r<1) r=1; if (r>NR) r=NR; printf "%.*f", d, v[r]}' "$1"
}

# shellcheck source=jdk.sh
source "$(dirname "${BASH_SOURCE[0]}")/../jdk.sh" # java_major, find_jdk: the JDK ./murm runs on
