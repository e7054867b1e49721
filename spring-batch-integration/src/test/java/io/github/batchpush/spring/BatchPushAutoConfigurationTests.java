package io.github.batchpush.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.BatchPush;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.WebConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@ExtendWith(OutputCaptureExtension.class)
class BatchPushAutoConfigurationTests {
  static Pushgateway gateway;
  @TempDir
  static Path dir;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(BatchPushAutoConfiguration.class))
      .withPropertyValues("batchpush.spool-dir=" + dir.resolve("spool"));

  @BeforeAll
  static void startGateway() {
    gateway = Pushgateway.start();
  }

  @AfterAll
  static void stopGateway() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void providesABatchPushTheRegistrarAndTheSpoolReplayByDefault() {
    runner.run(context -> {
      assertThat(context).hasSingleBean(BatchPush.class).hasSingleBean(PushMetricsRegistrar.class)
          .hasSingleBean(SpoolReplay.class).hasSingleBean(BatchPushProperties.class);
      assertThat(context.getBean(BatchPush.class).gateway()).hasToString("http://localhost:9091");
    });
  }

  @Test
  void backsOffWhenDisabled() {
    runner.withPropertyValues("batchpush.enabled=false").run(context ->
        assertThat(context).doesNotHaveBean(BatchPush.class).doesNotHaveBean(PushMetricsRegistrar.class));
  }

  @Test
  void backsOffWithoutSpringBatchOnTheClasspath() {
    runner.withClassLoader(new FilteredClassLoader(Job.class)).run(context ->
        assertThat(context).doesNotHaveBean(BatchPush.class).doesNotHaveBean(PushMetricsRegistrar.class));
  }

  @Test
  void backsOffWithoutBatchpushCoreOnTheClasspath() {
    runner.withClassLoader(new FilteredClassLoader(BatchPush.class)).run(context ->
        assertThat(context).doesNotHaveBean(PushMetricsRegistrar.class));
  }

  @Test
  void usesTheApplicationsOwnBatchPush() {
    BatchPush own = BatchPush.builder().gateway(gateway.uri()).noSpool().build();
    runner.withBean(BatchPush.class, () -> own).run(context ->
        assertThat(context.getBean(BatchPush.class)).isSameAs(own));
  }

  @Test
  void bindsEveryPropertyIntoTheBatchPush() throws Exception {
    Path password = Files.writeString(dir.resolve("password"), "pw-from-file\n");
    Path ca = WebConfig.selfSignedCertificate(dir);
    runner.withPropertyValues("batchpush.gateway.url=https://gw.example:9091/pgw", "batchpush.labels.team=billing",
        "batchpush.labels.env=prod", "batchpush.metric-prefix=etl_job", "batchpush.username=batch",
        "batchpush.password-file=" + password, "batchpush.ca-cert=" + ca, "batchpush.deadline=4s",
        "batchpush.connect-timeout=1s", "batchpush.read-timeout=2s", "batchpush.max-age=26h",
        "batchpush.push-at-start=true", "batchpush.strict=true", "batchpush.textfile-dir=" + dir.resolve("textfiles"),
        "batchpush.instrument-all-jobs=true").run(context -> {
          BatchPush push = context.getBean(BatchPush.class);
          assertThat(push.gateway()).hasToString("https://gw.example:9091/pgw");
          assertThat(push.labels()).containsExactly(Map.entry("team", "billing"), Map.entry("env", "prod"));
          assertThat(push.metricPrefix()).isEqualTo("etl_job");
          assertThat(push.authentication()).isEqualTo(BatchPush.Authentication.BASIC);
          assertThat(push.username()).isEqualTo("batch");
          assertThat(push.caCertificates()).isEqualTo(ca);
          assertThat(push.deadline()).isEqualTo(Duration.ofSeconds(4));
          assertThat(push.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
          assertThat(push.readTimeout()).isEqualTo(Duration.ofSeconds(2));
          assertThat(push.maxAge()).isEqualTo(Duration.ofHours(26));
          assertThat(push.pushAtStart()).isTrue();
          assertThat(push.strict()).isTrue();
          assertThat(push.textfileDirectory()).isEqualTo(dir.resolve("textfiles"));
          assertThat(push.spoolDirectory()).isEqualTo(dir.resolve("spool"));
          assertThat(context.getBean(BatchPushProperties.class).isInstrumentAllJobs()).isTrue();
        });
  }

  @Test
  void leavesEveryUnsetPropertyAtCoresDefault() {
    runner.run(context -> {
      BatchPush push = context.getBean(BatchPush.class);
      BatchPush core = BatchPush.builder().gateway(BatchPush.DEFAULT_GATEWAY).build();
      assertThat(push.gateway()).isEqualTo(core.gateway());
      assertThat(push.metricPrefix()).isEqualTo(core.metricPrefix());
      assertThat(push.deadline()).isEqualTo(core.deadline());
      assertThat(push.connectTimeout()).isEqualTo(core.connectTimeout());
      assertThat(push.readTimeout()).isEqualTo(core.readTimeout());
      assertThat(push.authentication()).isEqualTo(BatchPush.Authentication.NONE);
      assertThat(push.maxAge()).isNull();
      assertThat(push.pushAtStart()).isFalse();
      assertThat(push.strict()).isFalse();
      assertThat(push.textfileDirectory()).isNull();
      assertThat(push.labels()).isEmpty();
    });
  }

  @Test
  void aPasswordFileReachesAGatewayThatRequiresIt() throws Exception {
    Path password = Files.writeString(dir.resolve("gateway-password"), "pw-from-file\n");
    try (Pushgateway secured = WebConfig.in(Files.createTempDirectory(dir, "web")).basicAuth("batch", "pw-from-file")
        .start()) {
      runner.withPropertyValues("batchpush.gateway.url=" + secured.uri(), "batchpush.username=batch",
          "batchpush.password-file=" + password, "batchpush.spool-enabled=false", "batchpush.strict=true")
          .run(context -> {
            context.getBean(BatchPush.class).start("secured_job").succeeded().close();
            assertThat(secured.value("secured_job", Map.of(), "batch_job_exit_code")).isEqualTo(0.0);
          });
    }
  }

  @Test
  void anExplicitGatewayUrlWinsOverCoresVariableEvenWhenThatIsEmpty() {
    runner.withPropertyValues("batchpush.gateway=http://from-env.example:9091",
        "batchpush.gateway.url=http://explicit.example:9091").run(context ->
        assertThat(context.getBean(BatchPush.class).gateway()).hasToString("http://explicit.example:9091"));
    runner.withPropertyValues("batchpush.gateway=", "batchpush.gateway.url=http://explicit.example:9091")
        .run(context ->
            assertThat(context.getBean(BatchPush.class).gateway()).hasToString("http://explicit.example:9091"));
  }

  @Test
  void takesTheGatewayFromCoresVariableNameToo() {
    runner.withPropertyValues("batchpush.gateway=http://from-env.example:9091").run(context ->
        assertThat(context.getBean(BatchPush.class).gateway()).hasToString("http://from-env.example:9091"));
  }

  @Test
  void takesLabelsFromCoresVariableNameToo() {
    runner.withPropertyValues("batchpush.labels=team=billing,env=prod").run(context ->
        assertThat(context.getBean(BatchPush.class).labels()).containsExactly(Map.entry("team", "billing"),
            Map.entry("env", "prod")));
  }

  @Test
  void replaysRunsSpooledByAnEarlierProcessAtStartUp() {
    Path spool = dir.resolve("replayed-spool");
    int port = Pushgateway.freePort();
    java.net.URI url = java.net.URI.create("http://127.0.0.1:" + port);
    BatchPush down = BatchPush.builder().gateway(url).deadline(java.time.Duration.ofMillis(300))
        .spoolDirectory(spool).build();
    try (var run = down.start("spooled_earlier")) {
      run.succeeded();
    }
    // Spooled runs wait for the gateway they were meant for: it comes up where it was down.
    try (Pushgateway revived = Pushgateway.startOnPort(port)) {
      assertThat(revived.group("spooled_earlier", Map.of())).isEmpty();
      runner.withPropertyValues("batchpush.gateway.url=" + url, "batchpush.spool-dir=" + spool)
          .run(context -> {
            assertThat(context.getBean(SpoolReplay.class).report().delivered()).isEqualTo(1);
            assertThat(revived.group("spooled_earlier", Map.of())).containsEntry("batch_job_exit_code", 0.0);
          });
    }
  }

  @Test
  void turnsTheSpoolOff() {
    runner.withPropertyValues("batchpush.spool-enabled=false").run(context ->
        assertThat(context.getBean(BatchPush.class).spoolDirectory()).isNull());
  }

  @Test
  void failsFastOnABadLabelNamingTheProperty() {
    runner.withPropertyValues("batchpush.labels.job=x").run(context ->
        assertThat(rootMessage(context)).isEqualTo(
            "Invalid batchpush.labels.job: Invalid label name: 'job' (the job name is the group's job label; give it as the job name, not as a label)"));
  }

  @Test
  void failsFastOnABadMetricPrefixNamingTheProperty() {
    runner.withPropertyValues("batchpush.metric-prefix=9lives", "batchpush.password=hunter2-secret")
        .run(context -> assertThat(rootMessage(context)).isEqualTo(
            "Invalid batchpush.metric-prefix: Invalid metric prefix: '9lives' (use letters, digits and underscores, not starting with a digit or ending with '_', e.g. batch_job)"));
  }

  @Test
  void failsFastOnANonHttpGatewayUrl() {
    runner.withPropertyValues("batchpush.gateway.url=ftp://gw.example").run(context ->
        assertThat(rootMessage(context)).isEqualTo(
            "Invalid batchpush.gateway.url: Invalid gateway URL: 'ftp://gw.example' (use http:// or https://, e.g. http://localhost:9091)"));
  }

  @Test
  void failsFastOnAnUnparsableGatewayUrlWithoutShowingItsCredentials() {
    runner.withPropertyValues("batchpush.gateway.url=http://admin:S3CRET@push_gw:9091").run(context -> {
      assertThat(rootMessage(context)).isEqualTo("Invalid batchpush.gateway.url: Invalid gateway URL: "
          + "'http://***@push_gw:9091' (credentials in the URL would end up in logs; remove them and use a username "
          + "and password: BATCHPUSH_USERNAME, BATCHPUSH_PASSWORD)");
      for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
        assertThat(String.valueOf(t.getMessage())).doesNotContain("S3CRET");
      }
    });
  }

  @Test
  void failsFastOnAUsernameWithoutPassword() {
    runner.withPropertyValues("batchpush.username=batch").run(context ->
        assertThat(rootMessage(context)).isEqualTo(
            "batchpush.username needs a password: set batchpush.password-file or batchpush.password"));
  }

  @Test
  void failsFastWithBothBasicAuthAndABearerToken() {
    runner.withPropertyValues("batchpush.username=batch", "batchpush.password=hunter2-secret",
        "batchpush.bearer-token=t0ken-secret").run(context -> assertThat(rootMessage(context)).isEqualTo(
            "batchpush.username and batchpush.bearer-token are both set: use basic auth or a bearer token, not both"));
  }

  @Test
  void failsFastOnAMissingCaCertificateFile() {
    Path missing = dir.resolve("no-such-ca.pem");
    runner.withPropertyValues("batchpush.gateway.url=https://gw.example", "batchpush.ca-cert=" + missing)
        .run(context -> assertThat(rootMessage(context)).isEqualTo("Invalid batchpush.ca-cert: Cannot load "
            + "trusted certificates from '" + missing + "': " + missing + " (give a PEM file of CA certificates, or "
            + "a PKCS12/JKS truststore and its password)"));
  }

  @Test
  void failsFastOnAMissingPasswordFileWithoutShowingAnySecret() {
    Path missing = dir.resolve("no-such-password");
    runner.withPropertyValues("batchpush.username=batch", "batchpush.password-file=" + missing)
        .run(context -> assertThat(rootMessage(context)).isEqualTo("Invalid batchpush.password-file: Cannot "
            + "read the password file '" + missing + "': NoSuchFileException (check that it exists and is readable "
            + "by this user)"));
  }

  @Test
  void failsFastOnAPushMetricsJobThatCannotTakeAListener() {
    runner.withUserConfiguration(NotAbstractJob.class).run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessage("batchpush: cannot register on job bean "
          + "'custom' (" + NotAbstractJob.CustomJob.class.getName() + " does not extend AbstractJob): add a "
          + "BatchPushJobListener to it by hand");
    });
  }

  @Test
  void failsFastOnABadPushMetricsLabelNamingTheJobBean() {
    runner.withUserConfiguration(BadLabelJob.class).run(context ->
        assertThat(rootMessage(context)).isEqualTo(
            "Invalid @PushMetrics(labels = \"team\") on job bean 'invoices': Invalid label: 'team' (write it as key=value, e.g. team=data)"));
  }

  @Test
  void failsFastOnABadPushMetricsMaxAgeNamingTheJobBean() {
    runner.withUserConfiguration(BadMaxAgeJob.class).run(context ->
        assertThat(rootMessage(context)).isEqualTo(
            "Invalid @PushMetrics(maxAge = \"a day\") on job bean 'invoices': Invalid duration: 'a day' (use a whole number with ms, s, m, h or d such as 90s, 5m, 26h, 1d, or ISO-8601 such as PT90S)"));
  }

  @Test
  void instrumentsOnlyAnnotatedJobsByDefault() {
    runner.withPropertyValues("batchpush.gateway.url=" + gateway.uri()).withUserConfiguration(TwoJobs.class)
        .run(context -> {
          runJob(context, "annotatedDefault");
          runJob(context, "unannotatedDefault");
          assertThat(gateway.group("annotatedDefault", Map.of())).containsEntry("batch_job_exit_code", 0.0);
          assertThat(gateway.group("unannotatedDefault", Map.of())).isEmpty();
        });
  }

  @Test
  void instrumentsEveryJobWhenAskedTo() {
    runner.withPropertyValues("batchpush.gateway.url=" + gateway.uri(), "batchpush.instrument-all-jobs=true",
        "batchpush.labels.mode=all").withUserConfiguration(TwoJobs.class).run(context -> {
          runJob(context, "unannotatedDefault");
          assertThat(gateway.group("unannotatedDefault", Map.of("mode", "all")))
              .containsEntry("batch_job_exit_code", 0.0);
        });
  }

  @Test
  void registersWithoutNotEligibleForPostProcessingWarnings(CapturedOutput output) {
    runner.withPropertyValues("batchpush.gateway.url=" + gateway.uri()).withUserConfiguration(TwoJobs.class)
        .run(context -> {
          runJob(context, "annotatedDefault");
          assertThat(gateway.group("annotatedDefault", Map.of())).isNotEmpty();
        });
    assertThat(output).doesNotContain("not eligible for getting processed");
  }

  @Test
  void theWarningCheckSeesTheWarningWhenAPostProcessorPullsInABeanEarly(CapturedOutput output) {
    runner.withUserConfiguration(EagerPostProcessor.class).run(context -> assertThat(context).hasNotFailed());
    assertThat(output).contains("not eligible for getting processed");
  }

  private static void runJob(ApplicationContext context, String name) throws Exception {
    var execution = context.getBean(JobOperator.class).start(context.getBean(name, Job.class),
        new JobParametersBuilder().addLong("run", System.nanoTime()).toJobParameters());
    assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
  }

  /** The message batchpush failed the context with, under Spring's wrappers: it names a property or an option. */
  static String rootMessage(org.springframework.boot.test.context.assertj.AssertableApplicationContext context) {
    assertThat(context).hasFailed();
    for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().matches("(Invalid |batchpush\\.).*")) {
        return t.getMessage();
      }
    }
    return null;
  }

  @Configuration(proxyBeanMethods = false)
  @EnableBatchProcessing
  static class TwoJobs {
    @Bean
    @PushMetrics
    Job annotatedDefault(JobRepository repository) {
      return TestJobs.job("annotatedDefault", repository, TestJobs.doneStep("only", repository));
    }

    @Bean
    Job unannotatedDefault(JobRepository repository) {
      return TestJobs.job("unannotatedDefault", repository, TestJobs.doneStep("only", repository));
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableBatchProcessing
  static class BadLabelJob {
    @Bean
    @PushMetrics(labels = {"team=billing", "team"})
    Job invoices(JobRepository repository) {
      return TestJobs.job("invoices", repository, TestJobs.doneStep("only", repository));
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableBatchProcessing
  static class BadMaxAgeJob {
    @Bean
    @PushMetrics(maxAge = "a day")
    Job invoices(JobRepository repository) {
      return TestJobs.job("invoices", repository, TestJobs.doneStep("only", repository));
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class NotAbstractJob {
    @Bean
    @PushMetrics
    Job custom() {
      return new CustomJob();
    }

    static class CustomJob implements Job {
      @Override
      public String getName() {
        return "custom";
      }

      @Override
      public void execute(org.springframework.batch.core.job.JobExecution execution) {
      }
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class EagerPostProcessor {
    @Bean
    static BeanPostProcessor eager(BatchPush push) {
      return new BeanPostProcessor() { };
    }
  }
}
