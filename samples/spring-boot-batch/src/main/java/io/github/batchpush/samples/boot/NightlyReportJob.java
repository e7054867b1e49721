package io.github.batchpush.samples.boot;

import io.github.batchpush.spring.PushMetrics;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
class NightlyReportJob {

  @Bean
  @PushMetrics(maxAge = "26h")
  Job nightlyReport(JobRepository repository, Step export, Step publish) {
    return new JobBuilder("nightly_report", repository).start(export).next(publish).build();
  }
}
