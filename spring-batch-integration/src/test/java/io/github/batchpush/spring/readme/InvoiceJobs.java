package io.github.batchpush.spring.readme;

// tag::example[]
import io.github.batchpush.spring.PushMetrics;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
class InvoiceJobs {

  @Bean
  @PushMetrics(labels = "team=billing", maxAge = "26h")
  Job invoiceJob(JobRepository repository) {
    var export = new StepBuilder("export", repository)
        .tasklet((contribution, context) -> RepeatStatus.FINISHED)
        .build();
    return new JobBuilder("invoice", repository).start(export).build();
  }
}
// end::example[]
