package io.github.batchpush.samples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.testing.Pushgateway;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;

/** Runs the application as {@code main} would, both ways, against the real Pushgateway. */
class NightlyReportApplicationTest {
  private Pushgateway gateway;

  @BeforeEach
  void startGateway() {
    gateway = Pushgateway.start();
  }

  @AfterEach
  void stopGateway() {
    gateway.close();
  }

  @Test
  void aSuccessfulRunExitsZeroAndPushesItsSuccessAndMaxAge() {
    double before = System.currentTimeMillis() / 1000.0;

    assertThat(run()).isZero();

    Map<String, Double> group = gateway.group("nightly_report", Map.of());
    assertThat(group).containsEntry("batch_job_exit_code", 0.0)
        .containsEntry("batch_job_max_age_seconds", 26 * 3600.0);
    assertThat(group.get("batch_job_last_success_timestamp_seconds")).isBetween(before, before + 120);
  }

  @Test
  void aRunWithFailTrueExitsNonZeroAndKeepsThePreviousSuccess() {
    assertThat(run()).isZero();
    Double success = gateway.value("nightly_report", Map.of(), "batch_job_last_success_timestamp_seconds");

    // Boot exits with the ordinal of the failed execution's BatchStatus (JobExecutionExitCodeGenerator): FAILED is 5.
    assertThat(run("fail=true")).isEqualTo(5);

    Map<String, Double> group = gateway.group("nightly_report", Map.of());
    assertThat(group).containsEntry("batch_job_exit_code", 1.0)
        .containsEntry("batch_job_last_success_timestamp_seconds", success);
    assertThat(group.get("batch_job_last_completion_timestamp_seconds")).isGreaterThanOrEqualTo(success);
  }

  private int run(String... jobParameters) {
    String[] args = new String[jobParameters.length + 2];
    args[0] = "--batchpush.gateway.url=" + gateway.uri();
    args[1] = "--batchpush.spool-enabled=false";
    System.arraycopy(jobParameters, 0, args, 2, jobParameters.length);
    return SpringApplication.exit(SpringApplication.run(NightlyReportApplication.class, args));
  }
}
