package io.github.batchpush.reliability;

import io.github.batchpush.testing.FaultServer;
import io.github.batchpush.testing.FaultServer.Fault;

import static io.github.batchpush.reliability.Runs.held;
import static io.github.batchpush.reliability.Runs.run;
import static io.github.batchpush.reliability.Runs.spooled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.github.batchpush.BatchPush;
import io.github.batchpush.JobRun;
import io.github.batchpush.SpoolReport;
import io.github.batchpush.reliability.Runs.Outcome;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spools reached in unusual ways: through a symlink, full, or not usable at all. */
class SpoolEdgeCaseTest {
  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path work;

  final TestClock clock = new TestClock("2026-11-25T14:00:00Z");

  @Test
  void twoInstancesReachingOneSpoolThroughASymlinkTakeTurnsInsteadOfThrowing() throws Exception {
    Path spool = Files.createDirectory(work.resolve("spool"));
    Path link = Files.createSymbolicLink(work.resolve("link"), spool);
    try (FaultServer hang = FaultServer.start(null, Fault.hang())) {
      BatchPush viaDirectory = BatchPush.builder().gateway(hang.uri()).spoolDirectory(spool).clock(clock)
          .deadline(Duration.ofSeconds(2)).build();
      BatchPush viaLink = viaDirectory.newBuilder().spoolDirectory(link).build();
      JobRun first = viaDirectory.start("symlink_job");
      JobRun second = viaLink.start("symlink_job");
      CompletableFuture<Void> holding = CompletableFuture.runAsync(first::close);
      assertThat(hang.awaitRequests(1, 10_000)).isTrue();

      assertThatCode(second::close).doesNotThrowAnyException();
      holding.get(10, TimeUnit.SECONDS);
      assertThat(spooled(spool)).hasSize(2);
    }
  }

  @Test
  void runsSpooledForAPreviousGatewayUrlAreDeliveredToTheNewOneOnlyWhenAskedFor() throws Exception {
    Path spool = work.resolve("spool");
    URI previous = URI.create("http://127.0.0.1:" + Pushgateway.freePort() + "/pgw");
    BatchPush old = BatchPush.builder().gateway(previous).spoolDirectory(spool).clock(clock)
        .deadline(Duration.ofMillis(300)).build();
    Outcome spooledRun = run(old, clock, "migrated_job", 0);
    BatchPush current = old.newBuilder().gateway(gateway.uri()).deadline(Duration.ofSeconds(2)).build();

    SpoolReport plain = current.flush();
    assertThat(plain.delivered()).isZero();
    assertThat(plain.forOtherGateways()).isEqualTo(1);
    assertThat(plain.otherGateways()).containsExactly(java.util.Map.entry(previous, 1));

    SpoolReport adopted = current.flushFrom(URI.create(previous + "/")); // written as users do, with a slash
    assertThat(adopted.delivered()).isEqualTo(1);
    assertThat(adopted.forOtherGateways()).isZero();
    assertThat(held(gateway, "migrated_job")).isEqualTo(spooledRun.values());
    assertThat(spooled(spool)).isEmpty();
  }

  @Test
  void onAFullDiskARunStillGoesOutRecordedSoTheOlderSpooledOnesNeverOverwriteIt() throws Exception {
    Path spool = work.resolve("spool");
    int port = Pushgateway.freePort();
    URI later = URI.create("http://127.0.0.1:" + port);
    BatchPush down = BatchPush.builder().gateway(later).spoolDirectory(spool).clock(clock)
        .deadline(Duration.ofMillis(300)).build();
    run(down, clock, "full_disk_job", 0);
    double olderSuccess = clock.seconds();
    assertThat(spooled(spool)).hasSize(1);

    try (Pushgateway up = Pushgateway.startOnPort(port)) {
      Process child = Children.startAfter("ulimit -f 0", "job", later.toString(), spool.toString(),
          "full_disk_job", "3", "5000");
      String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).as(output).isEqualTo(3);
      assertThat(output).contains("cannot write run {job=\"full_disk_job\"} to the spool")
          .contains("it went out unspooled, and the spool's index recorded it").doesNotContain("LOST");

      // The next delivery replays whatever is left; it must not put the older success over the newer failure.
      BatchPush.builder().gateway(later).spoolDirectory(spool).build().flush();
      assertThat(up.group("full_disk_job", java.util.Map.of()))
          .containsEntry("batch_job_exit_code", 3.0)
          .containsEntry("batch_job_last_success_timestamp_seconds", olderSuccess);
      assertThat(spooled(spool)).isEmpty();
      assertThat(spool.resolve("corrupt")).doesNotExist(); // no cut-off file left to pass for a corrupt run
    }
  }

  @Test
  void aSpoolThatCannotBeCreatedDoesNotStopDelivery() throws Exception {
    Path notADirectory = Files.writeString(work.resolve("spool"), "a file where the spool should be");
    BatchPush push = BatchPush.builder().gateway(gateway.uri()).spoolDirectory(notADirectory).clock(clock)
        .deadline(Duration.ofSeconds(2)).build();

    Outcome delivered = run(push, clock, "unusable_spool_job", 0);

    assertThat(held(gateway, "unusable_spool_job")).isEqualTo(delivered.values());
  }

  @Test
  void aSpoolThatCannotBeCreatedWithTheGatewayDownLosesTheRunWithoutThrowing() throws Exception {
    Path notADirectory = Files.writeString(work.resolve("spool"), "a file where the spool should be");
    BatchPush push = BatchPush.builder().gateway(URI.create("http://127.0.0.1:" + Pushgateway.freePort()))
        .spoolDirectory(notADirectory).clock(clock).deadline(Duration.ofMillis(500)).build();

    Outcome lost = run(push, clock, "lost_job", 0);

    assertThat(lost.delay()).isLessThan(Duration.ofMillis(500).plus(FaultInjectionTest.SLACK));
  }

  @Test
  void aSpoolSharedByJobsOfTwoGatewaysDeliversEachRunToItsOwnGateway() throws Exception {
    Path spool = work.resolve("shared-spool");
    int port = Pushgateway.freePort();
    URI other = URI.create("http://127.0.0.1:" + port);
    Outcome forOther = run(BatchPush.builder().gateway(other).spoolDirectory(spool).clock(clock)
        .deadline(Duration.ofMillis(300)).build(), clock, "other_gateway_job", 0);
    assertThat(spooled(spool)).hasSize(1);

    Outcome forThis = run(BatchPush.builder().gateway(gateway.uri()).spoolDirectory(spool).clock(clock).build(),
        clock, "this_gateway_job", 0);

    assertThat(held(gateway, "this_gateway_job")).isEqualTo(forThis.values());
    assertThat(held(gateway, "other_gateway_job")).isEmpty();
    assertThat(spooled(spool)).hasSize(1);
    try (Pushgateway otherGateway = Pushgateway.startOnPort(port)) {
      assertThat(BatchPush.builder().gateway(other).spoolDirectory(spool).build().flush().toString())
          .isEqualTo("delivered 1, remaining 0, dropped 0, set aside 0");
      assertThat(held(otherGateway, "other_gateway_job")).isEqualTo(forOther.values());
    }
  }

  @Test
  void theSameJobPushedToTwoGatewaysIsOrderedPerGateway() {
    Path spool = work.resolve("two-gateways");
    try (Pushgateway second = Pushgateway.start()) {
      BatchPush toFirst = BatchPush.builder().gateway(gateway.uri()).spoolDirectory(spool).clock(clock).build();
      BatchPush toSecond = toFirst.newBuilder().gateway(second.uri()).build();
      clock.advance(Duration.ofMinutes(10));
      Outcome newer = run(toFirst, clock, "twin_job", 1);
      clock.advance(Duration.ofMinutes(-5));
      // Older than what the first gateway got, but the first run this gateway ever sees of the job.
      Outcome older = run(toSecond, clock, "twin_job", 2);

      assertThat(held(gateway, "twin_job")).isEqualTo(newer.values());
      assertThat(held(second, "twin_job")).isEqualTo(older.values());
    }
  }

  @Test
  void anInterruptedJobThreadStillDeliversItsRunAndKeepsItsInterruptFlag() {
    Path spool = work.resolve("interrupted");
    BatchPush push = BatchPush.builder().gateway(gateway.uri()).spoolDirectory(spool).clock(clock).build();
    boolean stillInterrupted;
    Outcome cancelled;
    // A job cancelled with Future.cancel(true) or stopped by its framework closes its run with the flag set.
    Thread.currentThread().interrupt();
    try {
      cancelled = run(push, clock, "interrupted_job", 130);
    } finally {
      stillInterrupted = Thread.interrupted();
    }

    assertThat(stillInterrupted).isTrue();
    assertThat(held(gateway, "interrupted_job")).isEqualTo(cancelled.values());
    assertThat(spooled(spool)).isEmpty();
  }

  @Test
  void anInterruptedJobThreadWithoutASpoolStillDeliversItsRunThroughRetries() throws Exception {
    try (FaultServer flaky = FaultServer.start(gateway.uri(), Fault.status(503), Fault.pass())) {
      BatchPush push = BatchPush.builder().gateway(flaky.uri()).noSpool().clock(clock).build();
      boolean stillInterrupted;
      Outcome cancelled;
      Thread.currentThread().interrupt();
      try {
        cancelled = run(push, clock, "interrupted_nospool_job", 130);
      } finally {
        stillInterrupted = Thread.interrupted();
      }

      assertThat(stillInterrupted).isTrue();
      assertThat(flaky.requests()).hasSize(2);
      assertThat(held(gateway, "interrupted_nospool_job")).isEqualTo(cancelled.values());
    }
  }
}
