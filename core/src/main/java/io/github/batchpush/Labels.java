package io.github.batchpush;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
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
   * {@code "team=data, env=prod,"} works.
   *
   * @throws IllegalArgumentException naming the first part that is not a valid label, or a key given twice
   */
  public static Map<String, String> labels(String assignments) {
    Objects.requireNonNull(assignments, "labels == null");
    List<String> parts = new ArrayList<>();
    for (String part : assignments.split(",")) {
      if (!part.isBlank()) {
        parts.add(part.trim());
      }
    }
    return labels(parts);
  }

  /**
   * {@code key=value} labels given one by one (a repeated {@code --label}), in order.
   *
   * @throws IllegalArgumentException naming the first that is not a valid label, or a key given twice: which of two
   *     values is meant is the user's to say, not a rule's to guess
   */
  public static Map<String, String> labels(List<String> assignments) {
    Objects.requireNonNull(assignments, "labels == null");
    Map<String, String> labels = new LinkedHashMap<>();
    for (String assignment : assignments) {
      Map.Entry<String, String> label = label(assignment);
      String earlier = labels.putIfAbsent(label.getKey(), label.getValue());
      if (earlier != null) {
        throw new IllegalArgumentException("Invalid labels: '" + label.getKey() + "' is given twice ("
            + label.getKey() + "=" + earlier + ", " + assignment + "); give each label once");
      }
    }
    return Collections.unmodifiableMap(labels);
  }
}
