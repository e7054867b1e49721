package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How run files are named, written and read: sortable names, no half-written file, bounded reads. */
class SpoolFilesTest {
  @TempDir
  Path dir;

  private static Push push(Instant finished) {
    return new Push("batch_job", "files_job", Map.of("team", "a b/c"), List.of(new Push.Sample(
        "batch_job_exit_code", "Exit code.", null, null, 3), new Push.Sample("batch_job_step_items_read", "Items.",
        "step", "load", 12.5)), finished);
  }

  @Test
  void aRunFileNamesTheTimeItsRunFinishedSoNamesSortOldestFirst() throws Exception {
    Instant t = Instant.parse("2026-11-25T12:00:05.123456789Z");

    Path file = SpoolFiles.writeRun(dir, push(t), "http://gw:9091");

    assertThat(file.getFileName().toString()).startsWith("001795608005123456789-").endsWith(".run");
    assertThat(SpoolFiles.finishedAt(file.getFileName().toString())).isEqualTo(t);
    assertThat(SpoolFiles.finishedAt("not-a-run.run")).isNull();
  }

  @Test
  void aRunSurvivesBeingWrittenAndReadWithItsGateway() throws Exception {
    Push run = push(Instant.parse("2026-11-25T12:00:05Z"));

    SpoolFiles.Run read = SpoolFiles.readRun(SpoolFiles.writeRun(dir, run, "http://gw:9091/pgw"));

    assertThat(read.push()).isEqualTo(run);
    assertThat(read.gateway()).isEqualTo("http://gw:9091/pgw");
  }

  @Test
  void aRunSpooledByTheFirstVersionIsStillRead() throws Exception {
    Path file = Files.writeString(dir.resolve("001795608005000000000-4711-1-ab.run"), String.join("\n",
        "finishedAt=2026-11-25T12\\:00\\:05Z", "gateway=http\\://gw\\:9091", "job=old_job",
        "sample.0.help=Exit code.", "sample.0.name=batch_job_exit_code", "sample.0.value=2.0", "version=1", ""));

    SpoolFiles.Run read = SpoolFiles.readRun(file);

    assertThat(read.push().group()).isEqualTo("{job=\"old_job\"}");
    assertThat(read.push().metricPrefix).isEqualTo("batch_job");
    assertThat(read.gateway()).isEqualTo("http://gw:9091");
  }

  @Test
  void aWriteThatFailsLeavesNoFileBehind() throws Exception {
    Path missing = dir.resolve("missing");

    assertThatThrownBy(() -> SpoolFiles.writeRun(missing, push(Instant.now()), "http://gw:9091"))
        .isInstanceOf(java.nio.file.NoSuchFileException.class);
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.collect(Collectors.toList())).isEmpty();
    }
  }

  @Test
  void aFifoIsRefusedWithoutBeingOpened() throws Exception {
    Path fifo = dir.resolve("fifo.run");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

    CompletableFuture<Throwable> read = CompletableFuture.supplyAsync(() -> {
      try {
        SpoolFiles.readRun(fifo);
        return null;
      } catch (Exception e) {
        return e;
      }
    });

    assertThat(read.get(5, TimeUnit.SECONDS)).isInstanceOf(SpoolFiles.UnreadableException.class)
        .hasMessage("not a regular file (a FIFO, socket or device)");
  }

  @Test
  void aLinkIsRefusedWithoutBeingFollowed() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("zero.run"), Paths.get("/dev/zero"));

    assertThatThrownBy(() -> SpoolFiles.readRun(link)).isInstanceOf(SpoolFiles.UnreadableException.class)
        .hasMessage("not a regular file (a symbolic link)");
  }

  @Test
  void aFileLargerThanAnyRunIsRefusedUnread() throws Exception {
    Path large = dir.resolve("large.run");
    try (RandomAccessFile sparse = new RandomAccessFile(large.toFile(), "rw")) {
      sparse.setLength(SpoolFiles.MAX_RUN_BYTES + 1L);
    }

    assertThatThrownBy(() -> SpoolFiles.readRun(large)).isInstanceOf(SpoolFiles.UnreadableException.class)
        .hasMessage("too large (4194305 bytes; a spool file has at most 4194304)");
  }

  @Test
  void aRunThatSimpleclientWouldRefuseIsMalformedWhenRead() throws Exception {
    Push bad = new Push("batch_job", "bad_job", Map.of(), List.of(new Push.Sample("bad name", "h", null, null, 1)),
        Instant.now());

    Path file = SpoolFiles.writeRun(dir, bad, "http://gw:9091");

    assertThatThrownBy(() -> SpoolFiles.readRun(file)).isInstanceOf(SpoolFiles.UnreadableException.class)
        .hasMessageStartingWith("malformed (");
  }

  @Test
  void hashesOfDifferentKeysDifferAndKeepTheirLength() {
    assertThat(SpoolFiles.hash("http://gw:9091 job/a")).hasSize(16).isNotEqualTo(SpoolFiles.hash("http://gw:9091 "
        + "job/b")).isEqualTo(SpoolFiles.hash("http://gw:9091 job/a"));
  }
}
