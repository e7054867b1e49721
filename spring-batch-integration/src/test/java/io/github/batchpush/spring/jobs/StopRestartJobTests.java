package io.github.batchpush.spring.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.spring.PushMetrics;
import io.github.batchpush.spring.jobs.BatchTables.JobRow;
import io.github.batchpush.spring.jobs.BatchTables.StepRow;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.support.AbstractItemCountingItemStreamItemReader;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * A long chunk job stopped through the {@code JobOperator} from another thread and then restarted (the samples'
 * stop/restart job), or abandoned instead: each time the gateway holds what the JobRepository says.
 */
@SpringJUnitConfig(StopRestartJobTests.Jobs.class)
class StopRestartJobTests extends SampleJobTest {
  static final int RECORDS = 60;

  static final Gate gate = new Gate();

  @Autowired
  JobRepository repository;

  @Autowired
  Job tradeFeed;

  @Test
  void aStoppedExecutionIsPushedAsStoppedWithWhatItCommitted() throws Exception {
    JobExecution stopped = stopMidway(Steps.fresh());

    JobRow row = tables.job(stopped.getId());
    assertThat(row.status()).isEqualTo("STOPPED");
    assertPushed(stopped.getId(), row);
    assertThat(Group.of(gateway, "tradeFeed").get("batch_job_exit_code")).isEqualTo(2.0);
    Observed.print("stopped through the JobOperator", tables, stopped.getId(), Group.of(gateway, "tradeFeed"));
  }

  @Test
  void aRestartedExecutionIsPushedWithItsOwnCountsAndSucceeds() throws Exception {
    JobExecution stopped = stopMidway(Steps.fresh());

    JobExecution restarted = operator.restart(stopped);

    JobRow row = tables.job(restarted.getId());
    assertThat(row.status()).isEqualTo("COMPLETED");
    assertThat(restarted.getJobInstanceId()).isEqualTo(stopped.getJobInstanceId());
    assertPushed(restarted.getId(), row);
    Observed.print("restarted", tables, restarted.getId(), Group.of(gateway, "tradeFeed"));
  }

  @Test
  void anExecutionAbandonedThroughTheJobOperatorIsPushedWithExitCodeThree() throws Exception {
    JobExecution stopped = stopMidway(Steps.fresh());

    operator.abandon(stopped);

    JobRow row = tables.job(stopped.getId());
    assertThat(row.status()).isEqualTo("ABANDONED");
    assertPushed(stopped.getId(), row);
    assertThat(Group.of(gateway, "tradeFeed").get("batch_job_exit_code")).isEqualTo(3.0);
    Observed.print("abandoned through the JobOperator", tables, stopped.getId(), Group.of(gateway, "tradeFeed"));
  }

  @Test
  void abandoningAnOlderExecutionLeavesTheNewerRunOnTheGateway() throws Exception {
    JobExecution stopped = stopMidway(Steps.fresh());
    JobExecution newer = complete(tradeFeed);

    operator.abandon(stopped);

    assertThat(tables.job(stopped.getId()).status()).isEqualTo("ABANDONED");
    assertPushed(newer.getId(), tables.job(newer.getId()));
  }

  /** Starts the job, stops it through the JobOperator after its third chunk, and waits until it has stopped. */
  private JobExecution stopMidway(JobParameters parameters) throws Exception {
    gate.holdAtChunk(3);
    CompletableFuture<JobExecution> run = CompletableFuture.supplyAsync(() -> {
      try {
        return operator.start(tradeFeed, parameters);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    gate.awaitHeld();
    // As an operator would: the running execution as the repository knows it, not the launching thread's object.
    JobExecution running = repository.findRunningJobExecutions("tradeFeed").iterator().next();
    operator.stop(running);
    gate.release();
    JobExecution stopped = run.get(60, TimeUnit.SECONDS);
    Steps.requireStatus(stopped, "STOPPED");
    return stopped;
  }

  private static void assertPushed(long executionId, JobRow row) {
    List<StepRow> steps = tables.steps(executionId);
    Group group = Group.of(gateway, "tradeFeed");
    assertThat(group.get("batch_job_exit_code")).isEqualTo(row.documentedExitCode());
    assertThat(group.get("batch_job_items_read")).isEqualTo((double) Steps.sum(steps, StepRow::read));
    assertThat(group.get("batch_job_items_written")).isEqualTo((double) Steps.sum(steps, StepRow::written));
    for (StepRow step : steps) {
      assertThat(group.step("batch_job_step_items_read", step.name())).isEqualTo((double) step.read());
      assertThat(group.step("batch_job_step_exit_code", step.name())).isEqualTo(step.documentedExitCode());
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Jobs extends JdbcBatch {
    /** A feed of trade lines that remembers how far it got, so a restart carries on from there. */
    @Bean
    @StepScope
    AbstractItemCountingItemStreamItemReader<String> tradeLines() {
      List<String> lines = Steps.tradeLines(RECORDS);
      AbstractItemCountingItemStreamItemReader<String> reader = new AbstractItemCountingItemStreamItemReader<>() {
        @Override
        protected String doRead() {
          return getCurrentItemCount() <= lines.size() ? lines.get(getCurrentItemCount() - 1) : null;
        }

        @Override
        protected void doOpen() { }

        @Override
        protected void doClose() { }
      };
      reader.setName("tradeLines");
      return reader;
    }

    @Bean
    @PushMetrics
    Job tradeFeed(JobRepository repository, PlatformTransactionManager tx,
        AbstractItemCountingItemStreamItemReader<String> tradeLines) {
      var load = new StepBuilder("load", repository).<String, Integer>chunk(5).transactionManager(tx)
          .reader(tradeLines)
          .processor(Steps.parseTrade())
          .writer(chunk -> gate.beforeChunk())
          .build();
      return new JobBuilder("tradeFeed", repository).start(load).next(Steps.done("settle", repository, tx)).build();
    }
  }
}
