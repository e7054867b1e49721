package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract of a run, against the real Pushgateway. */
class RunLifecycleTest {
  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path spool;

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-25T10:00:00Z"));

    void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  private BatchPush.Builder builder(ManualClock clock) {
    return BatchPush.builder().gateway(gateway.uri()).spoolDirectory(spool).clock(clock);
  }

  @Test
  void successfulRunPushesEveryGaugeOfTheContract() {
    ManualClock clock = new ManualClock();
    BatchPush push = builder(clock).label("team", "data").build();
    try (JobRun run = push.start("contract_success")) {
      clock.advance(Duration.ofMillis(12_500));
      run.gauge("records_processed", 42);
      run.succeeded();
    }
    Map<String, Double> group = gateway.group("contract_success", Map.of("team", "data"));
    assertThat(group).containsEntry("batch_job_duration_seconds", 12.5)
        .containsEntry("batch_job_last_start_timestamp_seconds", 1795600800.0)
        .containsEntry("batch_job_last_completion_timestamp_seconds", 1795600812.5)
        .containsEntry("batch_job_last_success_timestamp_seconds", 1795600812.5)
        .containsEntry("batch_job_exit_code", 0.0)
        .containsEntry("batch_job_records_processed", 42.0)
        .doesNotContainKey("batch_job_max_age_seconds");
    assertThat(gateway.type("contract_success", "batch_job_exit_code")).isEqualTo("GAUGE");
    assertThat(gateway.scrape()).doesNotContain("_created");
  }

  @Test
  void failureAfterSuccessKeepsTheLastSuccess() {
    ManualClock clock = new ManualClock();
    BatchPush push = builder(clock).build();
    try (JobRun run = push.start("keeps_success")) {
      clock.advance(Duration.ofSeconds(1));
      run.succeeded();
    }
    clock.advance(Duration.ofHours(1));
    try (JobRun run = push.start("keeps_success")) {
      clock.advance(Duration.ofSeconds(2));
      run.failed(3);
    }
    Map<String, Double> group = gateway.group("keeps_success", Map.of());
    assertThat(group).containsEntry("batch_job_last_success_timestamp_seconds", 1795600801.0)
        .containsEntry("batch_job_last_completion_timestamp_seconds", 1795604403.0)
        .containsEntry("batch_job_exit_code", 3.0)
        .containsEntry("batch_job_duration_seconds", 2.0);
  }

  @Test
  void closeWithoutSucceededIsAFailureWithExitCodeOne() {
    BatchPush push = builder(new ManualClock()).build();
    try (JobRun run = push.start("forgot_to_succeed")) {
      run.gauge("records_processed", 1);
    }
    assertThat(gateway.group("forgot_to_succeed", Map.of()))
        .containsEntry("batch_job_exit_code", 1.0)
        .doesNotContainKey("batch_job_last_success_timestamp_seconds");
  }

  @Test
  void aThrowingJobInsideTryWithResourcesIsRecordedAsFailed() {
    BatchPush push = builder(new ManualClock()).build();
    try (JobRun run = push.start("throws")) {
      throw new IllegalStateException("boom");
    } catch (IllegalStateException expected) {
      // the job's own exception reaches the caller unchanged
    }
    assertThat(gateway.value("throws", Map.of(), "batch_job_exit_code")).isEqualTo(1.0);
  }

  @Test
  void maxAgeAndStepGaugesArePushed() {
    BatchPush push = builder(new ManualClock()).maxAge(Duration.ofHours(26)).build();
    try (JobRun run = push.start("with_slo")) {
      run.stepGauge("load", "items_written", 1200).stepGauge("extract", "items_written", 7);
      run.stepGauge("load", "duration_seconds", 2.5).stepGauge("load", "exit_code", 0);
      run.succeeded();
    }
    assertThat(gateway.group("with_slo", Map.of()))
        .containsEntry("batch_job_max_age_seconds", 93600.0)
        .containsEntry("batch_job_step_items_written{step=load}", 1200.0)
        .containsEntry("batch_job_step_items_written{step=extract}", 7.0)
        .containsEntry("batch_job_step_duration_seconds{step=load}", 2.5)
        .containsEntry("batch_job_step_exit_code{step=load}", 0.0);
  }

  @Test
  void pushAtStartSendsTheStartTimeBeforeTheJobEnds() {
    ManualClock clock = new ManualClock();
    BatchPush push = builder(clock).pushAtStart(true).build();
    JobRun run = push.start("started_only");
    assertThat(gateway.group("started_only", Map.of()))
        .containsOnlyKeys("batch_job_last_start_timestamp_seconds", "push_time_seconds", "push_failure_time_seconds")
        .containsEntry("batch_job_last_start_timestamp_seconds", 1795600800.0);
    clock.advance(Duration.ofSeconds(5));
    run.succeeded().close();
    assertThat(gateway.value("started_only", Map.of(), "batch_job_duration_seconds")).isEqualTo(5.0);
  }

  @Test
  void metricPrefixIsApplied() {
    BatchPush push = builder(new ManualClock()).metricPrefix("etl").build();
    try (JobRun run = push.start("prefixed")) {
      run.succeeded();
    }
    assertThat(gateway.group("prefixed", Map.of())).containsKey("etl_exit_code")
        .doesNotContainKey("batch_job_exit_code");
  }

  @Test
  void closeTwicePushesOnce() {
    ManualClock clock = new ManualClock();
    BatchPush push = builder(clock).build();
    JobRun run = push.start("closed_twice").succeeded();
    run.close();
    clock.advance(Duration.ofMinutes(1));
    run.close();
    assertThat(gateway.value("closed_twice", Map.of(), "batch_job_last_completion_timestamp_seconds"))
        .isEqualTo(1795600800.0);
  }

  @Test
  void deleteRemovesTheGroup() {
    BatchPush push = builder(new ManualClock()).label("env", "test").build();
    push.start("to_delete").succeeded().close();
    assertThat(gateway.group("to_delete", Map.of("env", "test"))).isNotEmpty();
    push.delete("to_delete");
    assertThat(gateway.groupAfterDelete("to_delete", Map.of("env", "test"))).isEmpty();
  }
}
