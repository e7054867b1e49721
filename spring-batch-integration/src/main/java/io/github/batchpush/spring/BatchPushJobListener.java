package io.github.batchpush.spring;

import io.github.batchpush.BatchPush;
import io.github.batchpush.JobRun;
import io.github.batchpush.PushException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.step.StepExecution;

/**
 * Records each execution of a Spring Batch job as one batchpush run and pushes it when the job ends.
 *
 * <pre>{@code
 * BatchPush push = BatchPush.builder().gateway(URI.create("http://localhost:9091")).build();
 * Job job = new JobBuilder("invoice", repository)
 *     .listener(new BatchPushJobListener(push))
 *     .start(step)
 *     .build();
 * }</pre>
 *
 * <p>The run starts in {@code beforeJob} and is pushed synchronously in {@code afterJob}, so a run-and-exit
 * application cannot exit before its metrics are delivered. Exit codes:
 *
 * <table>
 *   <caption>Job status to exit code</caption>
 *   <tr><td>COMPLETED</td><td>0 (success: the last-success time is pushed)</td></tr>
 *   <tr><td>FAILED</td><td>1</td></tr>
 *   <tr><td>STOPPED, STOPPING</td><td>2</td></tr>
 *   <tr><td>ABANDONED</td><td>3</td></tr>
 *   <tr><td>UNKNOWN (and any other)</td><td>4</td></tr>
 * </table>
 *
 * <p>Besides core's gauges it pushes {@code <prefix>_items_read}, {@code _items_written} and {@code _items_skipped}
 * summed over the execution's steps, and per step (label {@code step}) {@code <prefix>_step_duration_seconds},
 * {@code _step_exit_code} (same mapping), {@code _step_items_read}, {@code _step_items_written} and
 * {@code _step_items_skipped}. A restarted execution reports the steps it ran.
 *
 * <p>A push problem never changes the job's status: it is logged (with a {@link BatchPush.Builder#strict strict}
 * {@code BatchPush} it is thrown from {@code afterJob}, which Spring Batch logs as an error), and the delay it adds
 * is bounded by the {@link BatchPush.Builder#deadline deadline}, twice with {@code pushAtStart}. One instance may
 * serve many jobs and concurrent executions. When several {@code BatchPushJobListener}s are registered on one job,
 * each execution is recorded once: by the one {@link PushMetrics @PushMetrics} registered if there is one, else by
 * the first.
 */
public final class BatchPushJobListener implements JobExecutionListener {
  private static final Logger LOG = LoggerFactory.getLogger(BatchPushJobListener.class);

  /**
   * In-flight runs of every listener, by execution object rather than id: the resourceless repository gives every
   * execution the id 1, so ids clash across concurrently running jobs. The key is the object Spring Batch hands to
   * both {@code beforeJob} and {@code afterJob}.
   */
  private static final Map<JobExecution, Claim> IN_FLIGHT = Collections.synchronizedMap(new IdentityHashMap<>());

  /** The execution last recorded on this thread, so that a second listener on the same job stays quiet. */
  private static final ThreadLocal<WeakReference<JobExecution>> RECORDED =
      ThreadLocal.withInitial(() -> new WeakReference<>(null));

  private final BatchPush push;
  private final String job;
  private final Duration maxAge;
  private final boolean fromAnnotation;

  /** Records executions under the Spring Batch job name, with {@code push}'s labels and settings. */
  public BatchPushJobListener(BatchPush push) {
    this(push, null, null);
  }

  /**
   * Records executions in the group {@code job} (null: the Spring Batch job name), declaring {@code maxAge} as the
   * freshness SLO (null: {@code push}'s default).
   */
  public BatchPushJobListener(BatchPush push, String job, Duration maxAge) {
    this(push, job, maxAge, false);
  }

  /** {@code fromAnnotation}: registered for {@link PushMetrics}, whose settings win over a hand-added listener's. */
  BatchPushJobListener(BatchPush push, String job, Duration maxAge, boolean fromAnnotation) {
    this.fromAnnotation = fromAnnotation;
    this.push = Objects.requireNonNull(push, "push == null");
    if (job != null && job.isEmpty()) {
      throw new IllegalArgumentException("Invalid job name: '' (give a name, or null for the Spring Batch job name)");
    }
    this.job = job;
    this.maxAge = maxAge;
  }

  /** The exit code pushed for an execution or step that ended with {@code status}; see the class comment. */
  public static int exitCode(BatchStatus status) {
    switch (status) {
      case COMPLETED: return 0;
      case FAILED: return 1;
      case STOPPED:
      case STOPPING: return 2;
      case ABANDONED: return 3;
      default: return 4;
    }
  }

  @Override
  public void beforeJob(JobExecution execution) {
    Claim claim = new Claim(this);
    synchronized (IN_FLIGHT) {
      Claim existing = IN_FLIGHT.get(execution);
      if (existing != null && (existing.owner.fromAnnotation || !fromAnnotation)) {
        return;
      }
      // Claimed before the (possibly slow) start push so a second listener on this job backs off; the
      // annotation's listener takes over from one added by hand, whose run is then never pushed.
      IN_FLIGHT.put(execution, claim);
    }
    claim.run = startQuietly(execution);
  }

  @Override
  public void afterJob(JobExecution execution) {
    JobRun run;
    synchronized (IN_FLIGHT) {
      Claim claim = IN_FLIGHT.get(execution);
      if (claim != null && claim.owner != this) {
        return;
      }
      if (claim == null && RECORDED.get().get() == execution) {
        return;
      }
      IN_FLIGHT.remove(execution);
      run = claim != null ? claim.run : null;
    }
    RECORDED.set(new WeakReference<>(execution));
    if (run == null) {
      // Stopped or rejected before beforeJob ran (the start time is then null): record it as a zero-length run.
      run = startQuietly(execution);
    }
    if (run != null) {
      finish(run, execution);
    }
  }

  private JobRun startQuietly(JobExecution execution) {
    try {
      JobRun run = push.start(job != null ? job : execution.getJobInstance().getJobName());
      return maxAge == null ? run : run.maxAge(maxAge);
    } catch (PushException e) {
      // Core logged it already (strict mode rethrows); the job must go on unchanged.
      return null;
    } catch (RuntimeException e) {
      LOG.warn("batchpush: not recording {}: {}", execution.getJobInstance().getJobName(), e.toString());
      return null;
    }
  }

  private static void finish(JobRun run, JobExecution execution) {
    try {
      record(run, execution);
      run.close();
    } catch (PushException e) {
      // Only a strict BatchPush throws; Spring Batch logs what afterJob throws and leaves the status alone.
      throw e;
    } catch (RuntimeException e) {
      LOG.warn("batchpush: recording {} failed: {}", run.job(), e.toString());
    }
  }

  private static void record(JobRun run, JobExecution execution) {
    int exitCode = exitCode(execution.getStatus());
    if (exitCode == 0) {
      run.succeeded();
    } else {
      run.failed(exitCode);
    }
    long read = 0;
    long written = 0;
    long skipped = 0;
    for (StepExecution step : execution.getStepExecutions()) {
      String name = step.getStepName();
      run.stepGauge(name, "duration_seconds", seconds(step.getStartTime(), step.getEndTime()));
      run.stepGauge(name, "exit_code", exitCode(step.getStatus()));
      run.stepGauge(name, "items_read", step.getReadCount());
      run.stepGauge(name, "items_written", step.getWriteCount());
      run.stepGauge(name, "items_skipped", step.getSkipCount());
      read += step.getReadCount();
      written += step.getWriteCount();
      skipped += step.getSkipCount();
    }
    run.gauge("items_read", read);
    run.gauge("items_written", written);
    run.gauge("items_skipped", skipped);
  }

  private static double seconds(LocalDateTime start, LocalDateTime end) {
    if (start == null) {
      return 0;
    }
    Duration d = Duration.between(start, end != null ? end : LocalDateTime.now());
    return Math.max(0, d.toNanos() / 1e9);
  }

  @Override
  public String toString() {
    return "BatchPushJobListener{job=" + (job != null ? job : "<job name>") + ", maxAge=" + maxAge + ", push=" + push
        + "}";
  }

  private static final class Claim {
    final BatchPushJobListener owner;
    volatile JobRun run;

    Claim(BatchPushJobListener owner) {
      this.owner = owner;
    }
  }
}
