package io.github.batchpush.spring.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.spring.PushMetrics;
import io.github.batchpush.spring.jobs.BatchTables.StepRow;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.support.ListItemReader;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The application context is closed (as {@code SpringApplication.exit} or a shutdown hook closes it) while a job is
 * in its third chunk. Its database outlives the context here, so Spring Batch can still finish the run afterwards.
 */
class ContextClosedMidRunTests {
  @RealPushgateway
  static Pushgateway gateway;

  static final BatchTables tables = BatchTables.create();
  static final Gate gate = new Gate();

  AnnotationConfigApplicationContext context;
  CompletableFuture<JobExecution> run;
  long executionId;

  @BeforeEach
  void startTheJobAndHoldItInItsThirdChunk() {
    context = new AnnotationConfigApplicationContext(Jobs.class);
    JobOperator operator = context.getBean(JobOperator.class);
    Job job = context.getBean(Job.class);
    gate.holdAtChunk(3);
    run = CompletableFuture.supplyAsync(() -> {
      try {
        return operator.start(job, Steps.fresh());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    gate.awaitHeld();
    executionId = tables.lastExecutionId("nightlyImport");
  }

  @AfterEach
  void letItEnd() throws Exception {
    gate.release();
    run.get(60, TimeUnit.SECONDS);
  }

  @Test
  void closingTheContextPushesTheRunInFlightAsInterruptedWithWhatItCommitted() {
    Double lastSuccess = Group.of(gateway, "nightlyImport").get("batch_job_last_success_timestamp_seconds");

    context.close();

    Group group = Group.of(gateway, "nightlyImport");
    assertThat(tables.job(executionId).status()).isEqualTo("STARTED");
    assertThat(group.get("batch_job_exit_code")).isEqualTo(2.0);
    assertThat(group.get("batch_job_last_success_timestamp_seconds")).isEqualTo(lastSuccess);
    StepRow load = tables.steps(executionId).get(0);
    assertThat(load.read()).isPositive();
    assertThat(group.step("batch_job_step_items_read", "load")).isEqualTo((double) load.read());
    assertThat(group.step("batch_job_step_items_written", "load")).isEqualTo((double) load.written());
    assertThat(group.step("batch_job_step_exit_code", "load")).isEqualTo(2.0);
    assertThat(group.get("batch_job_items_read")).isEqualTo((double) load.read());
    Observed.print("context closed mid-run", tables, executionId, group);
  }

  @Test
  void whenSpringBatchStillFinishesTheRunItsRealOutcomeReplacesTheInterruptedOne() throws Exception {
    context.close();
    double interruptedAt = Group.of(gateway, "nightlyImport").get("batch_job_last_completion_timestamp_seconds");

    gate.release();
    JobExecution finished = run.get(60, TimeUnit.SECONDS);

    Group group = Group.of(gateway, "nightlyImport");
    assertThat(finished.getStatus().name()).isEqualTo(tables.job(executionId).status()).isEqualTo("COMPLETED");
    assertThat(group.get("batch_job_exit_code")).isEqualTo(0.0);
    assertThat(group.get("batch_job_last_completion_timestamp_seconds")).isGreaterThan(interruptedAt);
    assertThat(group.get("batch_job_items_read"))
        .isEqualTo((double) Steps.sum(tables.steps(executionId), StepRow::read));
    Observed.print("context closed mid-run, then finished by Spring Batch", tables, executionId, group);
  }

  @Configuration(proxyBeanMethods = false)
  static class Jobs extends JdbcBatch {
    @Bean
    @PushMetrics
    Job nightlyImport(JobRepository repository, PlatformTransactionManager tx) {
      var load = new StepBuilder("load", repository).<String, Integer>chunk(5).transactionManager(tx)
          .reader(new ListItemReader<>(Steps.tradeLines(30)))
          .processor(Steps.parseTrade())
          .writer(chunk -> gate.beforeChunk())
          .build();
      return new JobBuilder("nightlyImport", repository).start(load).build();
    }
  }
}
