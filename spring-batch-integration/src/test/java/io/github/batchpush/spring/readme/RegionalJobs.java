package io.github.batchpush.spring.readme;

// tag::example[]
import io.github.batchpush.spring.PushMetrics;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
class RegionalJobs {

  @Bean
  @PushMetrics(parameterLabels = "region")
  Job regionalExport(JobRepository repository, Step export) {
    return new JobBuilder("regional_export", repository).start(export).build();
  }
}
// end::example[]
