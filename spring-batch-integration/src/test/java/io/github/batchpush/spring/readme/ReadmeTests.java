package io.github.batchpush.spring.readme;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.spring.BatchPushAutoConfiguration;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** The README's example is this package's {@link InvoiceJobs}, and it works as the README says. */
class ReadmeTests {
  private static final Path README = Paths.get("README.md");

  @RealPushgateway
  static Pushgateway gateway;

  @Test
  void theReadmeShowsInvoiceJobsVerbatim() throws Exception {
    assertThat(block("java")).isEqualTo(example("InvoiceJobs"));
  }

  @Test
  void theReadmeShowsRegionalJobsVerbatim() throws Exception {
    assertThat(Files.readString(README)).contains("```java\n" + example("RegionalJobs") + "```\n");
  }

  /** What the source file of this package's {@code type} shows between its tags. */
  private static String example(String type) throws Exception {
    String source = Files.readString(Paths.get("src/test/java/io/github/batchpush/spring/readme/" + type + ".java"));
    return source.substring(source.indexOf("// tag::example[]\n") + "// tag::example[]\n".length(),
        source.indexOf("// end::example[]"));
  }

  @Test
  void theReadmesExamplePushesTheInvoiceJobWithTheReadmesProperties() throws Exception {
    List<String> properties = new ArrayList<>();
    for (String line : block("properties").split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        properties.add(line);
      }
    }
    properties.add("batchpush.gateway.url=" + gateway.uri());
    properties.add("batchpush.spool-enabled=false");
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(BatchPushAutoConfiguration.class))
        .withUserConfiguration(Batch.class, InvoiceJobs.class)
        .withPropertyValues(properties.toArray(String[]::new))
        .run(context -> {
          var execution = context.getBean(JobOperator.class).start(context.getBean(Job.class),
              new JobParameters());
          assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        });

    assertThat(gateway.group("invoice", Map.of("team", "billing", "env", "prod")))
        .containsEntry("batch_job_exit_code", 0.0).containsEntry("batch_job_max_age_seconds", 93600.0);
  }

  /** The first fenced block of this language in the README. */
  private static String block(String language) throws Exception {
    String readme = Files.readString(README);
    int start = readme.indexOf("```" + language + "\n");
    assertThat(start).as("a ```%s block in %s", language, README).isNotNegative();
    start += language.length() + 4;
    return readme.substring(start, readme.indexOf("```\n", start));
  }

  @Configuration(proxyBeanMethods = false)
  @EnableBatchProcessing
  static class Batch {}
}
