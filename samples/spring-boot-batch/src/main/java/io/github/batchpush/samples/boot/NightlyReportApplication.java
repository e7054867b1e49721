package io.github.batchpush.samples.boot;

import java.util.List;
import java.util.stream.IntStream;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.support.ListItemReader;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot batch application that runs one job and exits; batchpush pushes each run to the Pushgateway.
 *
 * <pre>{@code
 * java -jar batchpush-sample-spring-boot-batch.jar --batchpush.gateway.url=http://127.0.0.1:9091
 * java -jar batchpush-sample-spring-boot-batch.jar --batchpush.gateway.url=http://127.0.0.1:9091 fail=true
 * }</pre>
 *
 * <p>{@code fail=true} is a job parameter (Boot passes {@code key=value} arguments to the job) that makes the
 * {@code publish} step throw, so the run fails: exit code 5 from the JVM (Boot exits with the BatchStatus ordinal, FAILED = 5), {@code batch_job_exit_code 1} on the
 * gateway and the last success left as it was. The job ({@link NightlyReportJob}) declares its freshness SLO with
 * {@code maxAge}: the {@code BatchJobNoRecentSuccess} alert fires when it has not succeeded for 26 hours.
 */
@SpringBootApplication
public class NightlyReportApplication {

  public static void main(String[] args) {
    System.exit(SpringApplication.exit(SpringApplication.run(NightlyReportApplication.class, args)));
  }

  @Bean
  Step export(JobRepository repository) {
    List<Integer> orders = IntStream.rangeClosed(1, 250).boxed().toList();
    return new StepBuilder("export", repository).<Integer, String>chunk(50)
        .reader(new ListItemReader<>(orders))
        .processor(order -> "order-" + order)
        .writer(chunk -> { })
        .build();
  }

  @Bean
  Step publish(JobRepository repository) {
    return new StepBuilder("publish", repository).tasklet((contribution, context) -> {
      if ("true".equals(String.valueOf(context.getStepContext().getJobParameters().get("fail")))) {
        throw new IllegalStateException("publishing failed (job parameter fail=true)");
      }
      return RepeatStatus.FINISHED;
    }).build();
  }
}
