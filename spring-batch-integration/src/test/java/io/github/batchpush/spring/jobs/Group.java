package io.github.batchpush.spring.jobs;

import io.github.batchpush.testing.Pushgateway;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** One group as the real Pushgateway holds it, read the way the tests compare it with the JobRepository. */
record Group(Map<String, Double> metrics) {

  static Group of(Pushgateway gateway, String job) {
    return of(gateway, job, Map.of());
  }

  static Group of(Pushgateway gateway, String job, Map<String, String> labels) {
    return new Group(gateway.group(job, labels));
  }

  /** A run-level gauge such as {@code batch_job_exit_code}, or null. */
  Double get(String metric) {
    return metrics.get(metric);
  }

  /** A step gauge such as {@code batch_job_step_items_read{step="load"}}, or null. */
  Double step(String metric, String step) {
    return metrics.get(metric + "{step=" + step + "}");
  }

  /** The steps the group has series for. */
  Set<String> steps() {
    Set<String> steps = new TreeSet<>();
    String prefix = "batch_job_step_exit_code{step=";
    metrics.keySet().stream().filter(k -> k.startsWith(prefix))
        .forEach(k -> steps.add(k.substring(prefix.length(), k.length() - 1)));
    return steps;
  }
}
