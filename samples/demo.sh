#!/usr/bin/env bash
# The batchpush demo, in one command from a fresh clone on Debian/Ubuntu with a JDK 17+:
#
#   bash samples/demo.sh
#
# It installs what is missing (maven, prometheus-pushgateway, prometheus, curl: Debian packages, when run as root),
# builds the project (mvn package, a line per module as it goes; nothing is installed into ~/.m2), starts a
# Pushgateway and a Prometheus on free loopback ports with the shipped alert rules (temporary directories, nothing
# persisted), runs the Spring Boot sample job once successfully and once failing, runs commands through the
# `batchpush run` CLI, registers a job that never runs, and prints what the gateway holds, what Prometheus reports
# and a summary. Everything it started is stopped when it ends; in a terminal it first waits for Enter so that you
# can look around in Prometheus's web UI. Piped into a file or a pager, it prints no colour codes.
#
#   DEMO_SKIP_BUILD=1   reuse the last build
#   DEMO_NO_WAIT=1      do not wait for Enter at the end, even in a terminal
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# Bold headings in a terminal only: piped, escape codes would end up as noise in the file or pager.
if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
say() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

# --- What the demo needs ------------------------------------------------------------------------------------------
command -v java >/dev/null 2>&1 && command -v javac >/dev/null 2>&1 \
  || die "a JDK 17 or newer is needed: apt-get install -y openjdk-17-jdk-headless"
missing=()
command -v mvn >/dev/null 2>&1 || missing+=(maven)
[ -x /usr/bin/prometheus-pushgateway ] || missing+=(prometheus-pushgateway)
{ [ -x /usr/bin/prometheus ] && [ -x /usr/bin/promtool ]; } || missing+=(prometheus)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "The demo needs these Debian packages: ${missing[*]}" >&2
    echo "Install them, then run the demo again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  say "Installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Build ----------------------------------------------------------------------------------------------------------
if [ "${DEMO_SKIP_BUILD:-}" != 1 ]; then
  say "Building (mvn -B package -DskipTests, a few minutes the first time; one line per module)"
  build_log=$(mktemp "${TMPDIR:-/tmp}/batchpush-demo-build.XXXXXX")
  started=$SECONDS
  # Maven's own "Building <module> ... [n/m]" lines, as they come (sed -u), the rest kept in the log.
  if ! mvn -B -ntp -Dstyle.color=never package -DskipTests 2>&1 | tee "$build_log" \
    | sed -un 's/^\[INFO\] Building \([^ ]*\) .*\[\([0-9]*\/[0-9]*\)\]$/  [\2] \1/p'; then
    tail -n 40 "$build_log" >&2
    die "the build failed; its whole log is $build_log"
  fi
  rm -f "$build_log"
  echo "  built in $((SECONDS - started)) s"
fi
cli="$root/cli-runner/target/batchpush"
app="$root/samples/spring-boot-batch/target/batchpush-sample-spring-boot-batch.jar"
rules="$root/samples/prometheus/batchpush-rules.yml"
[ -x "$cli" ] || die "$cli is missing: the build did not package the CLI"
[ -f "$app" ] || die "$app is missing: the build did not package the Spring Boot sample"

# --- Start a Pushgateway and a Prometheus ---------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/batchpush-demo.XXXXXX")
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
  [ ${#pids[@]} -eq 0 ] || echo "demo: stopped the Pushgateway and Prometheus it started (PIDs ${pids[*]})."
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A port nobody listens on (checked with bash's /dev/tcp, so nothing else is needed).
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  die "found no free loopback port"
}

# Waits until the process listens on its port, for at most 30 s.
await_listening() {
  local name=$1 pid=$2 port=$3 log=$4
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; die "$name exited at start-up (log above)"; }
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return
    fi
    sleep 0.1
  done
  cat "$log" >&2
  die "$name did not listen on 127.0.0.1:$port within 30 s"
}

gw_port=$(free_port)
/usr/bin/prometheus-pushgateway --web.listen-address="127.0.0.1:$gw_port" --persistence.file= --log.level=warn \
  >"$work/pushgateway.log" 2>&1 &
pids+=($!)
await_listening Pushgateway "$!" "$gw_port" "$work/pushgateway.log"
gateway="http://127.0.0.1:$gw_port"

# samples/prometheus/prometheus.yml with this gateway and intervals short enough to watch.
prom_port=$(free_port)
cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 2s
  evaluation_interval: 2s
rule_files:
  - $rules
scrape_configs:
  - job_name: pushgateway
    honor_labels: true
    static_configs:
      - targets: ['127.0.0.1:$gw_port']
EOF
/usr/bin/prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$prom_port" --log.level=warn >"$work/prometheus.log" 2>&1 &
pids+=($!)
await_listening Prometheus "$!" "$prom_port" "$work/prometheus.log"
prometheus="http://127.0.0.1:$prom_port"
echo "Pushgateway at $gateway, Prometheus at $prometheus (rules: samples/prometheus/batchpush-rules.yml)"

# Runs that cannot be delivered would be spooled here, not in your home directory.
export XDG_STATE_HOME="$work/state"
export BATCHPUSH_GATEWAY="$gateway"
# The launcher would train its start-up cache in a background JVM that outlives the demo; the demo leaves nothing.
export BATCHPUSH_CDS=off

# --- Run jobs -------------------------------------------------------------------------------------------------------
say "Spring Boot batch job nightly_report, @PushMetrics(maxAge = \"26h\"): a successful run"
java -jar "$app" --batchpush.gateway.url="$gateway" --logging.level.root=warn && status=0 || status=$?
echo "exit code: $status"

say "The same job with the job parameter fail=true"
java -jar "$app" --batchpush.gateway.url="$gateway" --logging.level.root=error fail=true >"$work/fail.log" 2>&1 \
  && status=0 || status=$?
grep -m 1 -o 'IllegalStateException: .*' "$work/fail.log" || true
echo "exit code: $status (Spring Boot exits with the ordinal of BatchStatus.FAILED)"

say "A command through the CLI: batchpush run --job demo_backup --max-age 26h -- sh -c '...'"
"$cli" run --job demo_backup --label team=ops --max-age 26h -- sh -c 'echo "backing up..."; sleep 1; echo done' \
  && status=0 || status=$?
echo "exit code: $status"

say "A command whose max age is 10 s: batchpush run --job demo_cleanup --max-age 10s -- true"
"$cli" run --job demo_cleanup --max-age 10s -- true && status=0 || status=$?
echo "exit code: $status; in 10 s its last success is older than its max age"

say "A job declared at install that never runs: batchpush register --job demo_never_ran --max-age 10s"
"$cli" register --job demo_never_ran --max-age 10s && status=0 || status=$?
echo "exit code: $status; it has no run at all, and in 10 s it pages all the same"

# --- What the gateway holds -----------------------------------------------------------------------------------------
say "What the Pushgateway holds ($gateway/metrics)"
curl -fsS "$gateway/metrics" | grep -E '^(batch_job_|push_time_seconds|push_failure_time_seconds)' | sort

# --- What Prometheus reports ----------------------------------------------------------------------------------------
query() {
  echo "\$ promtool query instant $prometheus '$1'"
  promtool query instant "$prometheus" "$1"
}
firing() {
  promtool query instant "$prometheus" 'ALERTS{alertstate="firing"}' 2>/dev/null || true
}

say "Waiting (at most 60 s) for Prometheus to scrape the gateway and evaluate the rules"
for _ in $(seq 1 60); do
  now=$(firing)
  if grep -q 'alertname="BatchJobLastRunFailed".*job="nightly_report"' <<<"$now" \
    && grep -q 'alertname="BatchJobNoRecentSuccess".*job="demo_cleanup"' <<<"$now" \
    && grep -q 'alertname="BatchJobNoRecentSuccess".*job="demo_never_ran"' <<<"$now"; then
    break
  fi
  sleep 1
done

say "What Prometheus reports"
query 'batch_job_exit_code'
query 'time() - batch_job_last_success_timestamp_seconds'
query 'batch_job_max_age_seconds'
say "Alerts (expected: BatchJobLastRunFailed for nightly_report, BatchJobNoRecentSuccess for demo_cleanup and demo_never_ran)"
query 'ALERTS'

# --- Summary --------------------------------------------------------------------------------------------------------
# One gauge of one job from the gateway's text exposition, e.g. `gauge batch_job_exit_code nightly_report`.
gauge() {
  curl -fsS "$gateway/metrics" | awk -v name="$1" -v job="job=\"$2\"" \
    'index($0, name "{") == 1 && index($0, job) { print $NF; exit }'
}
say "Summary"
success=$(gauge batch_job_last_success_timestamp_seconds nightly_report)
completion=$(gauge batch_job_last_completion_timestamp_seconds nightly_report)
code=$(gauge batch_job_exit_code nightly_report)
when() { [ -n "$1" ] && date -u -d "@$(printf '%.0f' "$1")" '+%Y-%m-%d %H:%M:%S UTC'; }
echo "* nightly_report, the Spring Boot job: look at this one. Its last run failed (exit code ${code:-?} at"
echo "  $(when "$completion" || echo '?')), and the success of the run before it is still on the gateway:"
echo "  batch_job_last_success_timestamp_seconds = ${success:-missing} ($(when "$success" || echo 'none'))."
echo "  The failed run was pushed with POST and without a last-success time, so it could not erase it: the failure"
echo "  raises BatchJobLastRunFailed (a ticket), and BatchJobNoRecentSuccess (a page) stays quiet until that success"
echo "  is older than the job's max age of 26 h."
echo "* demo_cleanup succeeded, but its max age is 10 s: BatchJobNoRecentSuccess fires once its success is older."
echo "* demo_never_ran never ran at all: declared with batchpush register, it pages once 10 s have passed without"
echo "  a success. Without the declaration a job that never runs has no series, and nothing could fire."

say "Prometheus web UI: $prometheus/alerts   (Pushgateway: $gateway)"
if [ -t 0 ] && [ "${DEMO_NO_WAIT:-}" != 1 ]; then
  read -r -p "Press Enter to stop the Pushgateway and Prometheus... " _ || true
fi
