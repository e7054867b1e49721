package io.github.batchpush.spring;

import io.github.batchpush.spring.WatchedJobs.Watched;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Warns once at start-up when Spring Boot's own Pushgateway export would push to a group batchpush pushes a job
 * to: the same job name and the same grouping labels. Boot replaces (PUT) or deletes that group at shutdown with
 * {@code shutdown-operation} put or delete, which erases batchpush's last success and max age.
 *
 * <p>Boot's settings are read from the Environment as Boot 4.0 names them, so batchpush needs no dependency on
 * Boot's metrics module. Its group is {@code job} (else {@code spring.application.name}, else {@code spring}) and
 * the {@code grouping-key} entries.
 */
final class BootPushgatewayOverlap implements SmartInitializingSingleton {
  static final String PREFIX = "management.prometheus.metrics.export.pushgateway.";
  private static final Logger LOG = LoggerFactory.getLogger(BootPushgatewayOverlap.class);

  private final ObjectProvider<PushMetricsRegistrar> registrar;
  private final Environment environment;

  BootPushgatewayOverlap(ObjectProvider<PushMetricsRegistrar> registrar, Environment environment) {
    this.registrar = registrar;
    this.environment = environment;
  }

  @Override
  public void afterSingletonsInstantiated() {
    PushMetricsRegistrar jobs = registrar.getIfAvailable();
    if (jobs == null || !bootPushes()) {
      return;
    }
    String bootJob = environment.getProperty(PREFIX + "job",
        environment.getProperty("spring.application.name", "spring"));
    Map<String, String> bootLabels = Binder.get(environment)
        .bind(PREFIX + "grouping-key", Bindable.mapOf(String.class, String.class)).orElse(Map.of());
    List<Watched> overlapping = jobs.watchedJobs().watched().stream()
        .filter(w -> w.listener().groupJob(w.jobName()).equals(bootJob) && sameLabels(w.listener(), bootLabels))
        .toList();
    if (!overlapping.isEmpty()) {
      Watched first = overlapping.get(0);
      LOG.warn("batchpush: Spring Boot's Pushgateway export pushes to {}, the group of batch job '{}' (shutdown-"
          + "operation {}; put or delete erases its last success): set {}job to another name, or give the batch "
          + "job its own with @PushMetrics(job = \"...\")", first.group(), first.jobName(),
          environment.getProperty(PREFIX + "shutdown-operation", "none"), PREFIX);
    }
  }

  /** Boot's export is on: the Pushgateway switch, and Prometheus export not turned off. */
  private boolean bootPushes() {
    boolean exportEnabled = environment.getProperty("management.prometheus.metrics.export.enabled", Boolean.class,
        environment.getProperty("management.defaults.metrics.export.enabled", Boolean.class, true));
    return exportEnabled && environment.getProperty(PREFIX + "enabled", Boolean.class, false);
  }

  /** The same label names; values equal, except that a parameter label may take any value. */
  private static boolean sameLabels(BatchPushJobListener listener, Map<String, String> boot) {
    Map<String, String> fixed = listener.push().labels();
    List<String> perExecution = listener.parameterLabels();
    if (boot.size() != fixed.size() + perExecution.size()) {
      return false;
    }
    return boot.entrySet().stream().allMatch(label -> perExecution.contains(label.getKey())
        || label.getValue().equals(fixed.get(label.getKey())));
  }
}
