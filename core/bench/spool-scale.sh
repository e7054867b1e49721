#!/usr/bin/env bash
# What a run through the spool costs as the spool's history grows, on this tree and on a baseline commit, side by
# side in one run against a real Pushgateway on loopback (see SpoolScaleBenchmark for what is measured):
#   median per-run latency, fresh spool vs one that served 10,000 groups over 50 gateway URLs, and their ratio;
#   median per-run latency with 10,000 runs waiting for another gateway; one run ahead of a backlog of 10,000
#   runs; and the time flush takes to drain that backlog.
# The baseline is built in a temporary git worktree (removed afterwards) with this tree's benchmark driver.
# Usage: core/bench/spool-scale.sh [BASELINE_COMMIT] [RUNS]     (default 0026fbe, 200)
# Extra Maven options (e.g. -o -Dmaven.repo.local=DIR) go in MAVEN_OPTIONS.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
baseline=${1:-0026fbe}
runs=${2:-200}
read -r -a mvn_options <<<"${MAVEN_OPTIONS:-}"
driver=core/src/test/java/io/github/batchpush/bench/SpoolScaleBenchmark.java

# Builds core's test classes in $1; prints the class path to run the driver with.
build() {
  local log
  log=$(mktemp)
  (cd "$1" && mvn -q -B "${mvn_options[@]}" -pl core test-compile >"$log" 2>&1) || { tail -30 "$log" >&2; exit 1; }
  (cd "$1/core" && mvn -q -B "${mvn_options[@]}" dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/spool-scale.classpath >/dev/null)
  echo "$1/core/target/test-classes:$1/core/target/classes:$(cat "$1/core/target/spool-scale.classpath")"
}

measure() {
  local log
  log=$(mktemp)
  java -XX:+UseSerialGC -cp "$1" io.github.batchpush.bench.SpoolScaleBenchmark "$runs" >"$log" 2>&1 \
    || { tail -30 "$log" >&2; exit 1; }
  grep -E '^[a-z_]+=' "$log"
}

old=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$old" >/dev/null 2>&1 || rm -rf "$old"' EXIT
git -C "$root" worktree add --detach "$old" "$baseline" >/dev/null 2>&1
mkdir -p "$old/$(dirname "$driver")" && cp "$root/$driver" "$old/$driver"

echo "building this tree and $baseline ..." >&2
cp_new=$(build "$root")
cp_old=$(build "$old")
echo "measuring $baseline ..." >&2
before=$(measure "$cp_old")
echo "measuring this tree ..." >&2
after=$(measure "$cp_new")

value() { echo "$1" | sed -n "s/^$2=//p"; }
printf '%-58s %14s %14s\n' "" "$baseline" "this tree"
row() { printf '%-58s %14s %14s\n' "$1" "$(value "$before" "$2")" "$(value "$after" "$2")"; }
row "median ms per run, fresh spool" fresh_median_ms
row "median ms per run, spool that served 10,000 groups/50 URLs" history_median_ms
row "  ratio history/fresh (goal <= 1.5)" history_ratio
row "median ms per run, 10,000 runs waiting for another gateway" waiting_median_ms
row "  ratio waiting/fresh" waiting_ratio
row "ms for one run ahead of a backlog of 10,000 runs" ahead_ms
row "  that run delivered (1) or spooled (0)" ahead_delivered
row "  spooled runs its delivery left for later" ahead_left
row "s for flush to drain the 10,000 runs (goal <= 30)" drain_s
