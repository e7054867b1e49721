package io.github.batchpush.spring.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import org.springframework.batch.infrastructure.item.ItemReader;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.transaction.PlatformTransactionManager;

/** Building blocks of the sample-shaped jobs: trade records, a parsing processor that rejects bad lines, steps. */
final class Steps {
  private Steps() {}

  /** {@code count} trade lines; every line numbered in {@code bad} is malformed. */
  static List<String> tradeLines(int count, int... bad) {
    List<Integer> malformed = IntStream.of(bad).boxed().toList();
    return IntStream.rangeClosed(1, count)
        .mapToObj(i -> malformed.contains(i) ? "garbage-" + i : "TRADE," + i + ",ACME," + (i * 10))
        .collect(Collectors.toCollection(ArrayList::new));
  }

  /** Parses a trade line into its quantity; a malformed line throws IllegalArgumentException (a skip). */
  static ItemProcessor<String, Integer> parseTrade() {
    return line -> {
      String[] fields = line.split(",");
      if (fields.length != 4 || !fields[0].equals("TRADE")) {
        throw new IllegalArgumentException("malformed trade line: " + line);
      }
      return Integer.valueOf(fields[3]);
    };
  }

  /** A fault-tolerant chunk step that parses trades, skipping malformed lines (up to 10). */
  static Step loadTrades(String name, JobRepository repository, PlatformTransactionManager tx,
      ItemReader<String> reader) {
    return new StepBuilder(name, repository).<String, Integer>chunk(5).transactionManager(tx)
        .reader(reader)
        .processor(parseTrade())
        .writer(chunk -> { })
        .faultTolerant()
        .skip(IllegalArgumentException.class)
        .skipLimit(10)
        .build();
  }

  static Step tasklet(String name, JobRepository repository, PlatformTransactionManager tx, Tasklet tasklet) {
    return new StepBuilder(name, repository).tasklet(tasklet, tx).build();
  }

  static Step done(String name, JobRepository repository, PlatformTransactionManager tx) {
    return tasklet(name, repository, tx, (contribution, context) -> RepeatStatus.FINISHED);
  }

  /** Parameters that make a new job instance. */
  static JobParameters fresh() {
    return new JobParametersBuilder().addLong("run", System.nanoTime()).toJobParameters();
  }

  /** The total of a long property over the rows. */
  static <T> long sum(List<T> rows, java.util.function.ToLongFunction<T> property) {
    return rows.stream().mapToLong(property).sum();
  }

  static void requireStatus(JobExecution execution, String status) {
    if (!execution.getStatus().name().equals(status)) {
      throw new IllegalStateException(execution.getJobInstance().getJobName() + " ended " + execution.getStatus()
          + ", the test needs " + status + ": " + execution.getAllFailureExceptions());
    }
  }
}
