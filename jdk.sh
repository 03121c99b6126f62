# Which JDK Murmuration's scripts run on (sourced by ./murm and bench/lib.sh, not run).

# the major version of the java binary $1, or nothing
java_major() {
  "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\)[."].*/\1/p' | head -n 1
}

# JAVA_HOME when it is a JDK 21 or newer, else the newest JDK 21+ under /usr/lib/jvm; prints its
# home, or exits 2 naming the fix. A JDK is a home with bin/javac, or with bin/$1 when given
# (java: a runtime is enough).
find_jdk() {
  local best="" best_major=0 home major
  for home in ${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/*; do
    [ -x "$home/bin/${1:-javac}" ] || continue
    major="$(java_major "$home/bin/java")"
    [ -n "$major" ] && [ "$major" -ge 21 ] || continue
    if [ -n "${JAVA_HOME:-}" ] && [ "$home" = "$JAVA_HOME" ]; then best="$home"; break; fi
    if [ "$major" -gt "$best_major" ]; then best="$home"; best_major="$major"; fi
  done
  [ -n "$best" ] || { echo "$(basename "$0"): no JDK 21 or newer found (JAVA_HOME, /usr/lib/jvm): install one, e.g. apt-get install -y openjdk-21-jdk-headless, or set JAVA_HOME" >&2; exit 2; }
  echo "$best"
}
