package io.github.batchpush.spring;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring Boot's own Pushgateway export, configured by its properties (Boot 4.0's names), next to batchpush: one WARN
 * at start-up when Boot would push to the very group a batch job is pushed to, none otherwise.
 */
@ExtendWith(OutputCaptureExtension.class)
class BootPushgatewayOverlapTests {
  private static final String BOOT = "management.prometheus.metrics.export.pushgateway.";

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(BatchPushAutoConfiguration.class))
      .withUserConfiguration(Jobs.class)
      .withPropertyValues("batchpush.gateway.url=http://127.0.0.1:9091", "batchpush.spool-enabled=false",
          "batchpush.labels.env=prod");

  @Test
  void bootPushingToABatchJobsGroupLogsOneWarningNamingTheJobAndTheFix(CapturedOutput output) {
    runner.withPropertyValues(BOOT + "enabled=true", BOOT + "job=nightly", BOOT + "grouping-key.env=prod",
        BOOT + "shutdown-operation=put").run(context -> assertThat(context).hasNotFailed());

    assertThat(warnings(output)).containsExactly("WARN io.github.batchpush.spring.BootPushgatewayOverlap - "
        + "batchpush: Spring Boot's Pushgateway export pushes to {job=\"nightly\",env=\"prod\"}, the group of batch "
        + "job 'nightly' (shutdown-operation put; put or delete erases its last success): set "
        + "management.prometheus.metrics.export.pushgateway.job to another name, or give the batch job its own "
        + "with @PushMetrics(job = \"...\")");
  }

  @Test
  void bootsDefaultJobNameIsTheApplicationName(CapturedOutput output) {
    runner.withPropertyValues(BOOT + "enabled=true", "spring.application.name=nightly",
        BOOT + "grouping-key.env=prod").run(context -> assertThat(context).hasNotFailed());

    assertThat(warnings(output)).hasSize(1).allMatch(line -> line.contains("batch job 'nightly'"));
  }

  @Test
  void aParameterLabelOverlapsWhateverBootsValueForIt(CapturedOutput output) {
    runner.withPropertyValues(BOOT + "enabled=true", BOOT + "job=regional", BOOT + "grouping-key.env=prod",
        BOOT + "grouping-key.region=eu").run(context -> assertThat(context).hasNotFailed());

    assertThat(warnings(output)).hasSize(1).allMatch(line -> line.contains("batch job 'regional'"));
  }

  @Test
  void bootPushingToAnotherGroupOfTheSameJobNameIsNoOverlap(CapturedOutput output) {
    runner.withPropertyValues(BOOT + "enabled=true", BOOT + "job=nightly")
        .run(context -> assertThat(context).hasNotFailed());

    assertThat(warnings(output)).isEmpty();
  }

  @Test
  void bootPushingUnderAnotherJobNameIsNoOverlap(CapturedOutput output) {
    runner.withPropertyValues(BOOT + "enabled=true", BOOT + "job=app_metrics", BOOT + "grouping-key.env=prod")
        .run(context -> assertThat(context).hasNotFailed());

    assertThat(warnings(output)).isEmpty();
  }

  @Test
  void bootsExportSwitchedOffIsNoOverlap(CapturedOutput output) {
    runner.withPropertyValues(BOOT + "job=nightly", BOOT + "grouping-key.env=prod")
        .run(context -> assertThat(context).hasNotFailed());
    runner.withPropertyValues(BOOT + "enabled=true", BOOT + "job=nightly", BOOT + "grouping-key.env=prod",
        "management.prometheus.metrics.export.enabled=false").run(context -> assertThat(context).hasNotFailed());

    assertThat(warnings(output)).isEmpty();
  }

  private static List<String> warnings(CapturedOutput output) {
    return output.getAll().lines().filter(line -> line.contains(" WARN ") && line.contains("batchpush"))
        .map(line -> line.substring(line.indexOf("] ") + 2)).toList();
  }

  @Configuration(proxyBeanMethods = false)
  @EnableBatchProcessing
  static class Jobs {
    @Bean
    @PushMetrics
    Job nightly(JobRepository repository) {
      return TestJobs.job("nightly", repository, TestJobs.doneStep("export", repository));
    }

    @Bean
    @PushMetrics(parameterLabels = "region")
    Job regional(JobRepository repository) {
      return TestJobs.job("regional", repository, TestJobs.doneStep("export", repository));
    }
  }
}
