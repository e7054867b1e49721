package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.RunLifecycleTest.ManualClock;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JobRun#pushNow()}: a run cut short is pushed as it stands, and its real end still wins. */
class PushNowTest {
  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path spool;

  @Test
  void pushesTheRunAsItStandsWithTheTimeOfThePushAsItsEnd() {
    ManualClock clock = new ManualClock();
    JobRun run = push(clock).start("push_now_snapshot");
    clock.advance(Duration.ofSeconds(7));

    run.gauge("records_processed", 5).failed(2).pushNow();

    assertThat(gateway.group("push_now_snapshot", Map.of())).containsEntry("batch_job_exit_code", 2.0)
        .containsEntry("batch_job_duration_seconds", 7.0)
        .containsEntry("batch_job_records_processed", 5.0)
        .containsEntry("batch_job_last_completion_timestamp_seconds", 1795600807.0)
        .doesNotContainKey("batch_job_last_success_timestamp_seconds");
  }

  @Test
  void aCloseAfterItPushesTheRealOutcomeOverTheSnapshot() {
    ManualClock clock = new ManualClock();
    JobRun run = push(clock).start("push_now_then_close");
    run.failed(2).pushNow();
    clock.advance(Duration.ofSeconds(3));

    run.gauge("records_processed", 9).succeeded().close();

    assertThat(gateway.group("push_now_then_close", Map.of())).containsEntry("batch_job_exit_code", 0.0)
        .containsEntry("batch_job_records_processed", 9.0)
        .containsEntry("batch_job_last_success_timestamp_seconds", 1795600803.0);
  }

  @Test
  void doesNothingOnceTheRunIsClosed() {
    ManualClock clock = new ManualClock();
    JobRun run = push(clock).start("push_now_after_close");
    run.succeeded().close();
    clock.advance(Duration.ofSeconds(3));

    run.failed(2).pushNow();

    assertThat(gateway.group("push_now_after_close", Map.of())).containsEntry("batch_job_exit_code", 0.0)
        .containsEntry("batch_job_last_completion_timestamp_seconds", 1795600800.0);
  }

  private BatchPush push(ManualClock clock) {
    return BatchPush.builder().gateway(gateway.uri()).spoolDirectory(spool).clock(clock).build();
  }
}
