package io.github.batchpush.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.github.batchpush.BatchPush;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Job parameters as grouping labels: by annotation or on a listener added by hand, checked at start-up. */
class ParameterLabelsTests {
  @RealPushgateway
  static Pushgateway gateway;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(BatchPushAutoConfiguration.class))
      .withPropertyValues("batchpush.gateway.url=http://127.0.0.1:9091", "batchpush.spool-enabled=false",
          "batchpush.labels.env=prod");

  @Test
  void aListenerAddedByHandKeepsEachParameterValueInItsOwnGroup() throws Exception {
    try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(HandAdded.class)) {
      JobOperator operator = context.getBean(JobOperator.class);
      Job job = context.getBean(Job.class);
      for (String region : new String[] {"eu", "us"}) {
        var execution = operator.start(job, new JobParametersBuilder().addString("region", region)
            .addLong("run", System.nanoTime()).toJobParameters());
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
      }
    }

    assertThat(gateway.group("hand_regional", Map.of("region", "eu"))).containsEntry("batch_job_exit_code", 0.0);
    assertThat(gateway.group("hand_regional", Map.of("region", "us"))).containsEntry("batch_job_exit_code", 0.0);
  }

  @Test
  void aParameterLabelThatCannotBeALabelStopsStartUpNamingTheBeanAndTheValue() {
    runner.withUserConfiguration(JobLabelledByJobParameter.class).run(context -> assertThat(context.getStartupFailure())
        .hasMessageContaining("Invalid @PushMetrics(parameterLabels = \"job\") on job bean 'export': "
            + "Invalid label name: 'job'"));
  }

  @Test
  void aParameterLabelThatIsAlreadyALabelStopsStartUp() {
    runner.withUserConfiguration(EnvLabelledByJobParameter.class).run(context -> assertThat(context.getStartupFailure())
        .hasMessageEndingWith("Invalid @PushMetrics(parameterLabels = \"env\") on job bean 'export': Invalid "
            + "parameter label: 'env' is already a label with the value 'prod'; drop one of the two"));
  }

  @Test
  void withParameterLabelsRefusesANameThatCannotBeALabel() {
    BatchPushJobListener listener = new BatchPushJobListener(BatchPush.builder().gateway(gateway.uri()).noSpool()
        .build());

    assertThatIllegalArgumentException().isThrownBy(() -> listener.withParameterLabels("step"))
        .withMessageStartingWith("Invalid label name: 'step'");
  }

  @Configuration(proxyBeanMethods = false)
  @EnableBatchProcessing
  static class HandAdded {
    @Bean
    Job handRegional(JobRepository repository) {
      BatchPush push = BatchPush.builder().gateway(gateway.uri()).noSpool().build();
      return new JobBuilder("hand_regional", repository)
          .listener(new BatchPushJobListener(push).withParameterLabels("region"))
          .start(TestJobs.doneStep("only", repository))
          .build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableBatchProcessing
  static class JobLabelledByJobParameter {
    @Bean
    @PushMetrics(parameterLabels = "job")
    Job export(JobRepository repository) {
      return TestJobs.job("export", repository, TestJobs.doneStep("only", repository));
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableBatchProcessing
  static class EnvLabelledByJobParameter {
    @Bean
    @PushMetrics(parameterLabels = "env")
    Job export(JobRepository repository) {
      return TestJobs.job("export", repository, TestJobs.doneStep("only", repository));
    }
  }
}
