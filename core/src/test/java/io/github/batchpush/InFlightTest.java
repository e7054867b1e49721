package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run in flight, recorded in the lock file: whole, cut short by a kill, or an older version's journal. */
class InFlightTest {
  @TempDir
  Path dir;

  private static final Push RUN = new Push("batch_job", "flying_job", Map.of("team", "a"), List.of(
      new Push.Sample("batch_job_exit_code", "Exit code.", null, null, 0)), Instant.parse("2026-11-25T12:00:05Z"));

  private FileChannel lockFile() throws Exception {
    return FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
  }

  @Test
  void aRunRecordedInFlightIsReadBackWhole() throws Exception {
    try (FileChannel lock = lockFile()) {
      InFlight.write(lock, RUN, "http://gw:9091");

      InFlight.Content left = InFlight.read(lock);

      assertThat(left.run().push()).isEqualTo(RUN);
      assertThat(left.run().gateway()).isEqualTo("http://gw:9091");
      assertThat(left.cut()).isFalse();
    }
  }

  @Test
  void aClearedLockFileHoldsNothing() throws Exception {
    try (FileChannel lock = lockFile()) {
      InFlight.write(lock, RUN, "http://gw:9091");
      InFlight.clear(lock);

      assertThat(InFlight.read(lock)).isNull();
      assertThat(Files.size(dir.resolve(".lock"))).isZero();
    }
  }

  @Test
  void aRecordCutShortIsToldApartFromAWholeOne() throws Exception {
    try (FileChannel lock = lockFile()) {
      InFlight.write(lock, RUN, "http://gw:9091");
      lock.truncate(lock.size() - 10);

      InFlight.Content left = InFlight.read(lock);

      assertThat(left.cut()).isTrue();
      assertThat(left.run()).isNull();
    }
  }

  @Test
  void anythingElseInTheLockFileIsTheJournalOfTheFirstVersion() throws Exception {
    Files.writeString(dir.resolve(".lock"), "delivered.http\\://gw\\:9091\\ job/a=1,2\n");
    try (FileChannel lock = lockFile()) {
      assertThat(InFlight.read(lock).legacyJournal()).isEqualTo("delivered.http\\://gw\\:9091\\ job/a=1,2\n");
    }
  }
}
