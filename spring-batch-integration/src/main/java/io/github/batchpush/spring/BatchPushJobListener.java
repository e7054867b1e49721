package io.github.batchpush.spring;

import io.github.batchpush.BatchPush;
import io.github.batchpush.JobRun;
import io.github.batchpush.Labels;
import io.github.batchpush.PushException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameter;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;

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
 * application cannot exit before its metrics are delivered. The listener is {@link PriorityOrdered} at
 * {@link Ordered#HIGHEST_PRECEDENCE}, which sorts it ahead of every merely {@link Ordered} listener, even one at
 * {@code HIGHEST_PRECEDENCE} too: Spring Batch calls its {@code beforeJob} before every other listener's and its
 * {@code afterJob} after them, however and whenever they were registered, so what it pushes is what the job's
 * listeners finally decided. Exit codes ({@link #exitCode(BatchStatus, ExitStatus)}):
 *
 * <table>
 *   <caption>Job status to exit code</caption>
 *   <tr><td>COMPLETED, exit status not FAILED</td><td>0 (success: the last-success time is pushed)</td></tr>
 *   <tr><td>FAILED, or COMPLETED with exit status FAILED</td><td>1</td></tr>
 *   <tr><td>STOPPED, STOPPING; a run cut short by the JVM or its context stopping</td><td>2</td></tr>
 *   <tr><td>ABANDONED</td><td>3</td></tr>
 *   <tr><td>UNKNOWN (and any other)</td><td>4</td></tr>
 * </table>
 *
 * <p>Besides core's gauges it pushes the item counts of the job ({@code <prefix>_items_read}, {@code _written},
 * {@code _skipped}, summed over its top-level steps) and per step (label {@code step}) the duration, exit code and
 * item counts, with partition workers folded into their step and repeated executions of a step summed (see the
 * README). A restarted execution reports the steps it ran.
 *
 * <p>A push problem never changes the job's status: it is logged (with a {@link BatchPush.Builder#strict strict}
 * {@code BatchPush} it is thrown from {@code afterJob}, which Spring Batch logs as an error), and the delay it adds
 * is bounded by the {@link BatchPush.Builder#deadline deadline}, twice with {@code pushAtStart}. One instance may
 * serve many jobs and concurrent executions. When several {@code BatchPushJobListener}s are registered on one job,
 * each execution is recorded once: by the one {@link PushMetrics @PushMetrics} registered if there is one, else by
 * the first.
 */
public final class BatchPushJobListener implements JobExecutionListener, PriorityOrdered {
  /** The exit code of a run cut short by the JVM or its context stopping: STOPPED's. */
  public static final int INTERRUPTED_EXIT_CODE = 2;

  private static final Logger LOG = LoggerFactory.getLogger(BatchPushJobListener.class);

  /** Executions of different parameter labels use their own {@code BatchPush}; this many are kept built. */
  private static final int LABELLED_PUSHES = 64;

  private final BatchPush push;
  private final String job;
  private final Duration maxAge;
  private final boolean fromAnnotation;
  private final List<String> parameterLabels;
  private final Map<Map<String, String>, BatchPush> labelledPushes = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Map<String, String>, BatchPush> eldest) {
      return size() > LABELLED_PUSHES;
    }
  };

  /** Records executions under the Spring Batch job name, with {@code push}'s labels and settings. */
  public BatchPushJobListener(BatchPush push) {
    this(push, null, null);
  }

  /**
   * Records executions in the group {@code job} (null: the Spring Batch job name), declaring {@code maxAge} as the
   * freshness SLO (null: {@code push}'s default).
   */
  public BatchPushJobListener(BatchPush push, String job, Duration maxAge) {
    this(push, job, maxAge, false, List.of());
  }

  /**
   * {@code fromAnnotation}: registered for {@link PushMetrics}, whose settings win over a hand-added listener's;
   * {@code parameterLabels}: checked label names, see {@link #withParameterLabels}.
   */
  BatchPushJobListener(BatchPush push, String job, Duration maxAge, boolean fromAnnotation,
      List<String> parameterLabels) {
    this.push = Objects.requireNonNull(push, "push == null");
    if (job != null && job.isEmpty()) {
      throw new IllegalArgumentException("Invalid job name: '' (give a name, or null for the Spring Batch job name)");
    }
    this.job = job;
    this.maxAge = maxAge;
    this.fromAnnotation = fromAnnotation;
    this.parameterLabels = List.copyOf(parameterLabels);
  }

  /**
   * A copy that adds, for each name, a grouping label of that name valued with the execution's job parameter of the
   * same name (empty when an execution lacks it). Concurrent executions of one job with different parameters then
   * land in different groups instead of the last one to finish replacing the others.
   *
   * @throws IllegalArgumentException for a name that cannot be a label, or that is already one of the labels
   */
  public BatchPushJobListener withParameterLabels(String... names) {
    Objects.requireNonNull(names, "names == null");
    return new BatchPushJobListener(push, job, maxAge, fromAnnotation, checkParameterLabels(push, List.of(names)));
  }

  static List<String> checkParameterLabels(BatchPush push, List<String> names) {
    for (String name : names) {
      Labels.checkName(name);
      if (push.labels().containsKey(name)) {
        throw new IllegalArgumentException("Invalid parameter label: '" + name + "' is already a label with the "
            + "value '" + push.labels().get(name) + "'; drop one of the two");
      }
    }
    return names;
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

  /**
   * The exit code pushed for an execution or step that ended with {@code status} and {@code exitStatus}: a
   * listener may fail a job through either, so COMPLETED with the exit status FAILED is a failure (1).
   */
  public static int exitCode(BatchStatus status, ExitStatus exitStatus) {
    int code = exitCode(status);
    boolean failedExit = exitStatus != null && ExitStatus.FAILED.getExitCode().equals(exitStatus.getExitCode());
    return code == 0 && failedExit ? 1 : code;
  }

  /** First in, last out: ordered listeners run ahead of unordered ones in beforeJob and after them in afterJob. */
  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  @Override
  public void beforeJob(JobExecution execution) {
    InFlightRuns.begin(execution, this);
  }

  @Override
  public void afterJob(JobExecution execution) {
    InFlightRuns.end(execution, this);
  }

  boolean fromAnnotation() {
    return fromAnnotation;
  }

  /** The group's {@code job} label for executions of the Spring Batch job {@code jobName}. */
  String groupJob(String jobName) {
    return job != null ? job : jobName;
  }

  /** The grouping labels besides {@code job}; a parameter label's value reads {@code <job parameter NAME>}. */
  Map<String, String> groupLabels() {
    Map<String, String> labels = new LinkedHashMap<>(push.labels());
    parameterLabels.forEach(name -> labels.put(name, "<job parameter " + name + ">"));
    return labels;
  }

  /** The freshness SLO its runs declare (its own, else the {@code BatchPush}'s), or null. */
  Duration declaredMaxAge() {
    return maxAge != null ? maxAge : push.maxAge();
  }

  BatchPush push() {
    return push;
  }

  /** The job parameters that become grouping labels. */
  List<String> parameterLabels() {
    return parameterLabels;
  }

  JobRun start(JobExecution execution) {
    String name = execution.getJobInstance().getJobName();
    try {
      JobRun run = pushFor(execution).start(groupJob(name));
      return maxAge == null ? run : run.maxAge(maxAge);
    } catch (PushException e) {
      // Core logged it already (strict mode rethrows); the job must go on unchanged.
      return null;
    } catch (RuntimeException e) {
      LOG.warn("batchpush: not recording {}: {}", name, e.toString());
      return null;
    }
  }

  /** Pushes the execution as Spring Batch ended it; {@code run} is null when beforeJob never ran. */
  void finish(JobRun run, JobExecution execution) {
    JobRun recorded = run != null ? run : start(execution);
    if (recorded == null) {
      return;
    }
    try {
      int exitCode = exitCode(execution.getStatus(), execution.getExitStatus());
      if (exitCode == 0) {
        recorded.succeeded();
      } else {
        recorded.failed(exitCode);
      }
      ExecutionMetrics.record(recorded, execution, BatchPushJobListener::exitCode);
      recorded.close();
    } catch (PushException e) {
      // Only a strict BatchPush throws; Spring Batch logs what afterJob throws and leaves the status alone.
      throw e;
    } catch (RuntimeException e) {
      LOG.warn("batchpush: recording {} failed: {}", recorded.job(), e.toString());
    }
  }

  /**
   * Pushes a run still in flight as interrupted, leaving it open for the {@code afterJob} that may yet come; steps
   * still running are interrupted too.
   */
  void pushInterrupted(JobExecution execution, JobRun run, String why) {
    LOG.warn("batchpush: {} while job execution {} of {} runs: pushing it as interrupted (exit code {})", why,
        execution.getId(), run.job(), INTERRUPTED_EXIT_CODE);
    try {
      run.failed(INTERRUPTED_EXIT_CODE);
      ExecutionMetrics.record(run, execution, (status, exitStatus) -> status.isRunning() ? INTERRUPTED_EXIT_CODE
          : exitCode(status, exitStatus));
      run.pushNow();
    } catch (RuntimeException e) {
      // Core logged a delivery problem already; the JVM is stopping and must not be held up by it.
      LOG.warn("batchpush: pushing the interrupted run of {} failed: {}", run.job(), e.toString());
    }
  }

  /** Pushes an execution that was abandoned (outside any run) as a run of its own; never throws. */
  void pushAbandoned(JobExecution execution) {
    try {
      finish(null, execution);
    } catch (RuntimeException e) {
      LOG.warn("batchpush: pushing the abandoned execution {} failed: {}", execution.getId(), e.toString());
    }
  }

  private BatchPush pushFor(JobExecution execution) {
    if (parameterLabels.isEmpty()) {
      return push;
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String name : parameterLabels) {
      JobParameter<?> parameter = execution.getJobParameters().getParameter(name);
      values.put(name, parameter == null ? "" : String.valueOf(parameter.value()));
    }
    synchronized (labelledPushes) {
      return labelledPushes.computeIfAbsent(values, v -> {
        BatchPush.Builder builder = push.newBuilder();
        v.forEach(builder::label);
        return builder.build();
      });
    }
  }

  @Override
  public String toString() {
    return "BatchPushJobListener{job=" + (job != null ? job : "<job name>") + ", maxAge=" + maxAge
        + (parameterLabels.isEmpty() ? "" : ", parameterLabels=" + parameterLabels) + ", push=" + push + "}";
  }
}
