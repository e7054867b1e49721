package io.github.batchpush.spring;

import io.github.batchpush.BatchPush;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;

/** What {@link EnableBatchPush} imports; free of Spring Boot types so plain Spring can load it. */
@Configuration(proxyBeanMethods = false)
class BatchPushConfiguration {

  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  static PushMetricsRegistrar batchPushRegistrar(ObjectProvider<BatchPush> push,
      ConfigurableListableBeanFactory beanFactory) {
    return new PushMetricsRegistrar(pushOrEnvironment(push), instrumentAllJobs(beanFactory));
  }

  @Bean
  SpoolReplay batchPushSpoolReplay(ObjectProvider<BatchPush> push) {
    return new SpoolReplay(pushOrEnvironment(push));
  }

  @Bean
  InterruptedRunsOnClose batchPushInterruptedRuns(ObjectProvider<PushMetricsRegistrar> registrar) {
    return new InterruptedRunsOnClose(registrar);
  }

  @Bean
  JobRegistrations batchPushJobRegistrations(ObjectProvider<PushMetricsRegistrar> registrar) {
    return new JobRegistrations(registrar);
  }

  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  static AbandonedRuns batchPushAbandonedRuns(ObjectProvider<PushMetricsRegistrar> registrar,
      ObjectProvider<JobRepository> repository) {
    return new AbandonedRuns(registrar, repository);
  }

  /** The {@code BatchPush} bean, else one from {@code BATCHPUSH_*}; resolved on first use, not at registration. */
  static Supplier<BatchPush> pushOrEnvironment(ObjectProvider<BatchPush> push) {
    return new Supplier<>() {
      private BatchPush resolved;

      @Override
      public synchronized BatchPush get() {
        if (resolved == null) {
          resolved = push.getIfAvailable(BatchPush::fromEnvironment);
        }
        return resolved;
      }
    };
  }

  /** Reads the annotation from bean definitions only: creating beans this early would trigger warnings. */
  private static boolean instrumentAllJobs(ConfigurableListableBeanFactory beanFactory) {
    for (String name : beanFactory.getBeanDefinitionNames()) {
      if (beanFactory.getBeanDefinition(name) instanceof AnnotatedBeanDefinition annotated) {
        Map<String, Object> attributes = annotated.getMetadata()
            .getAnnotationAttributes(EnableBatchPush.class.getName());
        if (attributes != null && Boolean.TRUE.equals(attributes.get("instrumentAllJobs"))) {
          return true;
        }
      }
    }
    return false;
  }
}
