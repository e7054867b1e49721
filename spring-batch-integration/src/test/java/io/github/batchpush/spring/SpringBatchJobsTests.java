package io.github.batchpush.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.BatchPush;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.batch.test.JobOperatorTestUtils;
import org.springframework.batch.test.context.SpringBatchTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

/**
 * Real Spring Batch jobs on the resourceless repository, wired by {@link EnableBatchPush} (plain Spring, no Boot),
 * pushing to the real Pushgateway.
 */
@SpringBatchTest
@SpringJUnitConfig(SpringBatchJobsTests.Jobs.class)
@DirtiesContext
class SpringBatchJobsTests {
  @RealPushgateway
  static Pushgateway gateway;
  @TempDir
  static Path spool;

  static final AtomicBoolean FAIL = new AtomicBoolean();

  @Autowired
  JobOperatorTestUtils jobs;

  @Autowired
  @Qualifier("importJob")
  Job importJob;

  @Autowired
  @Qualifier("flakyJob")
  Job flakyJob;

  @Autowired
  @Qualifier("stoppingJob")
  Job stoppingJob;

  @Autowired
  @Qualifier("plainJob")
  Job plainJob;

  @Autowired
  @Qualifier("handAndAnnotatedJob")
  Job handAndAnnotatedJob;

  @Test
  void aCompletedJobPushesSuccessItemCountsAndStepGaugesWithTheAnnotationsLabels() throws Exception {
    JobExecution execution = launcher.start(importJob, new JobParameters());

    assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
    Map<String, Double> group = gateway.group("import", Map.of("team", "billing"));
    assertThat(group).containsEntry("batch_job_exit_code", 0.0)
        .containsEntry("batch_job_items_read", 12.0)
        .containsEntry("batch_job_items_written", 10.0)
        .containsEntry("batch_job_items_skipped", 2.0)
        .containsEntry("batch_job_max_age_seconds", 26 * 3600.0)
        .containsEntry("batch_job_step_items_read{step=load}", 12.0)
        .containsEntry("batch_job_step_items_written{step=load}", 10.0)
        .containsEntry("batch_job_step_items_skipped{step=load}", 2.0)
        .containsEntry("batch_job_step_items_read{step=report}", 0.0)
        .containsKey("batch_job_last_success_timestamp_seconds");
  }

  @Test
  void eachStepsDurationAndExitCodeArePushedWithAStepLabel() throws Exception {
    launcher.start(importJob, unique());
    launcher.start(stoppingJob, unique());

    Map<String, Double> imported = gateway.group("import", Map.of("team", "billing"));
    assertThat(imported).containsEntry("batch_job_step_exit_code{step=load}", 0.0)
        .containsEntry("batch_job_step_exit_code{step=report}", 0.0);
    assertThat(imported.get("batch_job_step_duration_seconds{step=load}")).isBetween(0.0, 60.0);
    assertThat(imported.get("batch_job_step_duration_seconds{step=report}")).isBetween(0.0, 60.0);
    assertThat(gateway.group("stoppingJob", Map.of())).containsEntry("batch_job_step_exit_code{step=halt}", 2.0);
  }

  @Test
  void aFailedRunKeepsTheLastSuccessAndPushesExitCodeOne() throws Exception {
    FAIL.set(false);
    launcher.start(flakyJob, unique());
    Double lastSuccess = gateway.value("flakyJob", Map.of(), "batch_job_last_success_timestamp_seconds");
    Double firstCompletion = gateway.value("flakyJob", Map.of(), "batch_job_last_completion_timestamp_seconds");

    FAIL.set(true);
    JobExecution failed = launcher.start(flakyJob, unique());

    assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
    assertThat(gateway.value("flakyJob", Map.of(), "batch_job_exit_code")).isEqualTo(1.0);
    assertThat(gateway.value("flakyJob", Map.of(), "batch_job_last_success_timestamp_seconds"))
        .isEqualTo(lastSuccess);
    assertThat(gateway.value("flakyJob", Map.of(), "batch_job_last_completion_timestamp_seconds"))
        .isGreaterThan(firstCompletion);
  }

  @Test
  void aRestartedExecutionReportsItsOwnStepsAndSucceeds() throws Exception {
    JobParameters same = unique();
    FAIL.set(true);
    JobExecution first = launcher.start(flakyJob, same);
    FAIL.set(false);
    JobExecution restarted = launcher.start(flakyJob, same);

    assertThat(first.getStatus()).isEqualTo(BatchStatus.FAILED);
    assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
    assertThat(restarted.getJobInstanceId()).isEqualTo(first.getJobInstanceId());
    long read = restarted.getStepExecutions().stream().mapToLong(s -> s.getReadCount()).sum();
    Map<String, Double> group = gateway.group("flakyJob", Map.of());
    assertThat(group).containsEntry("batch_job_exit_code", 0.0)
        .containsEntry("batch_job_items_read", (double) read)
        .containsEntry("batch_job_step_items_read{step=read}", (double) read);
  }

  @Test
  void aStoppedJobPushesExitCodeTwoAndNoSuccess() throws Exception {
    JobExecution execution = launcher.start(stoppingJob, unique());

    assertThat(execution.getStatus()).isEqualTo(BatchStatus.STOPPED);
    Map<String, Double> group = gateway.group("stoppingJob", Map.of());
    assertThat(group).containsEntry("batch_job_exit_code", 2.0)
        .doesNotContainKey("batch_job_last_success_timestamp_seconds");
  }

  @Test
  void anUnannotatedJobIsNotPushed() throws Exception {
    JobExecution execution = launcher.start(plainJob, unique());

    assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
    assertThat(gateway.group("plainJob", Map.of())).isEmpty();
  }

  @Test
  void aJobWithTheListenerAddedByHandAndTheAnnotationIsRecordedOnceWithTheAnnotationsSettings()
      throws Exception {
    JobExecution execution = launcher.start(handAndAnnotatedJob, unique());

    assertThat(execution.getExitStatus()).isEqualTo(ExitStatus.COMPLETED);
    assertThat(gateway.group("hand_annotated", Map.of("source", "annotation")))
        .containsEntry("batch_job_exit_code", 0.0);
    assertThat(gateway.group("handAndAnnotatedJob", Map.of())).isEmpty();
  }

  // Not a JobExecution-returning method of the test class: @SpringBatchTest would take it for a step-scope factory.
  private final Launcher launcher = new Launcher();

  private final class Launcher {
    JobExecution start(Job job, JobParameters parameters) throws Exception {
      jobs.setJob(job);
      return jobs.startJob(parameters);
    }
  }

  private JobParameters unique() {
    return jobs.getUniqueJobParametersBuilder().toJobParameters();
  }

  @Configuration
  @EnableBatchProcessing
  @EnableBatchPush
  static class Jobs {
    @Bean
    BatchPush batchPush() {
      return BatchPush.builder().gateway(gateway.uri()).spoolDirectory(spool).build();
    }

    @Bean
    @PushMetrics(job = "import", labels = "team=billing", maxAge = "26h")
    Job importJob(JobRepository repository) {
      List<String> items = List.of("a", "b", "bad1", "c", "d", "e", "f", "bad2", "g", "h", "i", "j");
      return TestJobs.job("importJob", repository, TestJobs.chunkStep("load", repository, items),
          TestJobs.doneStep("report", repository));
    }

    @Bean
    @PushMetrics
    Job flakyJob(JobRepository repository) {
      return TestJobs.job("flakyJob", repository, TestJobs.chunkStep("read", repository, List.of("x", "y", "z")),
          TestJobs.taskletStep("work", repository, (contribution, context) -> {
            if (FAIL.get()) {
              throw new IllegalStateException("told to fail");
            }
            return RepeatStatus.FINISHED;
          }));
    }

    @Bean
    @PushMetrics
    Job stoppingJob(JobRepository repository) {
      return TestJobs.job("stoppingJob", repository, TestJobs.taskletStep("halt", repository, (contribution, ctx) -> {
        ctx.getStepContext().getStepExecution().setTerminateOnly();
        return RepeatStatus.FINISHED;
      }), TestJobs.doneStep("never", repository));
    }

    @Bean
    Job plainJob(JobRepository repository) {
      return TestJobs.job("plainJob", repository, TestJobs.doneStep("only", repository));
    }

    @Bean
    @PushMetrics(job = "hand_annotated", labels = "source=annotation")
    Job handAndAnnotatedJob(JobRepository repository, BatchPush push) {
      return new org.springframework.batch.core.job.builder.JobBuilder("handAndAnnotatedJob", repository)
          .listener(new BatchPushJobListener(push))
          .start(TestJobs.doneStep("only", repository))
          .build();
    }
  }
}
