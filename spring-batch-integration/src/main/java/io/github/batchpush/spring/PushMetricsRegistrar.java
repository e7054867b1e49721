package io.github.batchpush.spring;

import io.github.batchpush.BatchPush;
import io.github.batchpush.Durations;
import io.github.batchpush.Labels;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.AbstractJob;
import org.springframework.batch.core.job.Job;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.AnnotationUtils;

/**
 * Registers a {@link BatchPushJobListener} on every {@link PushMetrics @PushMetrics} job bean (or on every job when
 * instrumenting all), keeps the context's {@link WatchedJobs}, and logs them in one line once the singletons exist.
 * Declared through a static {@code @Bean} method and given the {@link BatchPush} lazily, so it creates no bean while
 * post-processors are still being registered: nothing gets the "not eligible for getting processed by all
 * BeanPostProcessors" warning.
 */
final class PushMetricsRegistrar implements BeanPostProcessor, BeanFactoryAware, SmartInitializingSingleton {
  private static final Logger LOG = LoggerFactory.getLogger(PushMetricsRegistrar.class);

  private final Supplier<BatchPush> push;
  private final boolean instrumentAllJobs;
  private final WatchedJobs watchedJobs = new WatchedJobs();
  private ConfigurableListableBeanFactory beanFactory;

  PushMetricsRegistrar(Supplier<BatchPush> push, boolean instrumentAllJobs) {
    this.push = push;
    this.instrumentAllJobs = instrumentAllJobs;
  }

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = beanFactory instanceof ConfigurableListableBeanFactory c ? c : null;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
    if (!(bean instanceof Job job)) {
      return bean;
    }
    watchedJobs.seen(job.getName());
    PushMetrics annotation = findAnnotation(job, beanName);
    if (annotation == null && !instrumentAllJobs) {
      return bean;
    }
    if (!(job instanceof AbstractJob abstractJob)) {
      String message = "batchpush: cannot register on job bean '" + beanName + "' (" + job.getClass().getName()
          + " does not extend AbstractJob): add a BatchPushJobListener to it by hand";
      if (annotation != null) {
        throw new BeanInitializationException(message);
      }
      LOG.warn(message);
      return bean;
    }
    BatchPushJobListener listener = annotation == null ? new BatchPushJobListener(push.get())
        : listener(annotation, beanName);
    abstractJob.registerJobExecutionListener(listener);
    watchedJobs.watch(job.getName(), listener);
    return bean;
  }

  /** Once every singleton job is registered: the one start-up line saying what batchpush watches. */
  @Override
  public void afterSingletonsInstantiated() {
    try {
      LOG.info(watchedJobs.describe());
    } catch (RuntimeException e) {
      LOG.warn("batchpush: cannot describe the watched jobs: {}", e.toString());
    }
  }

  WatchedJobs watchedJobs() {
    return watchedJobs;
  }

  private PushMetrics findAnnotation(Job job, String beanName) {
    if (beanFactory != null && beanFactory.containsBeanDefinition(beanName)) {
      // Covers both the @Bean factory method and the class.
      PushMetrics found = beanFactory.findAnnotationOnBean(beanName, PushMetrics.class);
      if (found != null) {
        return found;
      }
    }
    return AnnotationUtils.findAnnotation(job.getClass(), PushMetrics.class);
  }

  private BatchPushJobListener listener(PushMetrics annotation, String beanName) {
    Duration maxAge = null;
    if (!annotation.maxAge().isBlank()) {
      try {
        maxAge = Durations.parse(annotation.maxAge());
      } catch (IllegalArgumentException e) {
        throw invalid(beanName, "maxAge", annotation.maxAge(), e);
      }
    }
    BatchPush.Builder labelled = null;
    for (String label : annotation.labels()) {
      try {
        // Checked before the BatchPush is resolved, so a bad label is reported before any gateway setting is read.
        Labels.label(label);
      } catch (IllegalArgumentException e) {
        throw invalid(beanName, "labels", label, e);
      }
      labelled = (labelled == null ? push.get().newBuilder() : labelled).label(label);
    }
    BatchPush jobPush = labelled == null ? push.get() : labelled.build();
    for (String name : annotation.parameterLabels()) {
      try {
        BatchPushJobListener.checkParameterLabels(jobPush, List.of(name));
      } catch (IllegalArgumentException e) {
        throw invalid(beanName, "parameterLabels", name, e);
      }
    }
    List<String> parameterLabels = List.of(annotation.parameterLabels());
    String job = annotation.job().isEmpty() ? null : annotation.job();
    return new BatchPushJobListener(jobPush, job, maxAge, true, parameterLabels);
  }

  private static BeanInitializationException invalid(String beanName, String attribute, String value,
      IllegalArgumentException cause) {
    return new BeanInitializationException("Invalid @PushMetrics(" + attribute + " = \"" + value + "\") on job bean '"
        + beanName + "': " + cause.getMessage(), cause);
  }
}
