package io.github.batchpush.reliability;

import static io.github.batchpush.reliability.Runs.deliveredLater;
import static io.github.batchpush.reliability.Runs.held;
import static io.github.batchpush.reliability.Runs.merged;
import static io.github.batchpush.reliability.Runs.run;
import static io.github.batchpush.reliability.Runs.spooled;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.BatchPush;
import io.github.batchpush.reliability.Runs.Outcome;
import io.github.batchpush.testing.FaultServer;
import io.github.batchpush.testing.FaultServer.Fault;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed with SIGKILL anywhere in a delivery loses nothing and lets no older run land on a newer one: the
 * delivered-index is on disk before a spooled run's file goes, and a file is only ever sent again after whatever is
 * older. The kill comes from outside at a moment a fault server makes certain, or from the checkpoint a test names.
 */
class SpoolKillTest {
  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path work;

  Path spool;

  /** Near the real time: the child processes judge the runs' age by their own clock. */
  final TestClock clock = new TestClock(Instant.now().minus(Duration.ofHours(1)).toString());

  final int port = Pushgateway.freePort();
  final URI url = URI.create("http://127.0.0.1:" + port);

  @BeforeEach
  void spoolInTheWorkDirectory() {
    spool = work.resolve("spool");
  }

  /** A run through the spool while nothing listens on {@link #url}: it is spooled. */
  private Outcome spoolWhileDown(String job, int exitCode) {
    BatchPush down = BatchPush.builder().gateway(url).spoolDirectory(spool).clock(clock)
        .deadline(Duration.ofMillis(300)).build();
    Outcome outcome = run(down, clock, job, exitCode);
    clock.advance(Duration.ofMinutes(1));
    return outcome;
  }

  private String flush(Duration deadline) {
    return BatchPush.builder().gateway(url).spoolDirectory(spool).deadline(deadline).build().flush().toString();
  }

  private static void killHard(Process child) throws Exception {
    // The shell's built-in kill: a real SIGKILL, without needing procps's /bin/kill on a minimal image.
    assertThat(new ProcessBuilder("sh", "-c", "kill -KILL " + child.pid()).start().waitFor(10, TimeUnit.SECONDS))
        .isTrue();
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).isEqualTo(128 + 9);
  }

  private static void awaitKilledAtCheckpoint(Process child, Path log) throws Exception {
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child reached its checkpoint").isTrue();
    assertThat(child.exitValue()).as(Files.readString(log)).isEqualTo(128 + 9);
    assertThat(Files.readString(log)).contains("checkpoint ");
  }

  @Test
  void aSigkillInTheMiddleOfAReplayNeverLetsAnOlderRunLandLaterOnANewerOne() throws Exception {
    clock.advance(Duration.ofMinutes(10));
    Outcome newer = spoolWhileDown("order_job", 2);
    try (FaultServer front = FaultServer.startOnPort(port, gateway.uri(), List.of(Fault.pass(), Fault.hang()))) {
      Path log = work.resolve("job.log");
      // A job of another group delivers its run and replays the spool, and is killed in its second push: whichever
      // went first, a run that went out must stay on top of anything older spooled later.
      Process child = Children.start(log, "job", url.toString(), spool.toString(), "bystander_job", "0", "60000");
      try {
        assertThat(front.awaitRequests(2, 30_000)).as("one push went through, the second hangs").isTrue();
        killHard(child);
      } finally {
        child.destroyForcibly();
      }
      // An older run of the same group, spooled meanwhile, as by a process that gave up waiting for the lock.
      clock.advance(Duration.ofMinutes(-20));
      spoolWhileDownThrough(front, "order_job", 7);
      front.recover();

      flush(Duration.ofSeconds(10));

      assertThat(held(gateway, "order_job")).isEqualTo(newer.values());
      assertThat(spooled(spool)).isEmpty();
    }
  }

  /** A run spooled while {@code front} hangs: its delivery gives up at a short deadline. */
  private void spoolWhileDownThrough(FaultServer front, String job, int exitCode) {
    run(BatchPush.builder().gateway(front.uri()).spoolDirectory(spool).clock(clock)
        .deadline(Duration.ofMillis(300)).build(), clock, job, exitCode);
  }

  @Test
  void aSigkillRightAfterASpooledRunWentLeavesItsRecordSoNoOlderRunLandsOnIt() throws Exception {
    clock.advance(Duration.ofMinutes(10));
    Outcome newer = spoolWhileDown("recorded_first_job", 2);
    try (Pushgateway up = Pushgateway.startOnPort(port)) {
      Path log = work.resolve("flush.log");
      // Sent, recorded, its file deleted: killed before the flush could end (and, with 0.1, write its index).
      awaitKilledAtCheckpoint(Children.startKilledAt(log, "deleted#1", "flush", url.toString(), spool.toString(),
          "60000"), log);
      assertThat(spooled(spool)).isEmpty();
      clock.advance(Duration.ofMinutes(-20));
      // An older run of the group, delivered after the kill: the record says it is no news.
      deliveredLater(BatchPush.builder().gateway(url).spoolDirectory(spool).clock(clock).build(), clock,
          "recorded_first_job", 7, Duration.ofMinutes(20));
      flush(Duration.ofSeconds(10));

      assertThat(held(up, "recorded_first_job")).isEqualTo(newer.values());
    }
  }

  @Test
  void aSigkillAfterASendBeforeItIsRecordedSendsTheRunAgainAfterEverythingOlder() throws Exception {
    clock.advance(Duration.ofMinutes(10));
    Outcome newer = spoolWhileDown("resent_job", 2);
    try (Pushgateway up = Pushgateway.startOnPort(port)) {
      Path log = work.resolve("flush.log");
      awaitKilledAtCheckpoint(Children.startKilledAt(log, "sent#1", "flush", url.toString(), spool.toString(),
          "60000"), log);
      assertThat(held(up, "resent_job")).isEqualTo(newer.values());
      assertThat(spooled(spool)).hasSize(1);
      clock.advance(Duration.ofMinutes(-20));
      // An older run of the group goes out ahead of the spool (nothing recorded says it is older), and its
      // delivery then replays the newer one again, on top of it.
      Outcome older = runThrough(up.uri(), "resent_job", 7);

      assertThat(held(up, "resent_job")).isEqualTo(merged(older.values(), newer.values()));
      assertThat(spooled(spool)).isEmpty();
    }
  }

  private Outcome runThrough(URI gatewayUri, String job, int exitCode) {
    return run(BatchPush.builder().gateway(gatewayUri).spoolDirectory(spool).clock(clock)
        .deadline(Duration.ofSeconds(5)).build(), clock, job, exitCode);
  }

  @Test
  void aSigkillAfterTheIndexRecordedARunBeforeItsFileWentNeverSendsItOverANewerOne() throws Exception {
    clock.advance(Duration.ofMinutes(10));
    spoolWhileDown("recorded_job", 2);
    try (Pushgateway up = Pushgateway.startOnPort(port)) {
      Path log = work.resolve("flush.log");
      awaitKilledAtCheckpoint(Children.startKilledAt(log, "indexed#1", "flush", url.toString(), spool.toString(),
          "60000"), log);
      assertThat(spooled(spool)).hasSize(1);
      clock.advance(Duration.ofMinutes(5));
      Outcome newest = run(BatchPush.builder().gateway(url).spoolDirectory(spool).clock(clock).build(), clock,
          "recorded_job", 4);

      assertThat(held(up, "recorded_job")).isEqualTo(newest.values());
      assertThat(spooled(spool)).isEmpty();
    }
  }

  @Test
  void aSigkillAfterTheRunIsSpooledBeforeItIsSentLeavesItForTheNextDelivery() throws Exception {
    try (Pushgateway up = Pushgateway.startOnPort(port)) {
      Path log = work.resolve("job.log");
      awaitKilledAtCheckpoint(Children.startKilledAt(log, "own-spooled", "job", url.toString(), spool.toString(),
          "killed_before_send_job", "3", "60000"), log);
      assertThat(up.group("killed_before_send_job", java.util.Map.of())).isEmpty();
      // Recorded in flight in the lock file; the next delivery spools it, and sends it.
      assertThat(Files.size(spool.resolve(".lock"))).isPositive();

      assertThat(flush(Duration.ofSeconds(10))).startsWith("delivered 1, remaining 0");
      assertThat(up.value("killed_before_send_job", java.util.Map.of(), "batch_job_exit_code")).isEqualTo(3.0);
    }
  }

  @Test
  void aSigkillWhileTheJournalMovesToTheIndexLosesNoneOfWhatItKnew() throws Exception {
    try (Pushgateway up = Pushgateway.startOnPort(port)) {
      // 64 deliveries: the next lock, the child's, moves the journal's records to the index's links.
      BatchPush push = BatchPush.builder().gateway(url).spoolDirectory(spool).clock(clock).build();
      Outcome newest = null;
      for (int i = 0; i < 64; i++) {
        clock.advance(Duration.ofMinutes(1));
        newest = run(push, clock, i % 2 == 0 ? "journaled_job" : "other_journaled_job", i % 5);
      }
      Path log = work.resolve("flush.log");
      // Killed after the first link of the move, before the journal is emptied.
      awaitKilledAtCheckpoint(Children.startKilledAt(log, "index-linked#1", "flush", url.toString(),
          spool.toString(), "60000"), log);
      clock.advance(Duration.ofHours(-2));
      deliveredLater(push, clock, "other_journaled_job", 7, Duration.ofHours(2));

      // The older run is no news: the journal still knows what went out.
      assertThat(held(up, "other_journaled_job")).containsAllEntriesOf(newest.values());
    }
  }
}
