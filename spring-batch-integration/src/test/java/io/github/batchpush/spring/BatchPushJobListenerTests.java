package io.github.batchpush.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.BatchPush;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.support.ResourcelessJobRepository;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/** The listener added by hand ({@code JobBuilder.listener}), on real jobs and the real Pushgateway. */
class BatchPushJobListenerTests {
  @RealPushgateway
  static Pushgateway gateway;
  @TempDir
  static Path spool;

  @Test
  void mapsEveryBatchStatusToTheDocumentedExitCode() {
    assertThat(BatchPushJobListener.exitCode(BatchStatus.COMPLETED)).isEqualTo(0);
    assertThat(BatchPushJobListener.exitCode(BatchStatus.FAILED)).isEqualTo(1);
    assertThat(BatchPushJobListener.exitCode(BatchStatus.STOPPED)).isEqualTo(2);
    assertThat(BatchPushJobListener.exitCode(BatchStatus.STOPPING)).isEqualTo(2);
    assertThat(BatchPushJobListener.exitCode(BatchStatus.ABANDONED)).isEqualTo(3);
    assertThat(BatchPushJobListener.exitCode(BatchStatus.UNKNOWN)).isEqualTo(4);
    assertThat(BatchPushJobListener.exitCode(BatchStatus.STARTED)).isEqualTo(4);
  }

  @Test
  void aCompletedExecutionWhoseExitStatusIsFailedIsAFailure() {
    assertThat(BatchPushJobListener.exitCode(BatchStatus.COMPLETED, ExitStatus.FAILED)).isEqualTo(1);
    assertThat(BatchPushJobListener.exitCode(BatchStatus.COMPLETED, ExitStatus.COMPLETED)).isEqualTo(0);
    assertThat(BatchPushJobListener.exitCode(BatchStatus.COMPLETED, new ExitStatus("COMPLETED WITH SKIPS")))
        .isEqualTo(0);
    assertThat(BatchPushJobListener.exitCode(BatchStatus.STOPPED, ExitStatus.FAILED)).isEqualTo(2);
    assertThat(BatchPushJobListener.exitCode(BatchStatus.ABANDONED, ExitStatus.FAILED)).isEqualTo(3);
  }

  @Test
  void concurrentExecutionsOfDifferentJobsAreEachRecordedWithTheirOwnCounts() throws Exception {
    BatchPushJobListener listener = new BatchPushJobListener(push(gateway.uri()));
    CyclicBarrier bothRunning = new CyclicBarrier(2);
    JobRepository repoA = new ResourcelessJobRepository();
    JobRepository repoB = new ResourcelessJobRepository();
    Job a = concurrentJob("concurrent_a", repoA, listener, 3, bothRunning);
    Job b = concurrentJob("concurrent_b", repoB, listener, 7, bothRunning);

    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<JobExecution> executions = Collections.synchronizedList(new ArrayList<>());
    try {
      Future<?> runA = pool.submit(() -> executions.add(execute(a, repoA, BatchStatus.STARTING)));
      Future<?> runB = pool.submit(() -> executions.add(execute(b, repoB, BatchStatus.STARTING)));
      runA.get(30, TimeUnit.SECONDS);
      runB.get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    // The resourceless repository numbers every execution 1: keying runs by id would mix these two up.
    assertThat(executions).extracting(JobExecution::getId).containsExactly(1L, 1L);
    assertThat(executions).extracting(JobExecution::getStatus).containsOnly(BatchStatus.COMPLETED);
    assertThat(gateway.group("concurrent_a", Map.of())).containsEntry("batch_job_items_read", 3.0)
        .containsEntry("batch_job_items_written", 3.0).containsEntry("batch_job_exit_code", 0.0);
    assertThat(gateway.group("concurrent_b", Map.of())).containsEntry("batch_job_items_read", 7.0)
        .containsEntry("batch_job_items_written", 7.0).containsEntry("batch_job_exit_code", 0.0);
  }

  @Test
  void aJobStoppedBeforeItsFirstStepIsRecordedAsStoppedWithZeroDuration() {
    JobRepository repository = new ResourcelessJobRepository();
    Job job = new JobBuilder("stopped_early", repository).listener(new BatchPushJobListener(push(gateway.uri())))
        .start(TestJobs.doneStep("never", repository)).build();

    JobExecution execution = execute(job, repository, BatchStatus.STOPPING);

    assertThat(execution.getStartTime()).isNull();
    assertThat(execution.getStatus()).isEqualTo(BatchStatus.STOPPED);
    Map<String, Double> group = gateway.group("stopped_early", Map.of());
    assertThat(group).containsEntry("batch_job_exit_code", 2.0).containsEntry("batch_job_items_read", 0.0)
        .doesNotContainKey("batch_job_last_success_timestamp_seconds");
    assertThat(group.get("batch_job_duration_seconds")).isBetween(0.0, 1.0);
  }

  @Test
  void twoListenersOnOneJobRecordEachExecutionOnceUnderTheFirstOnesGroup() {
    JobRepository repository = new ResourcelessJobRepository();
    BatchPush push = push(gateway.uri());
    Job job = new JobBuilder("twice", repository)
        .listener(new BatchPushJobListener(push, "twice_first", null))
        .listener(new BatchPushJobListener(push, "twice_second", null))
        .start(TestJobs.doneStep("only", repository)).build();

    execute(job, repository, BatchStatus.STARTING);

    assertThat(gateway.group("twice_first", Map.of())).containsEntry("batch_job_exit_code", 0.0);
    assertThat(gateway.group("twice_second", Map.of())).isEmpty();
  }

  @Test
  void aDownGatewayLeavesTheStatusAloneAndDelaysTheJobAtMostAboutTheDeadline() {
    URI closedPort = URI.create("http://127.0.0.1:" + Pushgateway.freePort());
    for (boolean strict : new boolean[] {false, true}) {
      JobRepository repository = new ResourcelessJobRepository();
      BatchPush push = BatchPush.builder().gateway(closedPort).deadline(Duration.ofSeconds(1))
          .retryBackoff(Duration.ofMillis(50)).spoolDirectory(spool.resolve("down-" + strict)).strict(strict)
          .build();
      Job job = new JobBuilder("gateway_down", repository).listener(new BatchPushJobListener(push))
          .start(TestJobs.doneStep("only", repository)).build();

      long start = System.nanoTime();
      JobExecution execution = execute(job, repository, BatchStatus.STARTING);
      Duration took = Pushgateway.since(start);

      assertThat(execution.getStatus()).as("strict=%s", strict).isEqualTo(BatchStatus.COMPLETED);
      assertThat(execution.getExitStatus().getExitCode()).isEqualTo(ExitStatus.COMPLETED.getExitCode());
      // Deadline 1 s; the bound is generous for a shared 2-core machine.
      assertThat(took).as("strict=%s", strict).isLessThan(Duration.ofSeconds(5));
    }
  }

  private static BatchPush push(URI gateway) {
    return BatchPush.builder().gateway(gateway).spoolDirectory(spool.resolve("spool")).build();
  }

  private static Job concurrentJob(String name, JobRepository repository, BatchPushJobListener listener,
      int items, CyclicBarrier bothRunning) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      values.add("item" + i);
    }
    return new JobBuilder(name, repository).listener(listener)
        .start(TestJobs.taskletStep("meet", repository, (contribution, context) -> {
          bothRunning.await(20, TimeUnit.SECONDS);
          return RepeatStatus.FINISHED;
        }))
        .next(TestJobs.chunkStep("load", repository, values))
        .build();
  }

  /** Runs {@code job} in this thread as a JobOperator would, from an execution in {@code initialStatus}. */
  private static JobExecution execute(Job job, JobRepository repository, BatchStatus initialStatus) {
    JobParameters parameters = new JobParametersBuilder().addLong("run", System.nanoTime()).toJobParameters();
    JobInstance instance = repository.createJobInstance(job.getName(), parameters);
    JobExecution execution = repository.createJobExecution(instance, parameters, new ExecutionContext());
    execution.setStatus(initialStatus);
    try {
      job.execute(execution);
    } catch (org.springframework.batch.core.job.JobInterruptedException e) {
      throw new IllegalStateException(e);
    }
    return execution;
  }
}
