package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal in the lock file: the run in flight, the index's latest records, and what a kill leaves of them. */
class JournalTest {
  @TempDir
  Path dir;

  private static final Push RUN = new Push("batch_job", "flying_job", Map.of("team", "a"), List.of(
      new Push.Sample("batch_job_exit_code", "Exit code.", null, null, 0)), Instant.parse("2026-11-25T12:00:05Z"));
  private static final DeliveredEntry ENTRY = DeliveredEntry.NONE.with(RUN, RUN.finishedAt);

  private FileChannel lockFile() throws Exception {
    return FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
  }

  @Test
  void aRunLeftInFlightIsReadBackWhole() throws Exception {
    try (FileChannel lock = lockFile()) {
      Journal.read(lock).writeInFlight(RUN, "http://gw:9091");

      Journal after = Journal.read(lock);

      assertThat(after.leftInFlight().push()).isEqualTo(RUN);
      assertThat(after.leftInFlight().gateway()).isEqualTo("http://gw:9091");
      assertThat(after.leftCut()).isFalse();
    }
  }

  @Test
  void theRecordOfItsDeliveryTakesThePlaceOfTheRunInFlight() throws Exception {
    try (FileChannel lock = lockFile()) {
      Journal journal = Journal.read(lock);
      journal.writeInFlight(RUN, "http://gw:9091");
      journal.recordDelivered("q-1/abc", ENTRY);

      Journal after = Journal.read(lock);

      assertThat(after.leftInFlight()).isNull();
      assertThat(after.delivered("q-1/abc")).isEqualTo(ENTRY);
    }
  }

  @Test
  void aRecordCutShortIsIgnoredWithAllAfterItAndTheRecordsBeforeItHold() throws Exception {
    try (FileChannel lock = lockFile()) {
      Journal journal = Journal.read(lock);
      journal.recordDelivered("q-1/abc", ENTRY);
      journal.writeInFlight(RUN, "http://gw:9091");
      lock.truncate(lock.size() - 10);

      Journal after = Journal.read(lock);

      assertThat(after.leftCut()).isTrue();
      assertThat(after.leftInFlight()).isNull();
      assertThat(after.delivered("q-1/abc")).isEqualTo(ENTRY);
      after.dropLeftovers();
      assertThat(Journal.read(lock).leftCut()).isFalse();
    }
  }

  @Test
  void anythingWithoutTheHeaderIsTheJournalOfTheFirstVersion() throws Exception {
    Files.writeString(dir.resolve(".lock"), "delivered.http\\://gw\\:9091\\ job/a=1,2\n");
    try (FileChannel lock = lockFile()) {
      Journal journal = Journal.read(lock);

      assertThat(journal.legacyText()).isEqualTo("delivered.http\\://gw\\:9091\\ job/a=1,2\n");
      journal.dropLeftovers();
      assertThat(lock.size()).isZero();
    }
  }

  @Test
  void itsRecordsMoveToTheLinksOnceEnoughGatheredAndTheJournalEmpties() throws Exception {
    try (FileChannel lock = lockFile()) {
      Journal journal = Journal.read(lock);
      for (int i = 0; i < Journal.COMPACT_AT; i++) {
        journal.recordDelivered("q-1/" + (i % 3), ENTRY);
      }
      Journal due = Journal.read(lock);
      assertThat(due.dueForCompaction()).isTrue();
      Map<String, DeliveredEntry> linked = new HashMap<>();

      due.compactInto(linked::put);

      assertThat(linked).containsOnlyKeys("q-1/0", "q-1/1", "q-1/2");
      assertThat(lock.size()).isZero();
    }
  }
}
