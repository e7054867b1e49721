#!/bin/sh
# Median time of a trivial Spring Batch job without and with BatchPushJobListener, side by side in one JVM,
# against a real Pushgateway (Debian's prometheus-pushgateway) on loopback. Usage: listener-overhead.sh [runs]
set -eu
module="$(cd "$(dirname "$0")/.." && pwd)"
cd "$module"
mvn -q -o test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.github.batchpush.spring.ListenerOverhead "${1:-300}"
