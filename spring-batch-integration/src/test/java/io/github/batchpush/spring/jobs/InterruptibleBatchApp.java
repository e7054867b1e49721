package io.github.batchpush.spring.jobs;

import io.github.batchpush.spring.PushMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.support.ListItemReader;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * A run-and-exit Boot batch application on a JDBC JobRepository ({@code spring.datasource.url}), as deployed to
 * Kubernetes or systemd. With {@code --hold-marker=FILE} its job creates FILE when it reaches its third chunk and
 * then waits there, so that a test can stop the JVM mid-run.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class InterruptibleBatchApp {
  static final int TRADES = 40;

  public static void main(String[] args) {
    System.exit(SpringApplication.exit(SpringApplication.run(InterruptibleBatchApp.class, args)));
  }

  @Bean
  @PushMetrics(maxAge = "26h")
  Job settlement(JobRepository repository, PlatformTransactionManager tx, Environment environment) {
    String hold = environment.getProperty("hold-marker");
    Path marker = hold == null ? null : Path.of(hold);
    AtomicInteger chunks = new AtomicInteger();
    var load = new StepBuilder("load", repository).<String, Integer>chunk(5).transactionManager(tx)
        .reader(new ListItemReader<>(Steps.tradeLines(TRADES)))
        .processor(Steps.parseTrade())
        .writer(chunk -> {
          if (marker != null && chunks.incrementAndGet() == 3) {
            hold(marker);
          }
        })
        .build();
    return new JobBuilder("settlement", repository).start(load).next(Steps.done("book", repository, tx)).build();
  }

  private static void hold(Path marker) throws InterruptedException {
    try {
      Files.createFile(marker);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread.sleep(Long.MAX_VALUE);
  }
}
