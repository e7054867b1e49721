#!/usr/bin/env bash
# Median and p99 of batchpush start()+close() against a raw simpleclient pushAdd of the same gauges, to one real
# Pushgateway on loopback, measured side by side in one JMH run. Usage: core/bench/run.sh [extra JMH options]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -f ../pom.xml -pl core test-compile
cp_file=target/bench.classpath
mvn -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
out=target/bench-result.txt
java -cp "target/test-classes:target/classes:$(cat "$cp_file")" org.openjdk.jmh.Main PushBenchmark \
  -f 1 -wi "${WARMUPS:-3}" -w 2s -i "${ITERATIONS:-5}" -r 3s -t 1 -rf text -rff "$out" "$@" >target/bench.log 2>&1 \
  || { tail -50 target/bench.log; exit 1; }
awk '
  /PushBenchmark\.[a-zA-Z]+:p0\.50 / { split($1, a, "[.:]"); p50[a[2]] = $(NF-1) }
  /PushBenchmark\.[a-zA-Z]+:p0\.99 / { split($1, a, "[.:]"); p99[a[2]] = $(NF-1) }
  END {
    b = "batchpushStartClose"; r = "rawSimpleclientPushAdd"
    printf "%-26s %12s %12s\n", "", "median (us)", "p99 (us)"
    printf "%-26s %12.1f %12.1f\n", b, p50[b], p99[b]
    printf "%-26s %12.1f %12.1f\n", r, p50[r], p99[r]
    printf "ratio median %.2fx, p99 %.2fx (goal: median <= 1.5x)\n", p50[b] / p50[r], p99[b] / p99[r]
  }' "$out"
