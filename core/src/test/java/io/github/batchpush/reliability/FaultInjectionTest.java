package io.github.batchpush.reliability;

import io.github.batchpush.testing.FaultServer;
import io.github.batchpush.testing.FaultServer.Fault;

import static io.github.batchpush.reliability.Runs.held;
import static io.github.batchpush.reliability.Runs.merged;
import static io.github.batchpush.reliability.Runs.run;
import static io.github.batchpush.reliability.Runs.spooled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.batchpush.BatchPush;
import io.github.batchpush.GatewayRejectedException;
import io.github.batchpush.JobRun;
import io.github.batchpush.SpoolReport;
import io.github.batchpush.reliability.Runs.Outcome;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fault matrix of issue 5 for the faults a plain gateway or a {@link FaultServer} in front of it can produce.
 * Each test checks: the job's outcome is unchanged ({@code close()} does not throw, the exit code pushed is the
 * job's), the delay stays within the deadline, and after recovery the real gateway holds exactly what it should.
 */
class FaultInjectionTest {
  /** Shorter than the default 10 s, to keep the suite fast; one test below runs with every default. */
  static final Duration DEADLINE = Duration.ofSeconds(3);
  /** What a delivery may take beyond its deadline: one last attempt's timeout is capped by what is left. */
  static final Duration SLACK = Duration.ofMillis(1500);

  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path spool;

  final TestClock clock = new TestClock("2026-11-25T10:00:00Z");

  private BatchPush.Builder to(URI uri) {
    return BatchPush.builder().gateway(uri).spoolDirectory(spool).clock(clock).deadline(DEADLINE);
  }

  @Test
  void gatewayDownSpoolsTheRunsAndTheNextDeliveryReplaysThemSoTheSuccessSurvivesTheLaterFailure() {
    int port = Pushgateway.freePort();
    BatchPush down = to(URI.create("http://127.0.0.1:" + port)).build();
    Outcome success = run(down, clock, "down_job", 0);
    clock.advance(Duration.ofMinutes(1));
    Outcome failure = run(down, clock, "down_job", 2);
    assertThat(spooled(spool)).hasSize(2);

    try (Pushgateway up = Pushgateway.startOnPort(port)) {
      SpoolReport report = down.flush();

      assertThat(report.toString()).isEqualTo("delivered 2, remaining 0, dropped 0, set aside 0");
      assertThat(held(up, "down_job")).isEqualTo(merged(success.values(), failure.values()));
      assertThat(held(up, "down_job")).containsEntry("batch_job_exit_code", 2.0)
          .containsEntry("batch_job_last_success_timestamp_seconds", success.values()
              .get("batch_job_last_success_timestamp_seconds"));
    }
    assertThat(success.delay()).isLessThan(DEADLINE.plus(SLACK));
    assertThat(failure.delay()).isLessThan(DEADLINE.plus(SLACK));
    FaultMatrix.record("gateway down (closed port)", "spooled; replayed on recovery",
        max(success.delay(), failure.delay()));
  }

  @Test
  void aGatewayThatAcceptsButNeverAnswersCostsAtMostTheDeadlineAndTheRunIsSpooled() throws Exception {
    try (FaultServer hang = FaultServer.start(gateway.uri(), Fault.hang())) {
      Outcome hung = run(to(hang.uri()).build(), clock, "hang_job", 0);

      assertThat(hung.delay()).isLessThan(DEADLINE.plus(SLACK));
      assertThat(hang.requests()).hasSize(1);
      assertThat(spooled(spool)).hasSize(1);
      clock.advance(Duration.ofMinutes(1));
      hang.recover();
      Outcome next = run(to(hang.uri()).build(), clock, "hang_job", 1);
      assertThat(held(gateway, "hang_job")).isEqualTo(merged(hung.values(), next.values()));
      assertThat(spooled(spool)).isEmpty();
      FaultMatrix.record("accepts, never answers (deadline 3 s)", "spooled; replayed on recovery", hung.delay());
    }
  }

  @Test
  void withEveryDefaultAHangingGatewayDelaysTheJobByAtMostTenSeconds() throws Exception {
    try (FaultServer hang = FaultServer.start(gateway.uri(), Fault.hang())) {
      BatchPush defaults = BatchPush.builder().gateway(hang.uri()).spoolDirectory(spool).clock(clock).build();
      Outcome hung = run(defaults, clock, "hang_default_job", 3);

      assertThat(hung.delay()).isLessThan(Duration.ofSeconds(10).plus(SLACK));
      // A 5 s read timeout, then one more attempt cut short by what is left of the 10 s deadline.
      assertThat(hang.requests()).hasSize(2);
      assertThat(spooled(spool)).hasSize(1);
      hang.recover();
      assertThat(defaults.flush().delivered()).isEqualTo(1);
      assertThat(held(gateway, "hang_default_job")).isEqualTo(hung.values());
      FaultMatrix.record("accepts, never answers (all defaults, deadline 10 s)", "spooled; replayed on recovery",
          hung.delay());
    }
  }

  @Test
  void aGatewayWhoseConnectionsNeverCompleteCostsAtMostTheDeadline() throws Exception {
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = full.getLocalPort();
      List<Socket> fillers = new ArrayList<>();
      Outcome unconnected;
      try {
        // Nobody accepts: once the kernel's accept queue is full, it leaves further SYNs unanswered, as a
        // firewall that drops packets does.
        boolean queueFull = false;
        for (int i = 0; i < 16 && !queueFull; i++) {
          Socket s = new Socket();
          try {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 300);
            fillers.add(s);
          } catch (SocketTimeoutException e) {
            s.close();
            queueFull = true;
          }
        }
        assertThat(queueFull).as("the accept queue filled up").isTrue();
        unconnected = run(to(URI.create("http://127.0.0.1:" + port)).build(), clock, "syn_job", 0);
      } finally {
        for (Socket s : fillers) {
          s.close();
        }
      }

      // The 3 s connect timeout, capped by what is left of the 3 s deadline: one attempt.
      assertThat(unconnected.delay()).isBetween(DEADLINE.minus(SLACK), DEADLINE.plus(SLACK));
      assertThat(spooled(spool)).hasSize(1);
      full.close();
      try (Pushgateway up = Pushgateway.startOnPort(port)) {
        assertThat(to(up.uri()).build().flush().delivered()).isEqualTo(1);
        assertThat(held(up, "syn_job")).isEqualTo(unconnected.values());
      }
      FaultMatrix.record("connection never completes (SYN unanswered)", "connect timeout; spooled; replayed",
          unconnected.delay());
    }
  }

  @Test
  void withPushAtStartAHangingGatewayCostsAQuarterOfTheDeadlineAtStartAndTheDeadlineAtTheEnd() throws Exception {
    try (FaultServer hang = FaultServer.start(gateway.uri(), Fault.hang())) {
      BatchPush push = to(hang.uri()).pushAtStart(true).build();
      double start = clock.seconds();
      long t0 = System.nanoTime();
      JobRun run = push.start("start_hang_job");
      Duration atStart = Pushgateway.since(t0);
      clock.advance(Duration.ofSeconds(5));
      long t1 = System.nanoTime();
      run.succeeded().close();
      Duration atEnd = Pushgateway.since(t1);

      assertThat(atStart).isLessThan(DEADLINE.dividedBy(4).plus(SLACK));
      assertThat(atEnd).isLessThan(DEADLINE.plus(SLACK));
      assertThat(spooled(spool)).hasSize(2);
      hang.recover();
      assertThat(push.flush().delivered()).isEqualTo(2);
      assertThat(held(gateway, "start_hang_job")).isEqualTo(Map.of(
          "batch_job_duration_seconds", 5.0,
          "batch_job_last_start_timestamp_seconds", start,
          "batch_job_last_completion_timestamp_seconds", start + 5,
          "batch_job_last_success_timestamp_seconds", start + 5,
          "batch_job_exit_code", 0.0));
      FaultMatrix.record("hang, with pushAtStart: start()", "spooled; replayed", atStart);
      FaultMatrix.record("hang, with pushAtStart: close()", "spooled; replayed", atEnd);
    }
  }

  @Test
  void aGatewayTricklingItsAnswerByteByByteIsCutOffAtTheDeadline() throws Exception {
    try (FaultServer trickle = FaultServer.start(gateway.uri(), Fault.trickle())) {
      Outcome trickled = run(to(trickle.uri()).build(), clock, "trickle_job", 0);

      assertThat(trickled.delay()).isLessThan(DEADLINE.plus(SLACK));
      assertThat(spooled(spool)).hasSize(1);
      trickle.recover();
      clock.advance(Duration.ofMinutes(1));
      Outcome next = run(to(trickle.uri()).build(), clock, "trickle_job", 1);
      assertThat(held(gateway, "trickle_job")).isEqualTo(merged(trickled.values(), next.values()));
      FaultMatrix.record("answer trickles a byte every 200 ms", "cut off at the deadline; spooled; replayed",
          trickled.delay());
    }
  }

  @Test
  void aGatewayAnsweringAfterThreeSecondsIsWaitedForWithTheDefaultTimeouts() throws Exception {
    try (FaultServer slow = FaultServer.start(gateway.uri(), Fault.delayed(3000))) {
      BatchPush defaults = BatchPush.builder().gateway(slow.uri()).spoolDirectory(spool).clock(clock).build();
      Outcome late = run(defaults, clock, "slow_job", 0);

      assertThat(late.delay()).isBetween(Duration.ofMillis(2900), Duration.ofSeconds(10));
      assertThat(slow.requests()).hasSize(1);
      assertThat(spooled(spool)).isEmpty();
      assertThat(held(gateway, "slow_job")).isEqualTo(late.values());
      FaultMatrix.record("answers after 3 s (defaults)", "delivered on the first attempt", late.delay());
    }
  }

  @Test
  void transientStatusesAreRetriedUntilTheGatewayRecovers() throws Exception {
    try (FaultServer flaky = FaultServer.start(gateway.uri(),
        Fault.status(500), Fault.status(503), Fault.status(408), Fault.status(429), Fault.pass())) {
      BatchPush defaults = BatchPush.builder().gateway(flaky.uri()).spoolDirectory(spool).clock(clock).build();
      Outcome retried = run(defaults, clock, "flaky_job", 0);

      assertThat(flaky.requests()).hasSize(5);
      assertThat(spooled(spool)).isEmpty();
      assertThat(held(gateway, "flaky_job")).isEqualTo(retried.values());
      // Four equal-jitter pauses from 200 ms doubling: at least 100+200+400+800 ms, at most twice that.
      assertThat(retried.delay()).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(10));
      FaultMatrix.record("500, 503, 408, 429, then 200 (defaults)", "delivered on the 5th attempt",
          retried.delay());
    }
  }

  @Test
  void a503ThatLastsPastTheDeadlineSpoolsTheRunAndTheNextDeliveryReplaysIt() throws Exception {
    try (FaultServer down = FaultServer.start(gateway.uri(), Fault.status(503))) {
      Outcome refused = run(to(down.uri()).build(), clock, "unavailable_job", 0);

      assertThat(refused.delay()).isLessThan(DEADLINE.plus(SLACK));
      assertThat(down.requests().size()).isBetween(3, 10);
      assertThat(spooled(spool)).hasSize(1);
      clock.advance(Duration.ofMinutes(1));
      down.recover();
      Outcome next = run(to(down.uri()).build(), clock, "unavailable_job", 1);
      assertThat(held(gateway, "unavailable_job")).isEqualTo(merged(refused.values(), next.values()));
      FaultMatrix.record("500/503 for longer than the deadline", "retried, spooled; replayed on recovery",
          refused.delay());
    }
  }

  @Test
  void droppedConnectionsAreRetried() throws Exception {
    try (FaultServer dropping = FaultServer.start(gateway.uri(), Fault.drop(), Fault.drop(), Fault.pass())) {
      Outcome retried = run(to(dropping.uri()).build(), clock, "drop_job", 0);

      assertThat(spooled(spool)).isEmpty();
      assertThat(held(gateway, "drop_job")).isEqualTo(retried.values());
      assertThat(retried.delay()).isLessThan(DEADLINE.plus(SLACK));
      FaultMatrix.record("connection dropped twice, then 200", "delivered by a retry", retried.delay());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404})
  void permanentStatusesAreNeverRetried(int status) throws Exception {
    try (FaultServer refusing = FaultServer.start(null, Fault.status(status))) {
      Outcome refused = run(to(refusing.uri()).build(), clock, "permanent_job", 1);

      assertThat(refusing.requests()).hasSize(1);
      assertThat(refused.delay()).isLessThan(SLACK);
    }
  }

  @Test
  void aTypeConflictIsRefusedOnceWithTheGatewaysReasonAndTheRunWaitsSpooledUntilTheConflictIsGone()
      throws Exception {
    try (Pushgateway own = Pushgateway.start();
        FaultServer counting = FaultServer.start(own.uri(), Fault.pass())) {
      // An untyped metric of the same name in another group makes the real gateway refuse our typed gauge with a
      // 400, until that group is deleted.
      assertThat(own.request("POST", "/metrics/job/other", "batch_job_exit_code 1\n")).isEqualTo(200);
      Outcome refused = run(to(counting.uri()).build(), clock, "typed_job", 0);

      assertThat(counting.requests()).hasSize(1);
      assertThat(spooled(spool)).hasSize(1);
      assertThat(held(own, "typed_job")).isEmpty();
      Path strictSpool = spool.resolve("strict");
      JobRun strict = to(counting.uri()).spoolDirectory(strictSpool).strict(true).build().start("typed_job");
      GatewayRejectedException e = catchThrowableOfType(GatewayRejectedException.class, strict::close);
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.isTransient()).isFalse();
      assertThat(e.reason()).startsWith("pushed metrics are invalid or inconsistent with existing metrics: "
          + "collected metric \"batch_job_exit_code\"");
      assertThat(e.getMessage()).isEqualTo("push of {job=\"typed_job\"} to " + counting.uri()
          + " failed: gateway rejected the metrics (400): " + e.reason() + "; run spooled to "
          + spooled(strictSpool).get(0) + " for the next delivery").doesNotContain("\n");

      assertThat(own.request("DELETE", "/metrics/job/other", null)).isEqualTo(202);
      SpoolReport report = to(counting.uri()).build().flush();

      assertThat(report.toString()).isEqualTo("delivered 1, remaining 0, dropped 0, set aside 0");
      assertThat(held(own, "typed_job")).isEqualTo(refused.values());
      FaultMatrix.record("400 type conflict (real gateway)", "refused once, not retried; spooled, delivered once "
          + "the conflicting group is gone", refused.delay());
    }
  }

  @Test
  void anOlderRunNeverOverwritesANewerOneButItsLaterSuccessStillCounts() {
    BatchPush push = to(gateway.uri()).build();
    JobRun older = push.start("order_job");
    clock.advance(Duration.ofSeconds(10));
    JobRun newer = push.start("order_job");
    clock.advance(Duration.ofSeconds(10));
    newer.failed(5).close();
    double newerEnd = clock.seconds();
    // The older run finished first but is only delivered now, e.g. it waited for the spool lock.
    clock.advance(Duration.ofSeconds(-5));
    double olderEnd = clock.seconds();
    clock.deliverLater(Duration.ofSeconds(5));
    older.succeeded().close();

    assertThat(held(gateway, "order_job"))
        .containsEntry("batch_job_exit_code", 5.0)
        .containsEntry("batch_job_last_completion_timestamp_seconds", newerEnd)
        .containsEntry("batch_job_duration_seconds", 10.0)
        .containsEntry("batch_job_last_success_timestamp_seconds", olderEnd);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
