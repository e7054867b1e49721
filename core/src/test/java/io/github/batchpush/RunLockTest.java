package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link BatchPush#lock} and {@link BatchPush#skipped}: the overlap lock of a group's runs, and the skip it records. */
class RunLockTest {
  private static final Instant NOW = Instant.parse("2026-11-26T02:30:00.250Z");

  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path locks;

  @TempDir
  Path textfiles;

  private BatchPush.Builder builder() {
    return BatchPush.builder().gateway(gateway.uri()).noSpool().strict(true).lockDirectory(locks)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void aSecondLockOfTheGroupIsNotAcquiredWhileTheFirstIsHeldAndTellsWhoHoldsIt() {
    BatchPush push = builder().build();
    try (RunLock first = push.lock("nightly", Duration.ZERO)) {
      RunLock second = push.lock("nightly", Duration.ofMillis(100));

      assertThat(first.acquired()).isTrue();
      assertThat(second.acquired()).isFalse();
      assertThat(second.file()).isEqualTo(locks.resolve("nightly.lock"));
      assertThat(second.holder()).isEqualTo("pid " + ProcessHandle.current().pid() + " since 2026-11-26T02:30:00Z");
    }
    try (RunLock again = push.lock("nightly", Duration.ZERO)) {
      assertThat(again.acquired()).as("released by close").isTrue();
    }
  }

  // Review 2, finding 2: `--label a=1 --label b=2` and `--label b=2 --label a=1` took two locks and ran at once.
  @Test
  void theLockOfAGroupDoesNotDependOnTheOrderItsLabelsCameIn() {
    BatchPush teamFirst = builder().label("team", "x").label("env", "p").build();
    BatchPush envFirst = builder().label("env", "p").label("team", "x").build();
    try (RunLock first = teamFirst.lock("locked_job", Duration.ZERO);
        RunLock second = envFirst.lock("locked_job", Duration.ZERO)) {
      assertThat(first.acquired()).isTrue();
      assertThat(second.acquired()).as("the same group's second lock").isFalse();
      assertThat(second.file()).isEqualTo(first.file());
    }
  }

  @Test
  void groupsWithOtherLabelsHaveLocksOfTheirOwn() {
    try (RunLock eu = builder().label("region", "eu/west").build().lock("nightly", Duration.ZERO);
        RunLock us = builder().label("region", "us").build().lock("nightly", Duration.ZERO);
        RunLock plain = builder().build().lock("nightly", Duration.ZERO)) {
      assertThat(eu.acquired()).isTrue();
      assertThat(us.acquired()).isTrue();
      assertThat(plain.acquired()).isTrue();
      assertThat(eu.file().getParent()).isEqualTo(locks);
      assertThat(eu.file().getFileName().toString()).startsWith("nightly-eu_west-").endsWith(".lock");
    }
  }

  @Test
  void aWaitingLockIsAcquiredOnceTheHolderReleasesIt() throws Exception {
    BatchPush push = builder().build();
    RunLock first = push.lock("nightly", Duration.ZERO);
    CompletableFuture.runAsync(first::close, CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));

    try (RunLock second = push.lock("nightly", Duration.ofSeconds(10))) {
      assertThat(second.acquired()).isTrue();
    }
  }

  @Test
  void closingALockTwiceDoesNotLetTwoHoldersIn() {
    BatchPush push = builder().build();
    RunLock first = push.lock("nightly", Duration.ZERO);
    first.close();
    first.close();

    try (RunLock second = push.lock("nightly", Duration.ZERO)) {
      assertThat(second.acquired()).isTrue();
      assertThat(push.lock("nightly", Duration.ZERO).acquired()).isFalse();
    }
  }

  @Test
  void aLockFileLeftBehindDoesNotBlock() throws Exception {
    Files.writeString(locks.resolve("nightly.lock"), "pid 1 since 2020-01-01T00:00:00Z\n");

    try (RunLock lock = builder().build().lock("nightly", Duration.ZERO)) {
      assertThat(lock.acquired()).isTrue();
    }
  }

  @Test
  void aLockDirectoryThatCannotBeCreatedIsRefusedNamingTheVariable() throws Exception {
    Path file = Files.writeString(locks.resolve("not-a-directory"), "");
    BatchPush push = builder().lockDirectory(file.resolve("locks")).build();

    assertThatThrownBy(() -> push.lock("nightly", Duration.ZERO)).isInstanceOf(IllegalStateException.class)
        .hasMessage("Cannot take the lock '" + file.resolve("locks/nightly.lock") + "' (FileSystemException: "
            + file.resolve("locks") + ": Not a directory): set BATCHPUSH_LOCK_DIR to a directory this user can write");
  }

  @Test
  void aLinkWhereTheLockFileShouldBeIsRefused() throws Exception {
    Files.createSymbolicLink(locks.resolve("nightly.lock"), locks.resolve("elsewhere"));

    assertThatThrownBy(() -> builder().build().lock("nightly", Duration.ZERO))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("The lock file '" + locks.resolve("nightly.lock") + "' is not a regular file (a FIFO, directory, "
            + "device or link): remove it, or set BATCHPUSH_LOCK_DIR to another directory");
  }

  @Test
  void theLockDirectoryComesFromTheEnvironmentElseTheStateDirectory() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("XDG_STATE_HOME", "/var/lib/me");
    assertThat(RunLock.defaultDirectory(env)).isEqualTo(Path.of("/var/lib/me/batchpush/locks"));

    env.put("BATCHPUSH_LOCK_DIR", "/run/lock/batchpush");
    assertThat(BatchPush.builder().gateway(gateway.uri()).environment(env).build().lockDirectory())
        .isEqualTo(Path.of("/run/lock/batchpush"));
  }

  @Test
  void aSkipPushesOnlyTheLastSkipAndLeavesTheRestOfTheGroup() {
    BatchPush push = builder().label("team", "ops").build();
    try (JobRun run = push.start("skipped_job")) {
      run.failed(3);
    }
    Map<String, Double> before = withoutGatewayTimes(gateway.group("skipped_job", Map.of("team", "ops")));

    push.skipped("skipped_job");

    Map<String, Double> after = withoutGatewayTimes(gateway.group("skipped_job", Map.of("team", "ops")));
    assertThat(after).containsEntry("batch_job_last_skip_timestamp_seconds", 1795660200.25);
    after.remove("batch_job_last_skip_timestamp_seconds");
    assertThat(after).isEqualTo(before);
  }

  @Test
  void aSkipInATextfileKeepsTheRunAndTheNextRunKeepsTheSkip() throws Exception {
    BatchPush push = BatchPush.builder().textfileDirectory(textfiles).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    try (JobRun run = push.start("local_job")) {
      run.succeeded();
    }

    push.skipped("local_job");
    String skipped = Files.readString(textfiles.resolve("local_job.prom"));
    try (JobRun run = push.start("local_job")) {
      run.failed(2);
    }
    String failed = Files.readString(textfiles.resolve("local_job.prom"));

    assertThat(skipped).contains("batch_job_exit_code{job=\"local_job\"} 0.0\n",
        "batch_job_last_success_timestamp_seconds{job=\"local_job\"} 1.79566020025E9\n",
        "# TYPE batch_job_last_skip_timestamp_seconds gauge\n",
        "batch_job_last_skip_timestamp_seconds{job=\"local_job\"} 1.79566020025E9\n");
    assertThat(failed).contains("batch_job_exit_code{job=\"local_job\"} 2.0\n",
        "batch_job_last_success_timestamp_seconds{job=\"local_job\"} 1.79566020025E9\n",
        "batch_job_last_skip_timestamp_seconds{job=\"local_job\"} 1.79566020025E9\n");
    assertThat(failed.lines().filter(l -> l.startsWith("# TYPE batch_job_exit_code ")).count()).isOne();
  }

  private static Map<String, Double> withoutGatewayTimes(Map<String, Double> group) {
    Map<String, Double> metrics = new LinkedHashMap<>(group);
    metrics.remove("push_time_seconds");
    metrics.remove("push_failure_time_seconds");
    return metrics;
  }
}
