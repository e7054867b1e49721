package io.github.batchpush.spring;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A run-and-exit batch application as users write it (cron, Kubernetes Job): Boot runs the job at start-up, then
 * the JVM exits with the job's exit code. {@code --fail=true} makes the job fail.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ExitingBatchApp {

  public static void main(String[] args) {
    System.exit(SpringApplication.exit(SpringApplication.run(ExitingBatchApp.class, args)));
  }

  @Bean
  @PushMetrics(labels = "kind=run_and_exit", maxAge = "26h")
  Job nightlyExport(JobRepository repository, org.springframework.core.env.Environment environment) {
    boolean fail = environment.getProperty("fail", Boolean.class, false);
    return TestJobs.job("nightly_export", repository,
        TestJobs.chunkStep("export", repository, java.util.List.of("a", "b", "c", "bad")),
        TestJobs.taskletStep("publish", repository, (contribution, context) -> {
          if (fail) {
            throw new IllegalStateException("publish failed");
          }
          return RepeatStatus.FINISHED;
        }));
  }
}
