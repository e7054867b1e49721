package io.github.batchpush.samples.plain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MyBatchJobTest {
  @RealPushgateway
  Pushgateway gateway;

  @Test
  void aSuccessfulRunPushesWhatTheDocumentationsJobPushesPlusItsExitCode() {
    double before = System.currentTimeMillis() / 1000.0;

    MyBatchJob.executeBatchJob(gateway.uri(), () -> Pushgateway.sleep(50));

    Map<String, Double> group = gateway.group("my_batch_job", Map.of());
    assertThat(group).containsOnlyKeys("batch_job_duration_seconds", "batch_job_last_success_timestamp_seconds",
        "batch_job_last_completion_timestamp_seconds", "batch_job_last_start_timestamp_seconds",
        "batch_job_exit_code", "push_time_seconds", "push_failure_time_seconds");
    assertThat(group.get("batch_job_duration_seconds")).isBetween(0.05, 30.0);
    assertThat(group.get("batch_job_last_success_timestamp_seconds")).isBetween(before, before + 30);
    assertThat(group.get("batch_job_exit_code")).isEqualTo(0.0);
    assertThat(gateway.type("my_batch_job", "batch_job_duration_seconds")).isEqualTo("GAUGE");
  }

  @Test
  void aFailedRunKeepsThePreviousSuccessAsPushAddDoesInTheDocumentation() {
    MyBatchJob.executeBatchJob(gateway.uri(), () -> { });
    Double firstSuccess = gateway.value("my_batch_job", Map.of(), "batch_job_last_success_timestamp_seconds");

    assertThatThrownBy(() -> MyBatchJob.executeBatchJob(gateway.uri(), () -> {
      throw new IllegalStateException("disk full");
    })).isInstanceOf(IllegalStateException.class).hasMessage("disk full");

    assertThat(gateway.value("my_batch_job", Map.of(), "batch_job_last_success_timestamp_seconds"))
        .isEqualTo(firstSuccess);
    assertThat(gateway.value("my_batch_job", Map.of(), "batch_job_exit_code")).isEqualTo(1.0);
    assertThat(gateway.value("my_batch_job", Map.of(), "batch_job_last_completion_timestamp_seconds"))
        .isGreaterThanOrEqualTo(firstSuccess);
  }

  @Test
  void mainPushesOneSuccessfulRunToTheGatewayGivenAsArgument() {
    MyBatchJob.main(new String[] {gateway.uri().toString()});

    assertThat(gateway.value("my_batch_job", Map.of(), "batch_job_exit_code")).isEqualTo(0.0);
  }
}
