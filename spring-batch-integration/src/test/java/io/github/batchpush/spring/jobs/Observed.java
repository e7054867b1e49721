package io.github.batchpush.spring.jobs;

import io.github.batchpush.spring.jobs.BatchTables.JobRow;
import io.github.batchpush.spring.jobs.BatchTables.StepRow;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints what a test compared, the repository's rows next to the gateway's group, to the test's output
 * ({@code target/surefire-reports/*-output.txt}): a record of the numbers, not an assertion.
 */
final class Observed {
  private Observed() {}

  static void print(String testCase, BatchTables tables, long executionId, Group group) {
    JobRow job = tables.job(executionId);
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "[observed] %s%n  repository: execution %d %s / %s%n", testCase, executionId, job.status(), job.exitCode()));
    for (StepRow step : tables.steps(executionId)) {
      out.append(String.format(Locale.ROOT, "    step %-22s %-9s read %3d written %3d skipped %2d %.6f s%n",
          step.name(), step.status(), step.read(), step.written(), step.skipped(), step.seconds()));
    }
    out.append("  gateway:\n");
    Map<String, Double> sorted = new TreeMap<>(group.metrics());
    sorted.forEach((name, value) -> {
      if (!name.contains("timestamp") && !name.startsWith("push_")) {
        out.append(String.format(Locale.ROOT, "    %-58s %s%n", name, value));
      }
    });
    System.out.print(out);
  }
}
