#!/bin/sh
# The baseline batchpush is measured against: what a careful admin writes by hand. Runs COMMAND, then POSTs the
# same gauges batchpush pushes (duration, start, completion, exit code, last success) with curl.
# Usage: shell-wrapper.sh JOB COMMAND [ARGS...]
job=$1
shift
gateway=${BATCHPUSH_GATEWAY:-http://localhost:9091}
start=$(date +%s.%N)
"$@"
code=$?
end=$(date +%s.%N)
{
  echo "# TYPE batch_job_duration_seconds gauge"
  echo "batch_job_duration_seconds $(echo "$end - $start" | awk '{print $1 - $3}')"
  echo "# TYPE batch_job_last_start_timestamp_seconds gauge"
  echo "batch_job_last_start_timestamp_seconds $start"
  echo "# TYPE batch_job_last_completion_timestamp_seconds gauge"
  echo "batch_job_last_completion_timestamp_seconds $end"
  echo "# TYPE batch_job_exit_code gauge"
  echo "batch_job_exit_code $code"
  if [ "$code" -eq 0 ]; then
    echo "# TYPE batch_job_last_success_timestamp_seconds gauge"
    echo "batch_job_last_success_timestamp_seconds $end"
  fi
} | curl -sS --max-time 10 --data-binary @- "$gateway/metrics/job/$job" >&2
exit "$code"
