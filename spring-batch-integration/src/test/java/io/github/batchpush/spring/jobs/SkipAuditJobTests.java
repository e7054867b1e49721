package io.github.batchpush.spring.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.spring.PushMetrics;
import io.github.batchpush.spring.jobs.BatchTables.JobRow;
import io.github.batchpush.spring.jobs.BatchTables.StepRow;
import io.github.batchpush.testing.Pushgateway;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.annotation.AfterJob;
import org.springframework.batch.core.job.AbstractJob;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.infrastructure.item.support.ListItemReader;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * A chunk job with skips and an audit listener that fails the job in {@code afterJob} when anything was skipped
 * (the shape of the samples' skip jobs): the gateway gets what the JobRepository finally holds, however the listener
 * was added and whichever way it fails the job.
 */
@SpringJUnitConfig(SkipAuditJobTests.Jobs.class)
class SkipAuditJobTests extends SampleJobTest {
  /** When the user's own beforeJob began, for the job that records it. */
  static final AtomicReference<Instant> userBeforeJob = new AtomicReference<>();

  @Autowired
  @Qualifier("builderAudited")
  Job builderAudited;

  @Autowired
  @Qualifier("annotationAudited")
  Job annotationAudited;

  @Autowired
  @Qualifier("lateAudited")
  Job lateAudited;

  @Autowired
  @Qualifier("orderedAudited")
  Job orderedAudited;

  @Autowired
  @Qualifier("highestAudited")
  Job highestAudited;

  @Autowired
  @Qualifier("timedBeforeJob")
  Job timedBeforeJob;

  @Test
  void aListenerAddedOnTheJobBuilderThatFailsTheJobInAfterJobIsPushedAsFailed() throws Exception {
    JobRow row = tables.job(operator.start(builderAudited, Steps.fresh()).getId());

    assertThat(row.status()).isEqualTo("FAILED");
    assertThat(Group.of(gateway, "builderAudited").get("batch_job_exit_code")).isEqualTo(row.documentedExitCode())
        .isEqualTo(1.0);
    assertThat(Group.of(gateway, "builderAudited").get("batch_job_last_success_timestamp_seconds")).isNull();
  }

  @Test
  void anAfterJobAnnotatedListenerThatOnlySetsTheExitStatusToFailedIsPushedAsFailed() throws Exception {
    long id = operator.start(annotationAudited, Steps.fresh()).getId();
    JobRow row = tables.job(id);
    Observed.print("skip audit (@AfterJob bean setting the exit status)", tables, id,
        Group.of(gateway, "annotationAudited"));

    assertThat(row.status()).isEqualTo("COMPLETED");
    assertThat(row.exitCode()).isEqualTo("FAILED");
    assertThat(Group.of(gateway, "annotationAudited").get("batch_job_exit_code")).isEqualTo(row.documentedExitCode())
        .isEqualTo(1.0);
    assertThat(Group.of(gateway, "annotationAudited").get("batch_job_last_success_timestamp_seconds")).isNull();
  }

  @Test
  void aListenerRegisteredOnTheBuiltJobAfterBatchpushsIsStillSeenByBatchpush() throws Exception {
    ((AbstractJob) lateAudited).registerJobExecutionListener(new FailOnSkip());

    JobRow row = tables.job(operator.start(lateAudited, Steps.fresh()).getId());

    assertThat(row.status()).isEqualTo("FAILED");
    assertThat(Group.of(gateway, "lateAudited").get("batch_job_exit_code")).isEqualTo(row.documentedExitCode());
  }

  @Test
  void anOrderedListenerThatFailsTheJobIsStillSeenByBatchpush() throws Exception {
    JobRow row = tables.job(operator.start(orderedAudited, Steps.fresh()).getId());

    assertThat(row.status()).isEqualTo("FAILED");
    assertThat(Group.of(gateway, "orderedAudited").get("batch_job_exit_code")).isEqualTo(row.documentedExitCode());
  }

  @Test
  void aListenerOrderedAtHighestPrecedenceThatFailsTheJobIsStillSeenByBatchpush() throws Exception {
    JobRow row = tables.job(operator.start(highestAudited, Steps.fresh()).getId());

    assertThat(row.status()).isEqualTo("FAILED");
    assertThat(Group.of(gateway, "highestAudited").get("batch_job_exit_code")).isEqualTo(row.documentedExitCode());
    assertThat(Group.of(gateway, "highestAudited").metrics())
        .doesNotContainKey("batch_job_last_success_timestamp_seconds");
  }

  @Test
  void batchpushsBeforeJobRunsBeforeTheUsersSoTheRunStartsWithTheJob() throws Exception {
    operator.start(timedBeforeJob, Steps.fresh());

    double pushedStart = Group.of(gateway, "timedBeforeJob").get("batch_job_last_start_timestamp_seconds");
    Instant user = userBeforeJob.get();
    assertThat(pushedStart).isLessThanOrEqualTo(user.getEpochSecond() + user.getNano() / 1e9);
  }

  @Test
  void theStepCountsAndTheirSumsAreTheRepositorys() throws Exception {
    long id = operator.start(builderAudited, Steps.fresh()).getId();

    List<StepRow> steps = tables.steps(id);
    Group group = Group.of(gateway, "builderAudited");
    assertThat(group.steps()).containsExactlyInAnyOrderElementsOf(steps.stream().map(StepRow::name).toList());
    for (StepRow step : steps) {
      assertThat(group.step("batch_job_step_items_read", step.name())).isEqualTo((double) step.read());
      assertThat(group.step("batch_job_step_items_written", step.name())).isEqualTo((double) step.written());
      assertThat(group.step("batch_job_step_items_skipped", step.name())).isEqualTo((double) step.skipped());
      assertThat(group.step("batch_job_step_exit_code", step.name())).isEqualTo(step.documentedExitCode());
    }
    assertThat(group.get("batch_job_items_read")).isEqualTo((double) Steps.sum(steps, StepRow::read));
    assertThat(group.get("batch_job_items_written")).isEqualTo((double) Steps.sum(steps, StepRow::written));
    assertThat(group.get("batch_job_items_skipped")).isEqualTo((double) Steps.sum(steps, StepRow::skipped))
        .isPositive();
    Observed.print("skip audit (listener on the JobBuilder)", tables, id, group);
  }

  /** The audit: any skipped item fails the whole job. */
  static final class FailOnSkip implements JobExecutionListener {
    @Override
    public void afterJob(JobExecution execution) {
      long skipped = execution.getStepExecutions().stream().mapToLong(StepExecution::getSkipCount).sum();
      if (skipped > 0) {
        execution.setStatus(BatchStatus.FAILED);
        execution.setExitStatus(ExitStatus.FAILED.addExitDescription(skipped + " trade lines skipped"));
      }
    }
  }

  /** The audit with an order of its own: ordered listeners go ahead of unordered ones. */
  static final class OrderedFailOnSkip implements JobExecutionListener, Ordered {
    private final FailOnSkip audit = new FailOnSkip();
    private final int order;

    OrderedFailOnSkip(int order) {
      this.order = order;
    }

    @Override
    public void afterJob(JobExecution execution) {
      audit.afterJob(execution);
    }

    @Override
    public int getOrder() {
      return order;
    }
  }

  /** The same audit as an annotated bean that only changes the exit status, as many user listeners do. */
  static final class SkipAuditor {
    @AfterJob
    public void audit(JobExecution execution) {
      if (execution.getStepExecutions().stream().anyMatch(s -> s.getSkipCount() > 0)) {
        execution.setExitStatus(ExitStatus.FAILED);
      }
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Jobs extends JdbcBatch {
    @Bean
    @StepScope
    ListItemReader<String> tradeFile() {
      return new ListItemReader<>(Steps.tradeLines(23, 4, 11, 17));
    }

    @Bean
    @PushMetrics
    Job builderAudited(JobRepository repository, PlatformTransactionManager tx, ListItemReader<String> tradeFile) {
      return new JobBuilder("builderAudited", repository).listener(new FailOnSkip())
          .start(Steps.loadTrades("load", repository, tx, tradeFile))
          .next(Steps.done("report", repository, tx))
          .build();
    }

    @Bean
    @PushMetrics
    Job annotationAudited(JobRepository repository, PlatformTransactionManager tx,
        ListItemReader<String> tradeFile) {
      return new JobBuilder("annotationAudited", repository).listener((Object) new SkipAuditor())
          .start(Steps.loadTrades("load", repository, tx, tradeFile))
          .build();
    }

    @Bean
    @PushMetrics
    Job lateAudited(JobRepository repository, PlatformTransactionManager tx, ListItemReader<String> tradeFile) {
      return new JobBuilder("lateAudited", repository).start(Steps.loadTrades("load", repository, tx, tradeFile))
          .build();
    }

    @Bean
    @PushMetrics
    Job orderedAudited(JobRepository repository, PlatformTransactionManager tx, ListItemReader<String> tradeFile) {
      return new JobBuilder("orderedAudited", repository).listener(new OrderedFailOnSkip(0))
          .start(Steps.loadTrades("load", repository, tx, tradeFile))
          .build();
    }

    @Bean
    @PushMetrics
    Job highestAudited(JobRepository repository, PlatformTransactionManager tx, ListItemReader<String> tradeFile) {
      // The order batchpush's own listener has: a tie would keep registration order, and batchpush registers last.
      return new JobBuilder("highestAudited", repository).listener(new OrderedFailOnSkip(Ordered.HIGHEST_PRECEDENCE))
          .start(Steps.loadTrades("load", repository, tx, tradeFile))
          .build();
    }

    @Bean
    @PushMetrics
    Job timedBeforeJob(JobRepository repository, PlatformTransactionManager tx) {
      return new JobBuilder("timedBeforeJob", repository).listener(new JobExecutionListener() {
        @Override
        public void beforeJob(JobExecution execution) {
          userBeforeJob.set(Instant.now());
          // A slow user beforeJob (it opens connections, say): a run that starts after it would look shorter.
          sleep(200);
        }
      }).start(Steps.done("only", repository, tx)).build();
    }

    private static void sleep(long millis) {
      Pushgateway.sleep(millis);
    }
  }
}
