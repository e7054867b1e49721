#!/bin/sh
# Median time of a trivial Spring Batch job without and with BatchPushJobListener, next to core's own push
# (start() + close() of a JobRun, no Spring), interleaved in one JVM against a real Pushgateway (Debian's
# prometheus-pushgateway) on loopback.
# Usage: listener-overhead.sh [runs] [maven options, e.g. -Dmaven.repo.local=DIR]
set -eu
module="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-300}"
[ $# -gt 0 ] && shift
cd "$module/.."
# Built from the reactor, so the listener runs against this checkout's core, not an installed one.
mvn -q -o "$@" -pl spring-batch-integration -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.classpath
cd "$module"
exec java -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.github.batchpush.spring.ListenerOverhead "$runs"
