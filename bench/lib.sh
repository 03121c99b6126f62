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

# the JDK ./murm runs on (its find_jdk): JAVA_HOME when it is 21 or newer, else the newest JDK 21+
# under /usr/lib/jvm; prints its home, or exits 2
find_jdk() {
  local best="" best_major=0 home major
  for home in ${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/*; do
    [ -x "$home/bin/javac" ] || continue
    major="$(java_major "$home/bin/java")"
    [ -n "$major" ] && [ "$major" -ge 21 ] || continue
    if [ -n "${JAVA_HOME:-}" ] && [ "$home" = "$JAVA_HOME" ]; then best="$home"; break; fi
    if [ "$major" -gt "$best_major" ]; then best="$home"; best_major="$major"; fi
  done
  [ -n "$best" ] || { echo "bench: no JDK 21 or newer found (JAVA_HOME, /usr/lib/jvm): install one, e.g. apt-get install -y openjdk-21-jdk-headless, or set JAVA_HOME" >&2; exit 2; }
  echo "$best"
}

# the major version of the java binary $1, or nothing
java_major() {
  "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\)[."].*/\1/p' | head -n 1
}
