package io.github.batchpush;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * What {@link BatchPush#probe(String)} found on the gateway, which it reads without pushing anything: that the
 * gateway answers to the instance's URL, CA and credentials, which Pushgateway it is, and what the group of a job
 * holds of what the shipped alert rules look at.
 *
 * <pre>{@code
 * GatewayProbe probe = push.probe("nightly_report");   // PushException when unreachable or refused (401, TLS, ...)
 * if (probe.version() == null) {
 *   System.err.println(probe.gateway() + " answers, but is not a Pushgateway");
 * } else if (probe.noRecentSuccessAt() == null) {
 *   push.register("nightly_report", Duration.ofHours(26));   // else nothing pages if the job never runs
 * }
 * }</pre>
 *
 * <p>Times are the gateway's values, in whole milliseconds; a value the group lacks is null.
 */
public final class GatewayProbe {
  /** When the gateway last accepted a push to a group; it adds this to every group. */
  static final String PUSH_TIME = "push_time_seconds";
  /** When the gateway last rejected a push to a group (0: never). */
  static final String PUSH_FAILURE_TIME = "push_failure_time_seconds";

  private final URI gateway;
  private final String version;
  private final Duration elapsed;
  private final String job;
  private final Map<String, String> labels;
  private final boolean groupFound;
  private final Duration maxAge;
  private final Instant registered;
  private final Instant lastSuccess;
  private final Instant lastCompletion;
  private final Integer exitCode;
  private final Instant lastPushRejected;

  private GatewayProbe(BatchPush push, String job, GatewayReader.Found found, Duration elapsed) {
    Map<String, Double> values = found.values();
    String prefix = push.metricPrefix();
    this.gateway = push.gateway();
    this.version = found.version();
    this.elapsed = elapsed;
    this.job = job;
    this.labels = push.labels();
    this.groupFound = values.containsKey(PUSH_TIME) || values.containsKey(PUSH_FAILURE_TIME);
    Long maxAgeMillis = millis(values.get(MetricNames.name(prefix, MetricNames.MAX_AGE)));
    this.maxAge = maxAgeMillis == null ? null : Duration.ofMillis(maxAgeMillis);
    this.registered = instant(values.get(MetricNames.name(prefix, MetricNames.REGISTERED)));
    this.lastSuccess = instant(values.get(MetricNames.name(prefix, MetricNames.LAST_SUCCESS)));
    this.lastCompletion = instant(values.get(MetricNames.name(prefix, MetricNames.LAST_COMPLETION)));
    Double code = values.get(MetricNames.name(prefix, MetricNames.EXIT_CODE));
    this.exitCode = code == null || !Double.isFinite(code) ? null : (int) Math.round(code);
    Instant lastPush = instant(values.get(PUSH_TIME));
    Instant lastFailure = instant(values.get(PUSH_FAILURE_TIME));
    this.lastPushRejected = lastFailure != null && (lastPush == null || lastFailure.isAfter(lastPush)) ? lastFailure
        : null;
  }

  /** Reads the gateway, and the group of {@code job} in the instance's labels unless it is null. */
  static GatewayProbe read(BatchPush push, String job, long deadlineNanos) {
    String prefix = push.metricPrefix();
    Set<String> metrics = job == null ? Set.of() : Set.of(PUSH_TIME, PUSH_FAILURE_TIME,
        MetricNames.name(prefix, MetricNames.MAX_AGE), MetricNames.name(prefix, MetricNames.REGISTERED),
        MetricNames.name(prefix, MetricNames.LAST_SUCCESS), MetricNames.name(prefix, MetricNames.LAST_COMPLETION),
        MetricNames.name(prefix, MetricNames.EXIT_CODE));
    long start = System.nanoTime();
    GatewayReader.Found found = new GatewayReader(push).read(metrics,
        job == null ? Map.of() : GatewayReader.group(job, push.labels()), true, deadlineNanos,
        "gateway " + push.gateway() + ": ");
    return new GatewayProbe(push, job, found, Duration.ofNanos(System.nanoTime() - start));
  }

  /** A time the gateway holds in seconds since the epoch; null for none (or 0, the gateway's "never"). */
  private static Instant instant(Double seconds) {
    Long millis = millis(seconds);
    return millis == null ? null : Instant.ofEpochMilli(millis);
  }

  /** Seconds as the gateway holds them, in whole milliseconds; null for none, for 0 and for what is not finite. */
  private static Long millis(Double seconds) {
    return seconds == null || !Double.isFinite(seconds) || seconds <= 0 ? null : Math.round(seconds * 1000);
  }

  /** The gateway that was read. */
  public URI gateway() {
    return gateway;
  }

  /**
   * The Pushgateway's version, from its own {@code pushgateway_build_info}; null when its metrics have none, which
   * means the URL leads to some other server (a Prometheus, a proxy's own page) that answers {@code /metrics}.
   */
  public String version() {
    return version;
  }

  /** How long the gateway took to answer, its whole exposition read. */
  public Duration elapsed() {
    return elapsed;
  }

  /** The job whose group was read, or null when only the gateway was probed. */
  public String job() {
    return job;
  }

  /** The grouping labels of the job's group besides {@code job}: the instance's. */
  public Map<String, String> labels() {
    return labels;
  }

  /** Whether the gateway holds the job's group: something was pushed to it (a run, a registration). */
  public boolean groupFound() {
    return groupFound;
  }

  /** The job's freshness SLO as its group declares it ({@code <prefix>_max_age_seconds}), or null. */
  public Duration maxAge() {
    return maxAge;
  }

  /** When the job was first declared ({@link BatchPush#register}), or null. */
  public Instant registered() {
    return registered;
  }

  /** When the job last succeeded, or null when it never did. */
  public Instant lastSuccess() {
    return lastSuccess;
  }

  /** When a run of the job last finished, successfully or not, or null when none did. */
  public Instant lastCompletion() {
    return lastCompletion;
  }

  /** The last run's exit code, or null. */
  public Integer exitCode() {
    return exitCode;
  }

  /**
   * When the gateway rejected the latest push to the group (a type clash, a bad body), or null when it accepted
   * the latest one: after a rejection it serves the metrics of the push before, and alerts look at those.
   */
  public Instant lastPushRejected() {
    return lastPushRejected;
  }

  /**
   * When the shipped rule {@code BatchJobNoRecentSuccess} fires for the job unless a run succeeds first: its last
   * success plus its max age; never having succeeded, its last completion (the rule fires at once for a job that
   * ran and never succeeded), else its declaration plus its max age. Null when it cannot fire at all: no group, no
   * max age, or neither a success, a completion nor a declaration to count from. A time in the past means it fires
   * already.
   */
  public Instant noRecentSuccessAt() {
    if (maxAge == null) {
      return null;
    }
    if (lastSuccess != null) {
      return lastSuccess.plus(maxAge);
    }
    if (lastCompletion != null) {
      return lastCompletion;
    }
    return registered == null ? null : registered.plus(maxAge);
  }

  @Override
  public String toString() {
    return "GatewayProbe{gateway=" + gateway + ", version=" + version + ", elapsed=" + elapsed
        + (job == null ? "" : ", job=" + job + ", labels=" + labels + ", groupFound=" + groupFound + ", maxAge="
            + maxAge + ", registered=" + registered + ", lastSuccess=" + lastSuccess + ", lastCompletion="
            + lastCompletion + ", exitCode=" + exitCode + ", lastPushRejected=" + lastPushRejected) + "}";
  }
}
