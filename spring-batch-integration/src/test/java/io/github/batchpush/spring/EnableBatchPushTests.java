package io.github.batchpush.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.BatchPush;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.SimpleJob;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@link EnableBatchPush} in a plain Spring context that cannot load any Spring Boot class. */
class EnableBatchPushTests {
  @RealPushgateway
  static Pushgateway gateway;
  @TempDir
  static Path spool;

  @Test
  void pushesAnnotatedJobsAndJobClassesWithoutSpringBoot() throws Exception {
    try (AnnotationConfigApplicationContext context = plainContext(Annotated.class)) {
      run(context, "annotatedMethod");
      run(context, "annotatedClass");
      run(context, "notAnnotated");
    }

    assertThat(gateway.group("plain_method", Map.of())).containsEntry("batch_job_exit_code", 0.0);
    assertThat(gateway.group("plain_class", Map.of())).containsEntry("batch_job_exit_code", 0.0);
    assertThat(gateway.group("plain_not_annotated", Map.of())).isEmpty();
  }

  @Test
  void instrumentsEveryJobWhenAskedTo() throws Exception {
    try (AnnotationConfigApplicationContext context = plainContext(All.class)) {
      run(context, "everyJob");
    }

    assertThat(gateway.group("plain_every_job", Map.of())).containsEntry("batch_job_exit_code", 0.0);
  }

  private static AnnotationConfigApplicationContext plainContext(Class<?> configuration) {
    AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
    context.setClassLoader(new FilteredClassLoader("org.springframework.boot"));
    context.register(configuration);
    context.refresh();
    return context;
  }

  private static void run(AnnotationConfigApplicationContext context, String job) throws Exception {
    var execution = context.getBean(JobOperator.class).start(context.getBean(job, Job.class),
        new JobParametersBuilder().addLong("run", System.nanoTime()).toJobParameters());
    assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
  }

  @Configuration(proxyBeanMethods = false)
  @EnableBatchProcessing
  @EnableBatchPush
  static class Annotated {
    @Bean
    BatchPush batchPush() {
      return BatchPush.builder().gateway(gateway.uri()).spoolDirectory(spool).build();
    }

    @Bean
    @PushMetrics(job = "plain_method")
    Job annotatedMethod(JobRepository repository) {
      return TestJobs.job("annotatedMethod", repository, TestJobs.doneStep("only", repository));
    }

    @Bean
    Job annotatedClass(JobRepository repository) {
      return new ClassAnnotatedJob(repository);
    }

    @Bean
    Job notAnnotated(JobRepository repository) {
      return TestJobs.job("plain_not_annotated", repository, TestJobs.doneStep("only", repository));
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableBatchProcessing
  @EnableBatchPush(instrumentAllJobs = true)
  static class All {
    @Bean
    BatchPush batchPush() {
      return BatchPush.builder().gateway(gateway.uri()).spoolDirectory(spool).build();
    }

    @Bean
    Job everyJob(JobRepository repository) {
      return TestJobs.job("plain_every_job", repository, TestJobs.doneStep("only", repository));
    }
  }

  @PushMetrics(job = "plain_class")
  static class ClassAnnotatedJob extends SimpleJob {
    ClassAnnotatedJob(JobRepository repository) {
      super("annotatedClass");
      setJobRepository(repository);
      addStep(TestJobs.doneStep("only", repository));
    }
  }
}
