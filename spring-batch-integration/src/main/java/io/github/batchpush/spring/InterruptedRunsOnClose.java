package io.github.batchpush.spring;

import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

/**
 * When the application context closes while one of its jobs runs ({@code SpringApplication.exit}, a SIGTERM or
 * SIGINT through Boot's shutdown hook, {@code close()}), pushes that run as interrupted at once: the close goes on
 * to shut the DataSource, after which Spring Batch's own {@code afterJob} never comes. A child context closing
 * leaves its parent's jobs alone.
 */
final class InterruptedRunsOnClose implements ApplicationListener<ContextClosedEvent>, ApplicationContextAware {
  private final ObjectProvider<PushMetricsRegistrar> registrar;
  private ApplicationContext context;

  InterruptedRunsOnClose(ObjectProvider<PushMetricsRegistrar> registrar) {
    this.registrar = registrar;
  }

  @Override
  public void setApplicationContext(ApplicationContext context) {
    this.context = context;
  }

  @Override
  public void onApplicationEvent(ContextClosedEvent event) {
    PushMetricsRegistrar jobs = registrar.getIfAvailable();
    if (event.getApplicationContext() != context || jobs == null) {
      return;
    }
    Set<String> names = jobs.watchedJobs().jobNames();
    InFlightRuns.interrupt(execution -> names.contains(execution.getJobInstance().getJobName()),
        "the application context is closing");
  }
}
