package io.github.batchpush.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.BatchPush;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** At start-up the application says, in one INFO line, which jobs batchpush watches, their groups and max age. */
@ExtendWith(OutputCaptureExtension.class)
class StartupLineTests {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(BatchPushAutoConfiguration.class))
      .withUserConfiguration(Jobs.class)
      .withPropertyValues("batchpush.gateway.url=http://127.0.0.1:9091", "batchpush.spool-enabled=false",
          "batchpush.labels.env=prod", "batchpush.max-age=90m");

  @Test
  void oneInfoLineListsEachWatchedJobWithItsGroupAndMaxAge(CapturedOutput output) {
    runner.run(context -> assertThat(context).hasNotFailed());

    assertThat(batchpushLines(output)).containsExactly("INFO io.github.batchpush.spring.PushMetricsRegistrar - "
        + "batchpush: watching 3 jobs, pushed to http://127.0.0.1:9091: "
        + "invoice as {job=\"invoice\",env=\"prod\",team=\"billing\"}, max age 26h; "
        + "settlement as {job=\"settlement\",env=\"prod\",region=\"<job parameter region>\"}, max age 90m; "
        + "audit as {job=\"compliance_audit\",env=\"prod\"}, max age 90m");
  }

  @Test
  void withoutWatchedJobsTheLineSaysSoAndHowToWatchOne(CapturedOutput output) {
    try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(NoJobs.class)) {
      assertThat(context.getBeansOfType(PushMetricsRegistrar.class)).hasSize(1);
    }

    assertThat(batchpushLines(output)).containsExactly("INFO io.github.batchpush.spring.PushMetricsRegistrar - "
        + "batchpush: watching no jobs (annotate a Job bean with @PushMetrics, or instrument all jobs)");
  }

  private static List<String> batchpushLines(CapturedOutput output) {
    return output.getAll().lines().filter(line -> line.contains("PushMetricsRegistrar - batchpush: "))
        .map(line -> line.substring(line.indexOf("] ") + 2)).toList();
  }

  @Configuration(proxyBeanMethods = false)
  @EnableBatchProcessing
  static class Jobs {
    @Bean
    @PushMetrics(labels = "team=billing", maxAge = "26h")
    Job invoice(JobRepository repository) {
      return TestJobs.job("invoice", repository, TestJobs.doneStep("export", repository));
    }

    @Bean
    @PushMetrics(parameterLabels = "region")
    Job settlement(JobRepository repository) {
      return TestJobs.job("settlement", repository, TestJobs.doneStep("book", repository));
    }

    @Bean
    @PushMetrics(job = "compliance_audit")
    Job audit(JobRepository repository) {
      return TestJobs.job("audit", repository, TestJobs.doneStep("check", repository));
    }

    @Bean
    Job notWatched(JobRepository repository) {
      return TestJobs.job("notWatched", repository, TestJobs.doneStep("only", repository));
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableBatchProcessing
  @EnableBatchPush
  static class NoJobs {
    @Bean
    BatchPush batchPush() {
      return BatchPush.builder().gateway(URI.create("http://127.0.0.1:9091")).noSpool().build();
    }
  }
}
