#!/bin/sh
# Start-up of `batchpush run --job x -- true` against the hand-written shell wrapper (date + curl POST of the same
# gauges, shell-wrapper.sh), side by side in one hyperfine run against a local Pushgateway; then batchpush's peak
# RSS from /usr/bin/time -v. Two more rows put the numbers in context: the issue's naive Java wrapper (java/
# NaiveWrapper.java: ProcessBuilder + simpleclient pushAdd, plain `java -cp`), and the floor, a JVM hello world
# with the launcher's own flags: no Java program can start faster than that on this machine.
# Needs: hyperfine, time (/usr/bin/time), curl, prometheus-pushgateway, a JDK (javac), a built target/batchpush
# (mvn -pl cli-runner package). JAVA_HOME picks the JVM, as for the launcher itself. BASELINE names another
# batchpush launcher (an older build, say) to time in the same hyperfine run, with its own archive: a change's cost
# is then the ratio of the two medians, measured side by side on the same noisy machine.
#
# Usage: [BASELINE=path/to/old/batchpush] cli-runner/bench/startup.sh [RUNS]
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
archives() {
  ls "$work/cache/batchpush/"batchpush-*.jsa "$work/cache/batchpush/"batchpush-*.aot 2>/dev/null | wc -l
}
want=0
for launcher in "$batchpush" ${BASELINE:+"$BASELINE"}; do
  want=$((want + 1))
  "$launcher" run --job x -- true
  i=0
  until [ "$(archives)" -ge $want ]; do
    i=$((i + 1)); [ $i -lt 600 ] || { echo "no class archive for $launcher after 60 s; measuring without" >&2; break; }
    sleep 0.1
  done
done
sleep 1

# The launcher's own JVM and flags (read from the launcher, so that the floor moves with them).
bin=${JAVA_HOME:+$JAVA_HOME/bin/}
flags=$(sed -n '/^bp_flags="/{s/^bp_flags="\(.*\)"$/\1/;s/^\$bp_flags //;p;}; /^exec /q' "$batchpush" | tr '\n' ' ')
[ -n "$flags" ] || { echo "no bp_flags= line in $batchpush" >&2; exit 1; }
"${bin}javac" --release 17 -d "$work/classes" -cp "$batchpush" "$here/java/NaiveWrapper.java" "$here/java/HelloWorld.java"

hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/h.json" \
  -n shell-wrapper "$here/shell-wrapper.sh x true" \
  -n batchpush "$batchpush run --job x -- true" \
  ${BASELINE:+-n} ${BASELINE:+baseline} ${BASELINE:+"$BASELINE run --job x -- true"} \
  -n batchpush-without-archive "env BATCHPUSH_CDS=off $batchpush run --job x -- true" \
  -n naive-java-wrapper "${bin}java -cp $work/classes:$batchpush NaiveWrapper x true" \
  -n jvm-hello-world "${bin}java $flags -cp $work/classes HelloWorld" >&2

# "name median" per benchmark; the baseline, when timed, runs right after batchpush, so that the two see the same
# machine as nearly as hyperfine allows.
medians=$(awk -F'"' '/"command"/ { name = $4 } /"median"/ { v = $3; gsub(/[: ,]/, "", v); print name, v }' \
  "$work/h.json")

# hyperfine times one command after the other, and on a shared machine the load drifts in between. So batchpush and
# the baseline are timed once more, interleaved: rounds of 2 runs each, in alternating order; "name seconds" lines.
interleaved=
if [ -n "${BASELINE:-}" ]; then
  round=0
  while [ $round -lt $((runs / 2)) ]; do
    if [ $((round % 2)) = 0 ]; then
      set -- -n batchpush "$batchpush run --job x -- true" -n baseline "$BASELINE run --job x -- true"
    else
      set -- -n baseline "$BASELINE run --job x -- true" -n batchpush "$batchpush run --job x -- true"
    fi
    hyperfine -N --runs 2 --export-json "$work/round.json" "$@" >/dev/null 2>&1
    awk -F'"' '/"command"/ { name = $4 } /"times"/ { t = 1; next } t && /\]/ { t = 0 }
      t { v = $0; gsub(/[ ,]/, "", v); print name, v }' "$work/round.json" >>"$work/interleaved"
    round=$((round + 1))
  done
  interleaved=$(for name in batchpush baseline; do
    awk -v n=$name '$1 == n { print $2 }' "$work/interleaved" | sort -g | awk -v n=$name '{ v[NR] = $1 }
      END { print n "-interleaved", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
  done)
fi
rss=0
for _ in 1 2 3 4 5; do
  kb=$(/usr/bin/time -v "$batchpush" run --job x -- true 2>&1 | awk -F': ' '/Maximum resident set size/ { print $2 }')
  [ "$kb" -gt "$rss" ] && rss=$kb
done
printf '%s\n%s\n' "$medians" "$interleaved" | awk -v r="$rss" -v jv="$("$batchpush" --version | tail -1)" '
  { m[$1] = $2 * 1000 }
  END {
    w = m["shell-wrapper"]
    printf "JVM                        %s\n", jv
    printf "%-26s %8s %8s\n", "", "median", "ratio"
    printf "%-26s %6.1f ms %7.2fx\n", "shell wrapper", w, 1
    printf "%-26s %6.1f ms %7.2fx (goal <= 2.5)\n", "batchpush", m["batchpush"], m["batchpush"] / w
    if ("baseline" in m) printf "%-26s %6.1f ms %7.2fx (batchpush / baseline: %.3f)\n", "baseline batchpush",
      m["baseline"], m["baseline"] / w, m["batchpush"] / m["baseline"]
    if ("baseline-interleaved" in m) printf "%-26s %6.1f ms vs %.1f ms (batchpush / baseline: %.3f)\n",
      "interleaved runs", m["batchpush-interleaved"], m["baseline-interleaved"],
      m["batchpush-interleaved"] / m["baseline-interleaved"]
    printf "%-26s %6.1f ms %7.2fx (BATCHPUSH_CDS=off)\n", "batchpush without archive",
      m["batchpush-without-archive"], m["batchpush-without-archive"] / w
    printf "%-26s %6.1f ms %7.2fx\n", "naive Java wrapper", m["naive-java-wrapper"], m["naive-java-wrapper"] / w
    printf "%-26s %6.1f ms %7.2fx (the floor for any JVM program here)\n", "JVM hello world",
      m["jvm-hello-world"], m["jvm-hello-world"] / w
    printf "batchpush peak RSS         %6.1f MiB (goal <= 64)\n", r / 1024
  }'
