#!/bin/sh
# Start-up of `batchpush run --job x -- true` against the hand-written shell wrapper (date + curl POST of the same
# gauges, shell-wrapper.sh), side by side in one hyperfine run against a local Pushgateway; then batchpush's peak
# RSS from /usr/bin/time -v. Two more rows put the numbers in context: the issue's naive Java wrapper (java/
# NaiveWrapper.java: ProcessBuilder + simpleclient pushAdd, plain `java -cp`), and the floor, a JVM hello world
# with the launcher's own flags: no Java program can start faster than that on this machine.
# Needs: hyperfine, time (/usr/bin/time), curl, prometheus-pushgateway, a JDK (javac), a built target/batchpush
# (mvn -pl cli-runner package). JAVA_HOME picks the JVM, as for the launcher itself.
#
# Usage: cli-runner/bench/startup.sh [RUNS]
set -eu
runs=${1:-40}
here=$(cd "$(dirname "$0")" && pwd)
batchpush=${BATCHPUSH:-$here/../target/batchpush}
pushgateway=${PUSHGATEWAY:-/usr/bin/prometheus-pushgateway}
work=$(mktemp -d)
port=$((20000 + $$ % 20000))
"$pushgateway" --web.listen-address=127.0.0.1:$port --persistence.file= --log.level=error >"$work/gw.log" 2>&1 &
gw=$!
trap 'kill $gw 2>/dev/null; rm -rf "$work"' EXIT INT TERM
i=0
until curl -fs "http://127.0.0.1:$port/-/ready" >/dev/null; do
  i=$((i + 1)); [ $i -lt 100 ] || { echo "pushgateway did not start: $(cat "$work/gw.log")" >&2; exit 1; }
  sleep 0.1
done
export BATCHPUSH_GATEWAY=http://127.0.0.1:$port XDG_CACHE_HOME=$work/cache BATCHPUSH_SPOOL_DIR=$work/spool

# The first run builds the class-data archive in the background; measure the runs after it, as cron sees them.
"$batchpush" run --job x -- true
i=0
until ls "$work/cache/batchpush/"batchpush-*.jsa "$work/cache/batchpush/"batchpush-*.aot 2>/dev/null | grep -q .; do
  i=$((i + 1)); [ $i -lt 600 ] || { echo "no class archive after 60 s; measuring without" >&2; break; }
  sleep 0.1
done
sleep 1

# The launcher's own JVM and flags (read from the launcher, so that the floor moves with them).
bin=${JAVA_HOME:+$JAVA_HOME/bin/}
flags=$(sed -n '/^flags="/{s/^flags="\(.*\)"$/\1/p;q}' "$batchpush")
[ -n "$flags" ] || { echo "no flags= line in $batchpush" >&2; exit 1; }
"${bin}javac" --release 17 -d "$work/classes" -cp "$batchpush" "$here/java/NaiveWrapper.java" "$here/java/HelloWorld.java"

hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/h.json" \
  -n shell-wrapper "$here/shell-wrapper.sh x true" \
  -n batchpush "$batchpush run --job x -- true" \
  -n batchpush-without-archive "env BATCHPUSH_CDS=off $batchpush run --job x -- true" \
  -n naive-java-wrapper "${bin}java -cp $work/classes:$batchpush NaiveWrapper x true" \
  -n jvm-hello-world "${bin}java $flags -cp $work/classes HelloWorld" >&2

medians=$(awk -F'[:,]' '/"median"/ { gsub(/ /, "", $2); print $2 }' "$work/h.json")
rss=0
for _ in 1 2 3 4 5; do
  kb=$(/usr/bin/time -v "$batchpush" run --job x -- true 2>&1 | awk -F': ' '/Maximum resident set size/ { print $2 }')
  [ "$kb" -gt "$rss" ] && rss=$kb
done
echo "$medians" | awk -v r="$rss" -v jv="$("$batchpush" --version | tail -1)" '
  { m[NR] = $1 * 1000 }
  END {
    printf "JVM                        %s\n", jv
    printf "%-26s %8s %8s\n", "", "median", "ratio"
    printf "%-26s %6.1f ms %7.2fx\n", "shell wrapper", m[1], 1
    printf "%-26s %6.1f ms %7.2fx (goal <= 2.5)\n", "batchpush", m[2], m[2] / m[1]
    printf "%-26s %6.1f ms %7.2fx (BATCHPUSH_CDS=off)\n", "batchpush without archive", m[3], m[3] / m[1]
    printf "%-26s %6.1f ms %7.2fx\n", "naive Java wrapper", m[4], m[4] / m[1]
    printf "%-26s %6.1f ms %7.2fx (the floor for any JVM program here)\n", "JVM hello world", m[5], m[5] / m[1]
    printf "batchpush peak RSS         %6.1f MiB (goal <= 64)\n", r / 1024
  }'
