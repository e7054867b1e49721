package io.github.batchpush;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Parses grouping labels as users write them: {@code team=data} on a command line or in an annotation, and
 * {@code team=data,env=prod} in {@code BATCHPUSH_LABELS} or a property. Every face of batchpush parses them here.
 *
 * <pre>{@code
 * Labels.label("team=data");              // team -> data
 * Labels.labels("team=data, env=prod");   // {team=data, env=prod}
 * Labels.labels("");                      // {}
 * Labels.checkName("job");                // IllegalArgumentException: the job name is the group's job label
 * }</pre>
 *
 * <p>A value is everything after the first '=' (it may be empty, or hold further '=' signs); a name must be a valid
 * Prometheus label name other than {@code job} and {@code step}.
 */
public final class Labels {
  private Labels() {}

  /**
   * Checks a label name: a valid Prometheus label name other than {@code job} and {@code step}, not starting with
   * {@code __}.
   *
   * @return the name
   * @throws IllegalArgumentException naming the name and the rule it breaks
   */
  public static String checkName(String name) {
    return MetricNames.checkLabelName(name);
  }

  /**
   * One {@code key=value} label.
   *
   * @throws IllegalArgumentException naming the text when it is not {@code key=value} or the key is not a valid name
   */
  public static Map.Entry<String, String> label(String assignment) {
    Objects.requireNonNull(assignment, "label == null");
    int eq = assignment.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("Invalid label: '" + assignment + "' (write it as key=value, e.g. team=data)");
    }
    return Map.entry(MetricNames.checkLabelName(assignment.substring(0, eq)), assignment.substring(eq + 1));
  }

  /**
   * Comma-separated {@code key=value} labels, in order; blank parts are skipped and each part is trimmed, so
   * {@code "team=data, env=prod,"} works. A later label wins over an earlier one with the same key.
   *
   * @throws IllegalArgumentException naming the first part that is not a valid label
   */
  public static Map<String, String> labels(String assignments) {
    Objects.requireNonNull(assignments, "labels == null");
    Map<String, String> labels = new LinkedHashMap<>();
    for (String part : assignments.split(",")) {
      if (!part.isBlank()) {
        Map.Entry<String, String> label = label(part.trim());
        labels.put(label.getKey(), label.getValue());
      }
    }
    return Collections.unmodifiableMap(labels);
  }
}
