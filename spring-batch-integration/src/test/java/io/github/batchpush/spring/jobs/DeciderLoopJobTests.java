package io.github.batchpush.spring.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.batchpush.spring.PushMetrics;
import io.github.batchpush.spring.jobs.BatchTables.StepRow;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.flow.FlowExecutionStatus;
import org.springframework.batch.core.job.flow.JobExecutionDecider;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.support.ListItemReader;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * A flow that loops back through a decider (the samples' loop job with its limit decider): the step
 * {@code generate} runs {@value #LOOPS} times in one job execution, reading one more record each time.
 */
@SpringJUnitConfig(DeciderLoopJobTests.Jobs.class)
class DeciderLoopJobTests extends SampleJobTest {
  static final int LOOPS = 5;


  @Autowired
  Job tradeGenerator;

  long executionId;
  List<StepRow> generate;

  @BeforeEach
  void runTheJob() throws Exception {
    executionId = complete(tradeGenerator).getId();
    generate = tables.steps(executionId).stream().filter(s -> s.name().equals("generate")).toList();
  }

  @Test
  void theLoopedStepsSeriesSumsTheCountsOfAllItsExecutions() {
    Group group = Group.of(gateway, "tradeGenerator");

    assertThat(generate).hasSize(LOOPS);
    assertThat(group.step("batch_job_step_items_read", "generate"))
        .isEqualTo((double) Steps.sum(generate, StepRow::read));
    assertThat(group.step("batch_job_step_items_written", "generate"))
        .isEqualTo((double) Steps.sum(generate, StepRow::written));
  }

  @Test
  void theLoopedStepsDurationIsTheSumOfItsExecutions() {
    double repository = generate.stream().mapToDouble(StepRow::seconds).sum();

    assertThat(Group.of(gateway, "tradeGenerator").step("batch_job_step_duration_seconds", "generate"))
        .isCloseTo(repository, within(1e-6));
  }

  @Test
  void theLoopedStepsExitCodeIsItsLastExecutions() {
    assertThat(Group.of(gateway, "tradeGenerator").step("batch_job_step_exit_code", "generate"))
        .isEqualTo(generate.get(LOOPS - 1).documentedExitCode());
  }

  @Test
  void theJobTotalsAgreeWithTheStepSeries() {
    List<StepRow> steps = tables.steps(executionId);
    Group group = Group.of(gateway, "tradeGenerator");

    assertThat(group.get("batch_job_items_read")).isEqualTo((double) Steps.sum(steps, StepRow::read));
    assertThat(group.steps()).containsExactlyInAnyOrder("generate", "publish");
    Observed.print("decider loop, generate x" + LOOPS, tables, executionId, group);
  }

  @Configuration(proxyBeanMethods = false)
  static class Jobs extends JdbcBatch {
    /** Pass n of the loop reads n trade lines, so each pass counts differently. */
    @Bean
    @StepScope
    ListItemReader<String> generatedTrades(@Value("#{stepExecution}") StepExecution step) {
      long pass = passes(step.getJobExecution());
      return new ListItemReader<>(Steps.tradeLines((int) pass));
    }

    @Bean
    Step generate(JobRepository repository, PlatformTransactionManager tx, ListItemReader<String> generatedTrades) {
      return new StepBuilder("generate", repository).<String, Integer>chunk(2).transactionManager(tx)
          .reader(generatedTrades)
          .processor(Steps.parseTrade())
          .writer(chunk -> { })
          .build();
    }

    @Bean
    @PushMetrics
    Job tradeGenerator(JobRepository repository, PlatformTransactionManager tx, Step generate) {
      JobExecutionDecider limit = (execution, step) -> new FlowExecutionStatus(
          passes(execution) >= LOOPS ? "DONE" : "CONTINUE");
      return new JobBuilder("tradeGenerator", repository)
          .start(generate).next(limit)
          .on("CONTINUE").to(generate)
          .from(limit).on("DONE").to(Steps.done("publish", repository, tx))
          .end()
          .build();
    }

    private static long passes(JobExecution execution) {
      return execution.getStepExecutions().stream().filter(s -> s.getStepName().equals("generate")).count();
    }
  }
}
