package io.github.batchpush.spring;

import io.github.batchpush.spring.WatchedJobs.Watched;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Declares every watched job that has a max age on the gateway when the application starts (core's
 * {@code BatchPush.register}), so that with the shipped alert rules a job that never runs still pages: a schedule
 * that never fires, a launcher that never calls the job, an application that keeps dying before its first run.
 * Registering again at every start keeps the first declaration's time, so the alert's clock is not reset.
 *
 * <p>Best effort: start-up never fails for it. The registrations go one after the other, and the first that cannot
 * reach the gateway ends them (one WARN line), so start-up waits at most about one delivery deadline for a gateway
 * that is down. A job whose group takes labels from its job parameters is not registered: the values are known only
 * when it runs, and a group without them would never see a run.
 */
final class JobRegistrations implements SmartInitializingSingleton {
  private static final Logger LOG = LoggerFactory.getLogger(JobRegistrations.class);

  private final ObjectProvider<PushMetricsRegistrar> registrar;

  JobRegistrations(ObjectProvider<PushMetricsRegistrar> registrar) {
    this.registrar = registrar;
  }

  @Override
  public void afterSingletonsInstantiated() {
    PushMetricsRegistrar jobs = registrar.getIfAvailable();
    if (jobs == null) {
      return;
    }
    List<String> registered = new ArrayList<>();
    for (Watched watched : jobs.watchedJobs().watched()) {
      BatchPushJobListener listener = watched.listener();
      Duration maxAge = listener.declaredMaxAge();
      if (maxAge == null || listener.push().gateway() == null || !listener.parameterLabels().isEmpty()) {
        continue;
      }
      try {
        listener.push().register(listener.groupJob(watched.jobName()), maxAge);
        registered.add(watched.group());
      } catch (RuntimeException e) {
        LOG.warn("batchpush: registering {} at start-up failed, the rest not tried: {}", watched.group(),
            e.getMessage());
        return;
      }
    }
    if (!registered.isEmpty()) {
      LOG.info("batchpush: registered {} with the gateway: {}", registered.size() == 1 ? "1 job" : registered.size()
          + " jobs", String.join(", ", registered));
    }
  }
}
