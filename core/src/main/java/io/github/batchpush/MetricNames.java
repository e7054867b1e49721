package io.github.batchpush;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one place that names batchpush's metrics and says which names and labels are valid. The CLI and the Spring
 * module reach it only through {@link BatchPush} and {@link JobRun}.
 */
final class MetricNames {
  static final String DEFAULT_PREFIX = "batch_job";

  static final String DURATION = "duration_seconds";
  static final String LAST_SUCCESS = "last_success_timestamp_seconds";
  static final String LAST_COMPLETION = "last_completion_timestamp_seconds";
  static final String EXIT_CODE = "exit_code";
  static final String LAST_START = "last_start_timestamp_seconds";
  static final String MAX_AGE = "max_age_seconds";

  /** The label that tells the steps of one job apart in step gauges. */
  static final String STEP_LABEL = "step";

  private static final Map<String, String> HELP = Map.ofEntries(
      Map.entry(DURATION, "How long the last run of the job took, in seconds."),
      Map.entry(LAST_SUCCESS, "When the job last succeeded, in seconds since the epoch."),
      Map.entry(LAST_COMPLETION, "When the job last finished, successfully or not, in seconds since the epoch."),
      Map.entry(EXIT_CODE, "Exit code of the last run of the job; 0 for success."),
      Map.entry(LAST_START, "When the last run of the job started, in seconds since the epoch."),
      Map.entry(MAX_AGE, "How old the last success may be before the job counts as stale, in seconds."),
      Map.entry("items_read", "Items the last run of the job read."),
      Map.entry("items_written", "Items the last run of the job wrote."),
      Map.entry("items_skipped", "Items the last run of the job skipped."),
      Map.entry("step_" + DURATION, "How long the step took in the last run of the job, in seconds."),
      Map.entry("step_" + EXIT_CODE, "Exit code of the step in the last run of the job; 0 for success."),
      Map.entry("step_items_read", "Items the step read in the last run of the job."),
      Map.entry("step_items_written", "Items the step wrote in the last run of the job."),
      Map.entry("step_items_skipped", "Items the step skipped in the last run of the job."));

  private static final Set<String> RESERVED =
      Set.of(DURATION, LAST_SUCCESS, LAST_COMPLETION, EXIT_CODE, LAST_START, MAX_AGE);

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private MetricNames() {}

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

  /** Checks a user gauge name; it becomes {@code <prefix>_<name>} and must not shadow one of ours. */
  static String checkGaugeName(String name) {
    if (checkStepGaugeName(name).startsWith("step_")) {
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

  /** Parses a {@code key=value} label as users write it on command lines and in annotations. */
  static Map.Entry<String, String> parseLabel(String assignment) {
    Objects.requireNonNull(assignment, "label == null");
    int eq = assignment.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("Invalid label: '" + assignment + "' (write it as key=value, e.g. team=data)");
    }
    return Map.entry(checkLabelName(assignment.substring(0, eq)), assignment.substring(eq + 1));
  }
}
