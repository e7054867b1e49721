package io.github.batchpush.reliability;

import static io.github.batchpush.reliability.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.BatchPush;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool orders runs by wall-clock finish times, and wall clocks jump: a run recorded while the clock ran ahead (a
 * bad clock at boot, a restored VM, a clock set back since) must not keep every later run of its group from going out.
 */
class SpoolClockSkewTest {
  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path spool;

  private BatchPush through(TestClock clock) {
    return BatchPush.builder().gateway(gateway.uri()).spoolDirectory(spool).clock(clock).build();
  }

  @Test
  void aRunRecordedWhileTheClockRanAYearAheadDoesNotSilenceTheRunsAfterIt() {
    TestClock ahead = new TestClock(Instant.now().plus(Duration.ofDays(365)).toString());
    run(through(ahead), ahead, "skewed_job", 0);
    assertThat(gateway.value("skewed_job", Map.of(), "batch_job_exit_code")).isEqualTo(0.0);

    TestClock right = new TestClock(Instant.now().toString());
    run(through(right), right, "skewed_job", 3);
    assertThat(gateway.value("skewed_job", Map.of(), "batch_job_exit_code")).isEqualTo(3.0);

    run(through(right), right, "skewed_job", 4);
    assertThat(gateway.value("skewed_job", Map.of(), "batch_job_exit_code")).isEqualTo(4.0);
  }

  @Test
  void aClockSetBackTwoDaysDoesNotSilenceTheGroup() {
    TestClock clock = new TestClock(Instant.now().toString());
    run(through(clock), clock, "stepped_job", 0);

    clock.advance(Duration.ofDays(-2));
    run(through(clock), clock, "stepped_job", 2);

    assertThat(gateway.value("stepped_job", Map.of(), "batch_job_exit_code")).isEqualTo(2.0);
  }

  // Review 2, finding 1: a step back of two hours (within the day's tolerance there was) dropped this failure unsent.
  @Test
  void aFailedRunAfterTheClockWasSteppedBackTwoHoursIsStillPushed() {
    TestClock clock = new TestClock(Instant.now().toString());
    run(through(clock), clock, "ntp_job", 0);

    clock.advance(Duration.ofHours(-2));
    run(through(clock), clock, "ntp_job", 3);

    assertThat(gateway.value("ntp_job", Map.of(), "batch_job_exit_code")).isEqualTo(3.0);
  }
}
