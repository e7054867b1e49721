package io.github.batchpush;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One run of a batch job, from {@link BatchPush#start(String)} to {@link #close()}.
 *
 * <pre>{@code
 * try (JobRun run = push.start("nightly_report")) {
 *   int rows = exportRows();
 *   run.gauge("records_processed", rows);
 *   run.succeeded();
 * }
 * }</pre>
 *
 * <p>A run is a failure (exit code 1) unless {@link #succeeded()} was called; {@link #failed(int)} records a
 * specific exit code. {@link #close()} pushes once; later calls do nothing. Meant for the thread that runs the job;
 * its methods are synchronized so a watchdog thread may also call them.
 */
public final class JobRun implements AutoCloseable {
  private final BatchPush push;
  private final String job;
  private final Instant start;
  private final Map<String, Double> gauges = new LinkedHashMap<>();
  private final Map<String, Map<String, Double>> stepGauges = new LinkedHashMap<>();
  private Duration maxAge;
  private int exitCode = 1;
  private boolean closed;

  JobRun(BatchPush push, String job, Instant start, Duration maxAge) {
    this.push = push;
    this.job = job;
    this.start = start;
    this.maxAge = maxAge;
  }

  /** The job's name: the {@code job} label of its group. */
  public String job() {
    return job;
  }

  /** When the run started. */
  public Instant startTime() {
    return start;
  }

  /** Marks the run successful: exit code 0, and the last-success time is pushed. */
  public synchronized JobRun succeeded() {
    exitCode = 0;
    return this;
  }

  /** Marks the run failed with exit code 1; the last success already on the gateway stays. */
  public synchronized JobRun failed() {
    return failed(1);
  }

  /**
   * Marks the run failed with this exit code, for example a wrapped command's.
   *
   * @throws IllegalArgumentException for 0, which means success: call {@link #succeeded()}
   */
  public synchronized JobRun failed(int exitCode) {
    if (exitCode == 0) {
      throw new IllegalArgumentException("Invalid exit code for a failed run: 0 (0 means success; call succeeded())");
    }
    this.exitCode = exitCode;
    return this;
  }

  /** Records a run-level gauge, pushed as {@code <prefix>_<name>}, e.g. {@code gauge("records_processed", 42)}. */
  public synchronized JobRun gauge(String name, double value) {
    gauges.put(MetricNames.checkGaugeName(name), value);
    return this;
  }

  /**
   * Records a gauge of one step of the job, pushed as {@code <prefix>_step_<name>{step="<step>"}}, e.g.
   * {@code stepGauge("load", "items_written", 1200)}.
   */
  public synchronized JobRun stepGauge(String step, String name, double value) {
    Objects.requireNonNull(step, "step == null");
    stepGauges.computeIfAbsent(MetricNames.STEP_PREFIX + MetricNames.checkStepGaugeName(name),
            n -> new LinkedHashMap<>())
        .put(step, value);
    return this;
  }

  /** The freshness SLO this run declares (its own, else the {@link BatchPush}'s), or null for none. */
  public synchronized Duration maxAge() {
    return maxAge;
  }

  /** Declares this run's freshness SLO; overrides {@link BatchPush.Builder#maxAge(Duration)}. */
  public synchronized JobRun maxAge(Duration maxAge) {
    this.maxAge = Durations.positive(maxAge, "maxAge");
    return this;
  }

  /**
   * Ends the run and pushes it. Delivery problems are logged, not thrown (unless the {@link BatchPush} is strict);
   * a run that cannot be delivered now is spooled for the next delivery.
   */
  @Override
  public void close() {
    Push ended;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      ended = endPush(push.clock().instant());
    }
    push.finish(ended);
  }

  /**
   * Pushes what the run has recorded so far as if it ended now, and leaves it open: for a run cut short (the JVM is
   * stopping) whose {@link #close()} may never come. A later {@code close()} pushes again with a newer finish time,
   * so the gateway ends holding the run's real outcome. Delivered like {@code close()} (spooled when the gateway
   * cannot take it); the run's other methods wait until it is delivered, so a {@code close()} racing it is pushed
   * after it. Does nothing once the run is closed.
   */
  public synchronized void pushNow() {
    if (!closed) {
      push.finish(endPush(push.clock().instant()));
    }
  }

  /** What a start-of-run push carries: the start time (and the SLO, so a never-finishing job still has one). */
  synchronized Push startPush() {
    List<Push.Sample> samples = new ArrayList<>();
    add(samples, MetricNames.LAST_START, seconds(start));
    if (maxAge != null) {
      add(samples, MetricNames.MAX_AGE, maxAge.toMillis() / 1000.0);
    }
    return new Push(push.metricPrefix(), job, push.labels(), samples, start);
  }

  private Push endPush(Instant end) {
    List<Push.Sample> samples = new ArrayList<>();
    add(samples, MetricNames.DURATION, Math.max(0, Duration.between(start, end).toNanos() / 1e9));
    add(samples, MetricNames.LAST_START, seconds(start));
    add(samples, MetricNames.LAST_COMPLETION, seconds(end));
    add(samples, MetricNames.EXIT_CODE, exitCode);
    if (exitCode == 0) {
      add(samples, MetricNames.LAST_SUCCESS, seconds(end));
    }
    if (maxAge != null) {
      add(samples, MetricNames.MAX_AGE, maxAge.toMillis() / 1000.0);
    }
    gauges.forEach((name, value) -> add(samples, name, value));
    String prefix = push.metricPrefix();
    stepGauges.forEach((name, bySteps) -> bySteps.forEach((step, value) -> samples.add(new Push.Sample(
        MetricNames.name(prefix, name), MetricNames.help(name), MetricNames.STEP_LABEL, step, value))));
    return new Push(prefix, job, push.labels(), samples, end);
  }

  private void add(List<Push.Sample> samples, String suffix, double value) {
    samples.add(new Push.Sample(MetricNames.name(push.metricPrefix(), suffix), MetricNames.help(suffix), null, null,
        value));
  }

  private static double seconds(Instant t) {
    return t.getEpochSecond() + t.getNano() / 1e9;
  }
}
