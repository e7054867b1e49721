package io.github.batchpush.spring;

import org.aopalliance.intercept.MethodInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.framework.AbstractAdvisingBeanPostProcessor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.NameMatchMethodPointcut;
import org.springframework.aop.support.RootClassFilter;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Pushes an execution abandoned through the application's {@link JobOperator} (exit code 3): abandoning happens
 * outside any run, so no listener sees it. Adds advice to the JobOperator bean, which Spring Batch's configurations
 * (and Boot's) build as a proxy; a JobOperator bean that is not one is left alone, with a warning.
 *
 * <p>Only the job's newest execution is pushed: abandoning an old execution must not replace a newer run on the
 * gateway.
 */
final class AbandonedRuns extends AbstractAdvisingBeanPostProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(AbandonedRuns.class);

  private final ObjectProvider<PushMetricsRegistrar> registrar;
  private final ObjectProvider<JobRepository> repository;

  AbandonedRuns(ObjectProvider<PushMetricsRegistrar> registrar, ObjectProvider<JobRepository> repository) {
    this.registrar = registrar;
    this.repository = repository;
    NameMatchMethodPointcut abandon = new NameMatchMethodPointcut();
    abandon.setMappedName("abandon");
    abandon.setClassFilter(new RootClassFilter(JobOperator.class));
    this.advisor = new DefaultPointcutAdvisor(abandon, (MethodInterceptor) invocation -> {
      Object result = invocation.proceed();
      if (result instanceof JobExecution execution && execution.getStatus() == BatchStatus.ABANDONED) {
        abandoned(execution);
      }
      return result;
    });
    // Outside the JobOperator's transaction: pushed once the abandonment is committed.
    setBeforeExistingAdvisors(true);
  }

  /** Reached only by beans that are no open proxy: they keep their class, and a JobOperator among them is named. */
  @Override
  protected boolean isEligible(Object bean, String beanName) {
    if (bean instanceof JobOperator) {
      LOG.warn("batchpush: JobOperator bean '{}' ({}) is not an unfrozen Spring AOP proxy: executions abandoned "
          + "through it are not pushed; build it with JobOperatorFactoryBean", beanName, bean.getClass().getName());
    }
    return false;
  }

  private void abandoned(JobExecution execution) {
    PushMetricsRegistrar jobs = registrar.getIfAvailable();
    String name = execution.getJobInstance().getJobName();
    BatchPushJobListener listener = jobs == null ? null : jobs.watchedJobs().listener(name);
    if (listener == null) {
      return;
    }
    JobExecution newer = newerExecution(execution);
    if (newer != null) {
      LOG.info("batchpush: job execution {} of {} abandoned; not pushed, the newer execution {} stays on the gateway",
          execution.getId(), name, newer.getId());
      return;
    }
    listener.pushAbandoned(execution);
  }

  /** The job's newest execution when it is newer than {@code execution}, else null (also when unknown). */
  private JobExecution newerExecution(JobExecution execution) {
    JobRepository jobs = repository.getIfUnique();
    if (jobs == null) {
      return null;
    }
    try {
      JobInstance last = jobs.getLastJobInstance(execution.getJobInstance().getJobName());
      JobExecution newest = last == null ? null : jobs.getLastJobExecution(last);
      return newest != null && newest.getId() != execution.getId()
          && newest.getCreateTime().isAfter(execution.getCreateTime()) ? newest : null;
    } catch (RuntimeException e) {
      // A repository that cannot tell (UnsupportedOperationException): push, as the abandonment is the news.
      return null;
    }
  }
}
