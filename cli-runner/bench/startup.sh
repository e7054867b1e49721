#!/bin/sh
# Start-up of `batchpush run --job x -- true` against the hand-written shell wrapper (date + curl POST of the same
# gauges, shell-wrapper.sh), side by side in one hyperfine run against a local Pushgateway; then batchpush's peak
# RSS from /usr/bin/time -v. Needs: hyperfine, time (/usr/bin/time), curl, prometheus-pushgateway, a built
# target/batchpush (mvn -pl cli-runner package). JAVA_HOME picks the JVM, as for the launcher itself.
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
until ls "$work/cache/batchpush/"*.jsa >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -lt 600 ] || { echo "no CDS archive after 60 s; measuring without" >&2; break; }
  sleep 0.1
done
sleep 1

hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/h.json" \
  -n shell-wrapper "$here/shell-wrapper.sh x true" \
  -n batchpush "$batchpush run --job x -- true" \
  -n batchpush-without-cds "env BATCHPUSH_CDS=off $batchpush run --job x -- true" >&2

medians=$(awk -F'[:,]' '/"median"/ { gsub(/ /, "", $2); print $2 }' "$work/h.json")
shell=$(echo "$medians" | sed -n 1p)
java=$(echo "$medians" | sed -n 2p)
nocds=$(echo "$medians" | sed -n 3p)
rss=0
for _ in 1 2 3 4 5; do
  kb=$(/usr/bin/time -v "$batchpush" run --job x -- true 2>&1 | awk -F': ' '/Maximum resident set size/ { print $2 }')
  [ "$kb" -gt "$rss" ] && rss=$kb
done
awk -v s="$shell" -v j="$java" -v n="$nocds" -v r="$rss" -v jv="$("$batchpush" --version | tail -1)" 'BEGIN {
  printf "JVM                   %s\n", jv
  printf "shell wrapper median  %7.1f ms\n", s * 1000
  printf "batchpush median      %7.1f ms\n", j * 1000
  printf "ratio                 %7.2f    (goal <= 2.5)\n", j / s
  printf "batchpush without CDS %7.1f ms (BATCHPUSH_CDS=off, for comparison)\n", n * 1000
  printf "batchpush peak RSS    %7.1f MiB (goal <= 64)\n", r / 1024
}'
