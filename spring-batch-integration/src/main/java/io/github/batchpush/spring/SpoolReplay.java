package io.github.batchpush.spring;

import io.github.batchpush.BatchPush;
import io.github.batchpush.SpoolReport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Delivers runs spooled by an earlier process once, when the context has started, so that a long-running scheduler
 * whose next job is hours away does not sit on them. Core also replays before every push.
 */
final class SpoolReplay implements SmartInitializingSingleton {
  private static final Logger LOG = LoggerFactory.getLogger(SpoolReplay.class);

  private final Supplier<BatchPush> push;
  private volatile SpoolReport report;

  SpoolReplay(Supplier<BatchPush> push) {
    this.push = push;
  }

  @Override
  public void afterSingletonsInstantiated() {
    BatchPush p = push.get();
    if (p.spoolDirectory() == null || p.gateway() == null) {
      return;
    }
    try {
      report = p.flush();
      if (report.delivered() + report.remaining() + report.dropped() + report.setAside() > 0
          || report.failure() != null) {
        LOG.info("batchpush: spool {} replayed: {}", p.spoolDirectory(), report);
      }
    } catch (RuntimeException e) {
      // Start-up must not fail because the gateway is down; the spool waits for the next push.
      LOG.warn("batchpush: replaying spool {} failed: {}", p.spoolDirectory(), e.toString());
    }
  }

  /** What the start-up replay did, or null before it ran or when there was nothing to replay from. */
  SpoolReport report() {
    return report;
  }
}
