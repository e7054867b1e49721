package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BatchPush#spoolBacklog()}: what waits in the spool, for this gateway and for others, counted without
 * sending, writing, moving or deleting anything.
 */
class SpoolBacklogTest {
  private static final String HERE = "http://127.0.0.1:1";
  private static final String ELSEWHERE = "http://127.0.0.1:2/pgw";

  @TempDir
  Path dir;

  private Path spool() {
    return dir.resolve("spool");
  }

  private BatchPush push() {
    return BatchPush.builder().gateway(URI.create(HERE)).spoolDirectory(spool()).build();
  }

  private static Push run(String job) {
    return new Push("batch_job", job, Map.of(), List.of(new Push.Sample("batch_job_exit_code", "h", null, null, 0)),
        Instant.parse("2026-11-25T12:00:00Z"));
  }

  private Path spoolFor(String gateway, String job) throws IOException {
    return SpoolQueue.of(spool(), gateway).write(run(job));
  }

  /** Every file and directory under the spool, with its modification time. */
  private Map<Path, FileTime> tree() throws IOException {
    Map<Path, FileTime> tree = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.toList()) {
        tree.put(p, Files.getLastModifiedTime(p));
      }
    }
    return tree;
  }

  @Test
  void countsTheRunsWaitingForThisGatewayAndForEachOther() throws Exception {
    spoolFor(HERE, "a");
    spoolFor(HERE, "b");
    spoolFor(ELSEWHERE, "c");

    SpoolReport backlog = push().spoolBacklog();

    assertThat(backlog.remaining()).isEqualTo(2);
    assertThat(backlog.otherGateways()).isEqualTo(Map.of(URI.create(ELSEWHERE), 1));
    assertThat(backlog.delivered()).isZero();
    assertThat(backlog.failure()).isNull();
  }

  @Test
  void changesNothingInTheSpoolNotEvenAFileAKilledWriterLeftLongAgo() throws Exception {
    Path queue = spoolFor(HERE, "a").getParent();
    Path abandoned = Files.writeString(queue.resolve(SpoolFiles.TEMPORARY_PREFIX + "killed"), "half a run");
    Files.setLastModifiedTime(abandoned, FileTime.from(Instant.now().minusSeconds(86_400)));
    spoolFor(ELSEWHERE, "c");
    Map<Path, FileTime> before = tree();

    push().spoolBacklog();

    assertThat(tree()).isEqualTo(before);
  }

  @Test
  void aSpoolDirectoryThatDoesNotExistYetIsEmptyAndIsNotCreated() {
    SpoolReport backlog = push().spoolBacklog();

    assertThat(backlog.remaining()).isZero();
    assertThat(backlog.otherGateways()).isEmpty();
    assertThat(spool()).doesNotExist();
  }

  @Test
  void withoutASpoolNothingWaits() {
    SpoolReport backlog = push().newBuilder().noSpool().build().spoolBacklog();

    assertThat(backlog.remaining()).isZero();
    assertThat(backlog.otherGateways()).isEmpty();
  }

  @Test
  void theRunAKilledDeliveryLeftInTheJournalCountsForItsGateway() throws Exception {
    Files.createDirectories(spool());
    try (LockFile.Held held = LockFile.acquire(spool().resolve(".lock"), System.nanoTime() + 1_000_000_000L)) {
      Journal.read(held.channel()).writeInFlight(run("killed_mid_push"), ELSEWHERE);
    }

    SpoolReport backlog = push().spoolBacklog();

    assertThat(backlog.otherGateways()).isEqualTo(Map.of(URI.create(ELSEWHERE), 1));
  }

  @Test
  void whileADeliveryHoldsTheLockItsFilesStillCountAndItsRunInFlightDoesNot() throws Exception {
    spoolFor(HERE, "a");
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch counted = new CountDownLatch(1);
    CompletableFuture<Void> delivery = CompletableFuture.runAsync(() -> {
      try (LockFile.Held held = LockFile.acquire(spool().resolve(".lock"), System.nanoTime() + 1_000_000_000L)) {
        Journal.read(held.channel()).writeInFlight(run("being_sent"), HERE);
        holding.countDown();
        counted.await(10, TimeUnit.SECONDS);
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

    SpoolReport backlog = push().spoolBacklog();
    boolean stillHeld = !delivery.isDone();
    counted.countDown();
    delivery.get(10, TimeUnit.SECONDS);

    assertThat(stillHeld).as("counted without waiting for the lock").isTrue();
    assertThat(backlog.remaining()).isEqualTo(1);
  }

  @Test
  void runsAnOlderVersionLeftAtTheTopCountForTheGatewayTheyNameOrElseForThisOne() throws Exception {
    Files.createDirectories(spool());
    writeLegacyRun("001764072000000000000-1-1-a.run", ELSEWHERE);
    writeLegacyRun("001764072000000000000-1-2-b.run", null);
    Files.writeString(spool().resolve("001764072000000000000-1-3-c.run"), "not a run");

    SpoolReport backlog = push().spoolBacklog();

    assertThat(backlog.remaining()).isEqualTo(1);
    assertThat(backlog.otherGateways()).isEqualTo(Map.of(URI.create(ELSEWHERE), 1));
  }

  private void writeLegacyRun(String name, String gateway) throws IOException {
    Properties p = new Properties();
    SpoolFiles.toProperties(p, run("legacy"), gateway, "");
    Files.writeString(spool().resolve(name), SpoolFiles.format(p));
  }
}
