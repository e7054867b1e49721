package io.github.batchpush.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.testing.FaultServer;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** At start-up every watched job with a max age is declared on the gateway, so a job that never runs still pages. */
@ExtendWith(OutputCaptureExtension.class)
class JobRegistrationsTests {
  @RealPushgateway
  Pushgateway gateway;

  private ApplicationContextRunner runner(String gatewayUrl) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(BatchPushAutoConfiguration.class))
        .withUserConfiguration(Jobs.class)
        .withPropertyValues("batchpush.gateway.url=" + gatewayUrl, "batchpush.spool-enabled=false",
            "batchpush.labels.env=prod", "batchpush.deadline=2s");
  }

  @Test
  void aWatchedJobWithAMaxAgeIsDeclaredBeforeItEverRuns(CapturedOutput output) {
    double before = System.currentTimeMillis() / 1000.0;

    runner(gateway.uri().toString()).run(context -> assertThat(context).hasNotFailed());

    Map<String, Double> invoice = gateway.group("invoice", Map.of("env", "prod", "team", "billing"));
    assertThat(invoice).containsEntry("batch_job_max_age_seconds", 26 * 3600.0)
        .doesNotContainKey("batch_job_last_success_timestamp_seconds");
    assertThat(invoice.get("batch_job_registered_timestamp_seconds")).isBetween(before - 1, before + 60);
    assertThat(output).contains("batchpush: registered 1 job with the gateway: "
        + "{job=\"invoice\",env=\"prod\",team=\"billing\"}");
  }

  @Test
  void jobsWithoutAMaxAgeOrWithParameterLabelsAreNotDeclared() {
    runner(gateway.uri().toString()).run(context -> assertThat(context).hasNotFailed());

    assertThat(gateway.groups()).extracting(group -> group.get("labels").get("job").asText())
        .containsExactly("invoice");
  }

  @Test
  void aGatewayThatHangsDelaysStartUpByAboutOneDeadlineAndFailsNothing(CapturedOutput output) throws Exception {
    try (FaultServer hanging = FaultServer.start(null, FaultServer.Fault.hang())) {
      long start = System.nanoTime();

      runner(hanging.uri().toString()).withPropertyValues("batchpush.max-age=1h")
          .run(context -> assertThat(context).hasNotFailed());

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
      assertThat(output.getAll().lines().filter(line -> line.contains("batchpush: registering"))).singleElement()
          .asString().contains("WARN").contains("the rest not tried");
    }
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
    @PushMetrics(parameterLabels = "region", maxAge = "1h")
    Job settlement(JobRepository repository) {
      return TestJobs.job("settlement", repository, TestJobs.doneStep("book", repository));
    }

    @Bean
    @PushMetrics
    Job audit(JobRepository repository) {
      return TestJobs.job("audit", repository, TestJobs.doneStep("check", repository));
    }
  }
}
