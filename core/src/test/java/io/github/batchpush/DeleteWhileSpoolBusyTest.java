package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.batchpush.testing.Pushgateway;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delete that cannot drop the group's spooled runs must not report the group as gone: the next flush would bring it
 * back (review 2, finding 6: `batchpush delete` said "deleted group" and exited 0).
 */
class DeleteWhileSpoolBusyTest {
  @TempDir
  Path spool;

  private long spooledRuns() throws Exception {
    try (Stream<Path> files = Files.walk(spool)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".run")).count();
    }
  }

  @Test
  void aDeleteWhoseSpooledRunsCannotBeDroppedFailsSayingTheGroupWillComeBack() throws Exception {
    int port = Pushgateway.freePort();
    URI uri = URI.create("http://127.0.0.1:" + port);
    JobRun run = BatchPush.builder().gateway(uri).spoolDirectory(spool).deadline(Duration.ofMillis(300)).build()
        .start("busy_job");
    run.succeeded();
    run.close();
    assertThat(spooledRuns()).isEqualTo(1);

    try (Pushgateway up = Pushgateway.startOnPort(port);
        LockFile.Held flushing = LockFile.acquire(spool.resolve(".lock"), System.nanoTime(),
            SpoolFiles.ownerOnlyFile())) {
      up.request("POST", "/metrics/job/busy_job", "x 1\n");
      BatchPush push = BatchPush.builder().gateway(uri).spoolDirectory(spool).deadline(Duration.ofSeconds(1)).build();

      assertThat(flushing).as("the spool's lock, held as a long replay would").isNotNull();
      assertThatThrownBy(() -> push.delete("busy_job")).isInstanceOf(PushException.class)
          .hasMessage("the group {job=\"busy_job\"} was deleted from " + uri + ", but its runs spooled in " + spool
              + " were not dropped (another delivery holds the spool's lock): the next flush sends them and brings "
              + "the group back; delete it again once the spool is free");
      assertThat(up.groupAfterDelete("busy_job", Map.of())).isEmpty();
      assertThat(spooledRuns()).isEqualTo(1);
    }
  }

  // Review 3, finding 4: with the spool busy, delete failed even when no run of the group was spooled.
  @Test
  void withTheSpoolBusyButNoRunOfTheGroupSpooledTheDeleteSucceeds() throws Exception {
    try (Pushgateway up = Pushgateway.start();
        LockFile.Held flushing = LockFile.acquire(Files.createDirectories(spool).resolve(".lock"), System.nanoTime(),
            SpoolFiles.ownerOnlyFile())) {
      up.request("POST", "/metrics/job/idle_job", "x 1\n");
      BatchPush push = BatchPush.builder().gateway(up.uri()).spoolDirectory(spool).deadline(Duration.ofSeconds(1))
          .build();

      assertThat(push.delete("idle_job")).isZero();
      assertThat(up.groupAfterDelete("idle_job", Map.of())).isEmpty();
    }
  }
}
