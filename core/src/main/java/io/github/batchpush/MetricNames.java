package io.github.batchpush;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one place that names batchpush's metrics, writes their HELP texts and says which names, labels and job names
 * are valid. A metric is pushed as {@code <prefix>_<suffix>}; the suffixes are the constants here.
 *
 * <pre>{@code
 * run.gauge(MetricNames.ITEMS_READ, 1200);                       // batch_job_items_read
 * run.stepGauge("load", MetricNames.ITEMS_WRITTEN, 1200);        // batch_job_step_items_written{step="load"}
 * MetricNames.name("batch_job", MetricNames.LAST_SUCCESS);       // batch_job_last_success_timestamp_seconds
 * }</pre>
 *
 * <p>The run-level suffixes {@link #DURATION} to {@link #REGISTERED} are recorded by batchpush itself and cannot be
 * used as user gauges; the item counts are ordinary gauges that the Spring Batch integration records.
 */
public final class MetricNames {
  /** The prefix of every metric unless configured otherwise. */
  public static final String DEFAULT_PREFIX = Defaults.METRIC_PREFIX;

  /** How long the run took. */
  public static final String DURATION = "duration_seconds";
  /** When the job last succeeded; pushed only by successful runs, so a failure never erases it. */
  public static final String LAST_SUCCESS = "last_success_timestamp_seconds";
  /** When the job last finished, successfully or not. */
  public static final String LAST_COMPLETION = "last_completion_timestamp_seconds";
  /** The run's exit code; 0 for success. */
  public static final String EXIT_CODE = "exit_code";
  /** When the last run started. */
  public static final String LAST_START = "last_start_timestamp_seconds";
  /** The job's freshness SLO: how old the last success may get. */
  public static final String MAX_AGE = "max_age_seconds";
  /** When a run was last skipped because the previous one still held the overlap lock. */
  public static final String LAST_SKIP = "last_skip_timestamp_seconds";
  /**
   * When the job was first declared with {@link BatchPush#register(String, java.time.Duration)}: until its first
   * success, the freshness alert counts from here, so a job that never runs pages too.
   */
  public static final String REGISTERED = "registered_timestamp_seconds";

  /** Items a run (or, as a step gauge, a step) read. */
  public static final String ITEMS_READ = "items_read";
  /** Items a run (or a step) wrote. */
  public static final String ITEMS_WRITTEN = "items_written";
  /** Items a run (or a step) skipped. */
  public static final String ITEMS_SKIPPED = "items_skipped";

  /** The label that tells the steps of one job apart in step gauges. */
  public static final String STEP_LABEL = "step";

  /** Step gauges are pushed as {@code <prefix>_step_<name>}. */
  static final String STEP_PREFIX = "step_";

  private static final Map<String, String> HELP = Map.ofEntries(
      Map.entry(DURATION, "How long the last run of the job took, in seconds."),
      Map.entry(LAST_SUCCESS, "When the job last succeeded, in seconds since the epoch."),
      Map.entry(LAST_COMPLETION, "When the job last finished, successfully or not, in seconds since the epoch."),
      Map.entry(EXIT_CODE, "Exit code of the last run of the job; 0 for success."),
      Map.entry(LAST_START, "When the last run of the job started, in seconds since the epoch."),
      Map.entry(MAX_AGE, "How old the last success may be before the job counts as stale, in seconds."),
      Map.entry(LAST_SKIP, "When a run of the job was last skipped because the previous one still ran, in seconds "
          + "since the epoch."),
      Map.entry(REGISTERED, "When the job was first registered with its max age, in seconds since the epoch; the "
          + "freshness alert counts from it until the job first succeeds."),
      Map.entry(ITEMS_READ, "Items the last run of the job read."),
      Map.entry(ITEMS_WRITTEN, "Items the last run of the job wrote."),
      Map.entry(ITEMS_SKIPPED, "Items the last run of the job skipped."),
      Map.entry(STEP_PREFIX + DURATION, "How long the step took in the last run of the job, in seconds."),
      Map.entry(STEP_PREFIX + EXIT_CODE, "Exit code of the step in the last run of the job; 0 for success."),
      Map.entry(STEP_PREFIX + ITEMS_READ, "Items the step read in the last run of the job."),
      Map.entry(STEP_PREFIX + ITEMS_WRITTEN, "Items the step wrote in the last run of the job."),
      Map.entry(STEP_PREFIX + ITEMS_SKIPPED, "Items the step skipped in the last run of the job."));

  private static final Set<String> RESERVED =
      Set.of(DURATION, LAST_SUCCESS, LAST_COMPLETION, EXIT_CODE, LAST_START, MAX_AGE, LAST_SKIP, REGISTERED);

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private MetricNames() {}

  /** The full metric name: {@code name("batch_job", EXIT_CODE)} is {@code batch_job_exit_code}. */
  public static String name(String prefix, String suffix) {
    return prefix + "_" + suffix;
  }

  /** The full name of a step gauge: {@code stepName("batch_job", ITEMS_READ)} is {@code batch_job_step_items_read}. */
  public static String stepName(String prefix, String suffix) {
    return prefix + "_" + STEP_PREFIX + suffix;
  }

  /** The HELP text for the metric named {@code prefix_suffix}. */
  static String help(String suffix) {
    return HELP.getOrDefault(suffix, "Value of " + suffix + " recorded by the last run of the job.");
  }

  static String checkPrefix(String prefix) {
    Objects.requireNonNull(prefix, "metricPrefix == null");
    if (!NAME.matcher(prefix).matches() || prefix.endsWith("_")) {
      throw new IllegalArgumentException("Invalid metric prefix: '" + prefix
          + "' (use letters, digits and underscores, not starting with a digit or ending with '_', e.g. batch_job)");
    }
    return prefix;
  }

  /**
   * Checks a job name, the group's {@code job} label. Any non-empty text works: the gateway's path carries every
   * character (see {@link GroupingKeyPath}).
   */
  static String checkJobName(String job) {
    Objects.requireNonNull(job, "job == null");
    if (job.isEmpty()) {
      throw new IllegalArgumentException("Invalid job name: '' (a job needs a non-empty name, e.g. nightly_report)");
    }
    return job;
  }

  /** Checks a user gauge name; it becomes {@code <prefix>_<name>} and must not shadow one of ours. */
  static String checkGaugeName(String name) {
    if (checkStepGaugeName(name).startsWith(STEP_PREFIX)) {
      throw new IllegalArgumentException("Invalid gauge name: '" + name
          + "' (names starting with step_ are for step gauges: use stepGauge(step, name, value))");
    }
    if (RESERVED.contains(name)) {
      throw new IllegalArgumentException("Invalid gauge name: '" + name
          + "' is recorded by batchpush itself; pick another name");
    }
    return name;
  }

  /**
   * Checks a step gauge name; it becomes {@code <prefix>_step_<name>}, which cannot shadow a run-level metric, so
   * {@code duration_seconds} and {@code exit_code} are fine here.
   */
  static String checkStepGaugeName(String name) {
    Objects.requireNonNull(name, "gauge name == null");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("Invalid gauge name: '" + name
          + "' (use letters, digits and underscores, not starting with a digit, e.g. records_processed)");
    }
    return name;
  }

  /** Checks a grouping-key label name; the Pushgateway and Prometheus reserve the ones refused here. */
  static String checkLabelName(String name) {
    Objects.requireNonNull(name, "label name == null");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("Invalid label name: '" + name
          + "' (must match [a-zA-Z_][a-zA-Z0-9_]*, e.g. team)");
    }
    if (name.startsWith("__")) {
      throw new IllegalArgumentException("Invalid label name: '" + name
          + "' (names starting with '__' are reserved by Prometheus; drop the leading underscores)");
    }
    if (name.equals("job")) {
      throw new IllegalArgumentException("Invalid label name: 'job' (the job name is the group's job label; "
          + "give it as the job name, not as a label)");
    }
    if (name.equals(STEP_LABEL)) {
      throw new IllegalArgumentException("Invalid label name: 'step' (reserved for step gauges; pick another name)");
    }
    return name;
  }
}
