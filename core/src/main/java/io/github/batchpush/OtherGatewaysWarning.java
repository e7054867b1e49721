package io.github.batchpush;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs spooled for another gateway wait for a delivery to theirs; after a change of the gateway's URL that delivery
 * never comes, and they are dropped at the spool's age limit without anyone having been told. A library user has
 * no {@code batchpush flush} printing the count, so the first successful delivery of a process looks once per spool
 * directory and gateway, and warns when such runs wait. (Instances built by a face, the CLI or Spring, leave this to
 * the face: a CLI run is a process of its own, and would print it every time.)
 *
 * <pre>{@code
 * OtherGatewaysWarning.checkOnce(push, push::spoolBacklog);
 * }</pre>
 */
final class OtherGatewaysWarning {
  private static final Logger LOG = LoggerFactory.getLogger(BatchPush.class);
  private static final Set<String> CHECKED = ConcurrentHashMap.newKeySet();

  private OtherGatewaysWarning() {}

  /** Looks at the spool once per process for this spool and gateway; {@code census} counts without sending. */
  static void checkOnce(BatchPush push, Supplier<SpoolReport> census) {
    if (push.spoolDirectory() == null || !CHECKED.add(push.spoolDirectory() + " " + push.gateway())) {
      return;
    }
    SpoolReport report;
    try {
      report = census.get();
    } catch (RuntimeException e) {
      // Only a courtesy: a spool that cannot be read here is reported by the next delivery through it.
      return;
    }
    if (report.forOtherGateways() > 0) {
      String message = message(push, report);
      LOG.warn("batchpush: {}", message);
      UnloggedProblems.report(UnloggedProblems.Kind.OTHER_GATEWAYS, message);
    }
  }

  static String message(BatchPush push, SpoolReport report) {
    String first = report.otherGateways().keySet().iterator().next().toString();
    return report.forOtherGateways() + " spooled run(s) in " + push.spoolDirectory() + " wait for other gateways "
        + report.otherGateways() + ", not for " + push.gateway() + "; if that is the new URL of one of them, "
        + "deliver them here with flushFrom(URI.create(\"" + first + "\")) or batchpush flush --from-gateway "
        + first + ", else they are dropped once older than the spool's age limit";
  }
}
