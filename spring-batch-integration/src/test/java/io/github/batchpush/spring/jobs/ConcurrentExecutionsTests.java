package io.github.batchpush.spring.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.spring.PushMetrics;
import io.github.batchpush.spring.jobs.BatchTables.StepRow;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.support.ListItemReader;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Two executions of one job with different parameters at the same time (one per region): the execution that
 * started first finishes last. Without a parameter label they share a group, which ends with the execution that
 * finished last; {@code @PushMetrics(parameterLabels = "region")} keeps them apart.
 */
@SpringJUnitConfig(ConcurrentExecutionsTests.Jobs.class)
class ConcurrentExecutionsTests extends SampleJobTest {
  static final Gate gate = new Gate();

  @Autowired
  @Qualifier("regionalExport")
  Job regionalExport;

  @Autowired
  @Qualifier("labelledRegionalExport")
  Job labelledRegionalExport;

  @Test
  void sharingAGroupTheGatewayHoldsTheExecutionThatFinishedLast() throws Exception {
    Executions runs = overlap(regionalExport);

    assertThat(runs.last.getEndTime()).isAfter(runs.first.getEndTime());
    assertThat(Group.of(gateway, "regionalExport").get("batch_job_items_read"))
        .isEqualTo((double) Steps.sum(tables.steps(runs.last.getId()), StepRow::read));
  }

  @Test
  void aParameterLabelKeepsEachExecutionInItsOwnGroup() throws Exception {
    Executions runs = overlap(labelledRegionalExport);

    assertThat(Group.of(gateway, "labelledRegionalExport", Map.of("region", "eu")).get("batch_job_items_read"))
        .isEqualTo((double) Steps.sum(tables.steps(runs.last.getId()), StepRow::read));
    assertThat(Group.of(gateway, "labelledRegionalExport", Map.of("region", "us")).get("batch_job_items_read"))
        .isEqualTo((double) Steps.sum(tables.steps(runs.first.getId()), StepRow::read));
    Observed.print("concurrent, region=eu (finished last)", tables, runs.last.getId(),
        Group.of(gateway, "labelledRegionalExport", Map.of("region", "eu")));
    Observed.print("concurrent, region=us", tables, runs.first.getId(),
        Group.of(gateway, "labelledRegionalExport", Map.of("region", "us")));
  }

  /** Starts "eu", holds it in its first chunk, runs "us" to its end, then lets "eu" finish. */
  private Executions overlap(Job job) throws Exception {
    gate.holdAtChunk(1);
    CompletableFuture<JobExecution> eu = CompletableFuture.supplyAsync(() -> start(job, region("eu")));
    gate.awaitHeld();
    JobExecution us = start(job, region("us"));
    gate.release();
    JobExecution euDone = eu.get(60, TimeUnit.SECONDS);
    Steps.requireStatus(us, "COMPLETED");
    Steps.requireStatus(euDone, "COMPLETED");
    return new Executions(us, euDone);
  }

  private JobExecution start(Job job, JobParameters parameters) {
    try {
      return operator.start(job, parameters);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JobParameters region(String region) {
    return new JobParametersBuilder().addString("region", region).addLong("run", System.nanoTime())
        .toJobParameters();
  }

  /** {@code first} finished first, {@code last} last. */
  private record Executions(JobExecution first, JobExecution last) {}

  @Configuration(proxyBeanMethods = false)
  static class Jobs extends JdbcBatch {
    /** Europe has 7 trades today, the US 3. */
    @Bean
    @StepScope
    ListItemReader<String> regionalTrades(@Value("#{jobParameters['region']}") String region) {
      return new ListItemReader<>(Steps.tradeLines(region.equals("eu") ? 7 : 3));
    }

    @Bean
    @PushMetrics
    Job regionalExport(JobRepository repository, PlatformTransactionManager tx,
        ListItemReader<String> regionalTrades) {
      return exportJob("regionalExport", repository, tx, regionalTrades);
    }

    @Bean
    @PushMetrics(parameterLabels = "region")
    Job labelledRegionalExport(JobRepository repository, PlatformTransactionManager tx,
        ListItemReader<String> regionalTrades) {
      return exportJob("labelledRegionalExport", repository, tx, regionalTrades);
    }

    private static Job exportJob(String name, JobRepository repository, PlatformTransactionManager tx,
        ListItemReader<String> trades) {
      var export = new StepBuilder("export", repository).<String, Integer>chunk(5).transactionManager(tx)
          .reader(trades)
          .processor(Steps.parseTrade())
          .writer(chunk -> gate.beforeChunk())
          .build();
      return new JobBuilder(name, repository).start(export).build();
    }
  }
}
