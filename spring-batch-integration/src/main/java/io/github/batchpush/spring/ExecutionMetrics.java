package io.github.batchpush.spring;

import io.github.batchpush.JobRun;
import io.github.batchpush.MetricNames;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ConcurrentModificationException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.partition.PartitionStep;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.util.ClassUtils;

/**
 * The item counts and step series of one job execution, counted as the JobRepository counts them:
 *
 * <ul>
 *   <li>Job totals sum the job's top-level step executions. A partitioned step's manager already adds up its
 *       workers, so worker executions ({@code <worker step>:<partition>}) are left out of the totals.
 *   <li>Worker executions fold into one series named after the worker step: the series do not grow with the
 *       partition count. Their exit code is the worst of theirs, as the manager aggregates it.
 *   <li>A step executed several times in one job execution (a decider loop) sums its counts and durations; its exit
 *       code is its last execution's.
 * </ul>
 */
final class ExecutionMetrics {
  /** How Spring Batch names a worker's execution: {@code <worker step>:<partition>}. */
  private static final char PARTITION_SEPARATOR = ':';

  private ExecutionMetrics() {}

  /** How an execution's status becomes an exit code; an interrupted run maps the steps still running its own way. */
  interface ExitCodes {
    int of(BatchStatus status, ExitStatus exitStatus);
  }

  /** Records the totals and the step series of {@code execution} on {@code run}. */
  static void record(JobRun run, JobExecution execution, ExitCodes exitCodes) {
    List<StepExecution> steps = stepExecutions(execution);
    boolean partitioned = steps.stream().anyMatch(ExecutionMetrics::isPartitionManager);
    Set<String> topLevel = new HashSet<>();
    steps.stream().filter(s -> workerStep(s, partitioned) == null).forEach(s -> topLevel.add(s.getStepName()));
    Map<String, Series> series = new LinkedHashMap<>();
    long read = 0;
    long written = 0;
    long skipped = 0;
    for (StepExecution step : steps) {
      String worker = workerStep(step, partitioned);
      if (worker == null) {
        series.computeIfAbsent(step.getStepName(), n -> new Series()).add(step, false);
        read += step.getReadCount();
        written += step.getWriteCount();
        skipped += step.getSkipCount();
      } else if (!topLevel.contains(worker)) {
        // A worker step named like its manager is already counted in the manager's execution.
        series.computeIfAbsent(worker, n -> new Series()).add(step, true);
      }
    }
    run.gauge(MetricNames.ITEMS_READ, read);
    run.gauge(MetricNames.ITEMS_WRITTEN, written);
    run.gauge(MetricNames.ITEMS_SKIPPED, skipped);
    series.forEach((name, s) -> s.record(run, name, exitCodes));
  }

  /**
   * The step executions in the order they were added. The job's own thread may add one while a shutdown reads them
   * ({@code getStepExecutions()} copies an unlocked list), so a copy that raced is taken again.
   */
  private static List<StepExecution> stepExecutions(JobExecution execution) {
    for (int attempt = 1; ; attempt++) {
      try {
        return List.copyOf(execution.getStepExecutions());
      } catch (ConcurrentModificationException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  /** The worker step that {@code step} is a partition of, or null for a top-level step execution. */
  private static String workerStep(StepExecution step, boolean partitioned) {
    int separator = step.getStepName().indexOf(PARTITION_SEPARATOR);
    return partitioned && separator > 0 ? step.getStepName().substring(0, separator) : null;
  }

  private static boolean isPartitionManager(StepExecution step) {
    Object type = step.getExecutionContext().get(Step.STEP_TYPE_KEY);
    if (!(type instanceof String className)) {
      return false;
    }
    try {
      return PartitionStep.class.isAssignableFrom(ClassUtils.forName(className, PartitionStep.class.getClassLoader()));
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  static double seconds(LocalDateTime start, LocalDateTime end) {
    if (start == null) {
      return 0;
    }
    Duration d = Duration.between(start, end != null ? end : LocalDateTime.now());
    return Math.max(0, d.toNanos() / 1e9);
  }

  /** One {@code step} series: the executions of one step, or the workers of one partitioned step. */
  private static final class Series {
    long read;
    long written;
    long skipped;
    double seconds;
    BatchStatus status;
    ExitStatus exitStatus;

    void add(StepExecution step, boolean worker) {
      read += step.getReadCount();
      written += step.getWriteCount();
      skipped += step.getSkipCount();
      seconds += seconds(step.getStartTime(), step.getEndTime());
      if (worker && status != null) {
        status = BatchStatus.max(status, step.getStatus());
        exitStatus = exitStatus.and(step.getExitStatus());
      } else {
        status = step.getStatus();
        exitStatus = step.getExitStatus();
      }
    }

    void record(JobRun run, String step, ExitCodes exitCodes) {
      run.stepGauge(step, MetricNames.DURATION, seconds);
      run.stepGauge(step, MetricNames.EXIT_CODE, exitCodes.of(status, exitStatus));
      run.stepGauge(step, MetricNames.ITEMS_READ, read);
      run.stepGauge(step, MetricNames.ITEMS_WRITTEN, written);
      run.stepGauge(step, MetricNames.ITEMS_SKIPPED, skipped);
    }
  }
}
