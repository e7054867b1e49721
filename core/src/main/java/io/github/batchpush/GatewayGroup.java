package io.github.batchpush;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One group on the Pushgateway, as {@link BatchPush#staleGroups} reads it from the gateway's {@code /api/v1/metrics}:
 * its job, its other grouping labels (any characters, empty values included), when it was last pushed to, and the
 * max age it declares, if any.
 *
 * <pre>{@code
 * for (GatewayGroup group : push.staleGroups(Duration.ofDays(30), Pattern.compile(".*"), false).toDelete()) {
 *   System.out.println(group + " last pushed " + group.lastPush());   // {job="old",team="ops"} last pushed ...
 *   push.delete(group);
 * }
 * }</pre>
 */
public final class GatewayGroup {
  private final String job;
  private final Map<String, String> labels;
  private final Instant lastPush;
  private final Duration maxAge;

  GatewayGroup(String job, Map<String, String> labels, Instant lastPush, Duration maxAge) {
    this.job = Objects.requireNonNull(job, "job == null");
    this.labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    this.lastPush = Objects.requireNonNull(lastPush, "lastPush == null");
    this.maxAge = maxAge;
  }

  /** The group's {@code job} label. */
  public String job() {
    return job;
  }

  /** The group's other grouping labels, {@code instance} included when it is one. */
  public Map<String, String> labels() {
    return labels;
  }

  /**
   * When the group was last pushed to: the newer of the gateway's {@code push_time_seconds} and
   * {@code push_failure_time_seconds} (a group whose pushes are refused is still pushed to); the epoch when neither
   * is known.
   */
  public Instant lastPush() {
    return lastPush;
  }

  /** The freshness SLO the group declares ({@code <prefix>_max_age_seconds}), or null for none. */
  public Duration maxAge() {
    return maxAge;
  }

  /** Whether its last push is older than {@code olderThan} at {@code now}. */
  boolean isStale(Instant now, Duration olderThan) {
    return lastPush.isBefore(now.minus(olderThan));
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof GatewayGroup)) {
      return false;
    }
    GatewayGroup g = (GatewayGroup) o;
    return job.equals(g.job) && labels.equals(g.labels) && lastPush.equals(g.lastPush)
        && Objects.equals(maxAge, g.maxAge);
  }

  @Override
  public int hashCode() {
    return Objects.hash(job, labels, lastPush, maxAge);
  }

  /** The group as the gateway names it: {@code {job="nightly",team="ops"}}. */
  @Override
  public String toString() {
    return Push.group(job, labels);
  }
}
