package io.github.batchpush.spring.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.spring.PushMetrics;
import io.github.batchpush.spring.jobs.BatchTables.StepRow;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.support.ListItemReader;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * A locally partitioned step (the samples' partitioning job: a manager splits an id range into 4 partitions that
 * worker threads read), followed by a plain step. The manager's StepExecution already adds up its workers.
 */
@SpringJUnitConfig(PartitionedJobTests.Jobs.class)
class PartitionedJobTests extends SampleJobTest {
  static final int ROWS = 40;
  static final int PARTITIONS = 4;


  @Autowired
  Job ownerExport;

  long executionId;
  List<StepRow> steps;

  @BeforeEach
  void runTheJob() throws Exception {
    executionId = complete(ownerExport).getId();
    steps = tables.steps(executionId);
  }

  @Test
  void theJobTotalsCountEachRowOnceAsTheTopLevelStepsReportIt() {
    List<StepRow> topLevel = steps.stream().filter(s -> !s.name().contains(":")).toList();
    Group group = Group.of(gateway, "ownerExport");

    assertThat(group.get("batch_job_items_read")).isEqualTo((double) Steps.sum(topLevel, StepRow::read))
        .isEqualTo((double) ROWS);
    assertThat(group.get("batch_job_items_written")).isEqualTo((double) Steps.sum(topLevel, StepRow::written));
    assertThat(group.get("batch_job_exit_code")).isEqualTo(tables.job(executionId).documentedExitCode());
  }

  @Test
  void theWorkersFoldIntoOneSeriesNamedAfterTheWorkerStep() {
    List<StepRow> workers = steps.stream().filter(s -> s.name().startsWith("ownerWorker:")).toList();
    Group group = Group.of(gateway, "ownerExport");

    assertThat(workers).hasSize(PARTITIONS);
    assertThat(group.steps()).containsExactlyInAnyOrder("ownerManager", "ownerWorker", "summary");
    assertThat(group.step("batch_job_step_items_read", "ownerWorker"))
        .isEqualTo((double) Steps.sum(workers, StepRow::read));
    assertThat(group.step("batch_job_step_items_written", "ownerWorker"))
        .isEqualTo((double) Steps.sum(workers, StepRow::written));
    assertThat(group.step("batch_job_step_exit_code", "ownerWorker")).isEqualTo(0.0);
    Observed.print("local partitioning, " + PARTITIONS + " partitions", tables, executionId, group);
  }

  @Test
  void theManagersSeriesIsItsOwnRow() {
    StepRow manager = steps.stream().filter(s -> s.name().equals("ownerManager")).findFirst().orElseThrow();
    Group group = Group.of(gateway, "ownerExport");

    assertThat(group.step("batch_job_step_items_read", "ownerManager")).isEqualTo((double) manager.read());
    assertThat(group.step("batch_job_step_items_written", "ownerManager")).isEqualTo((double) manager.written());
    assertThat(group.step("batch_job_step_exit_code", "ownerManager")).isEqualTo(manager.documentedExitCode());
  }

  @Configuration(proxyBeanMethods = false)
  static class Jobs extends JdbcBatch {
    /** Owner ids {@code minId..maxId} of one partition, as the samples' column-range reader selects them. */
    @Bean
    @StepScope
    ListItemReader<Integer> ownerRange(@Value("#{stepExecutionContext['minId']}") int minId,
        @Value("#{stepExecutionContext['maxId']}") int maxId) {
      return new ListItemReader<>(IntStream.rangeClosed(minId, maxId).boxed().toList());
    }

    @Bean
    Step ownerWorker(JobRepository repository, PlatformTransactionManager tx, ListItemReader<Integer> ownerRange) {
      return new StepBuilder("ownerWorker", repository).<Integer, String>chunk(3).transactionManager(tx)
          .reader(ownerRange)
          .processor(id -> "owner-" + id)
          .writer(chunk -> { })
          .build();
    }

    @Bean
    @PushMetrics
    Job ownerExport(JobRepository repository, PlatformTransactionManager tx, Step ownerWorker) {
      Step manager = new StepBuilder("ownerManager", repository).partitioner("ownerWorker", idRanges())
          .step(ownerWorker)
          .gridSize(PARTITIONS)
          .taskExecutor(new SimpleAsyncTaskExecutor("partition-"))
          .build();
      return new JobBuilder("ownerExport", repository).start(manager).next(Steps.done("summary", repository, tx))
          .build();
    }

    /** Splits ids 1..ROWS into {@code gridSize} equal ranges. */
    private static Partitioner idRanges() {
      return gridSize -> {
        Map<String, ExecutionContext> partitions = new HashMap<>();
        int size = ROWS / gridSize;
        for (int i = 0; i < gridSize; i++) {
          ExecutionContext context = new ExecutionContext();
          context.putInt("minId", i * size + 1);
          context.putInt("maxId", (i + 1) * size);
          partitions.put("partition" + i, context);
        }
        return partitions;
      };
    }
  }
}
