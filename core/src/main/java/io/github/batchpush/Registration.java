package io.github.batchpush;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What {@link BatchPush#register(String, Duration)} sends: the job's max age and when it was first declared, in one
 * POST to the job's group, so the freshness alert has a clock to count from before the job ever succeeded.
 *
 * <p>The declaration time is read back from the gateway first and kept: registering again (at every start-up of an
 * application, before every run) must not restart that clock, or a job that crashes before its first success would
 * never page. Only the max age, the thing being declared, takes the new value. Nothing else of the group is touched:
 * the last success, the exit code and the times a run pushed are other metric names, which a POST leaves alone.
 */
final class Registration {
  private Registration() {}

  /** Declares the job; returns when it was first declared. Nothing is sent when the gateway cannot be read. */
  static Instant declare(BatchPush push, Delivery delivery, String job, Duration maxAge, long deadlineNanos) {
    String prefix = push.metricPrefix();
    String registered = MetricNames.name(prefix, MetricNames.REGISTERED);
    Instant now = push.clock().instant();
    Double earlier = new GatewayReader(push).value(registered, job, push.labels(), deadlineNanos, "register of "
        + Push.group(job, push.labels()) + " to " + push.gateway() + " failed: reading the gateway's metrics: ");
    Instant since = now;
    // A clock that ran ahead when the job was first declared must not postpone its alert for ever.
    if (earlier != null && Double.isFinite(earlier) && earlier > 0 && earlier * 1000 < now.toEpochMilli()) {
      since = Instant.ofEpochMilli(Math.round(earlier * 1000));
    }
    List<Push.Sample> samples = List.of(
        sample(prefix, MetricNames.MAX_AGE, maxAge.toMillis() / 1000.0),
        sample(prefix, MetricNames.REGISTERED, since.toEpochMilli() / 1000.0));
    delivery.pushAdd(new Push(prefix, job, push.labels(), samples, now), deadlineNanos);
    return since;
  }

  private static Push.Sample sample(String prefix, String suffix, double value) {
    return new Push.Sample(MetricNames.name(prefix, suffix), MetricNames.help(suffix), null, null, value);
  }
}
