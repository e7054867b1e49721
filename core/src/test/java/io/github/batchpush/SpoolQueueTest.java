package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One gateway's directory in the spool: its name, its runs oldest first, and its tidying. */
class SpoolQueueTest {
  @TempDir
  Path spool;

  final SpoolProblems problems = new SpoolProblems();

  private static Push run(Instant finished) {
    return new Push("batch_job", "queue_job", Map.of(), List.of(new Push.Sample("batch_job_exit_code", "h", null,
        null, 0)), finished);
  }

  @Test
  void aGatewaysQueueIsNamedAfterItsHostAndPortAndAHashOfItsWholeUrl() {
    assertThat(SpoolQueue.directoryName("http://127.0.0.1:9091")).matches("127\\.0\\.0\\.1_9091-[0-9a-f]{16}");
    assertThat(SpoolQueue.directoryName("http://127.0.0.1:9091/pgw"))
        .isNotEqualTo(SpoolQueue.directoryName("http://127.0.0.1:9091"));
    assertThat(SpoolQueue.isQueueName(SpoolQueue.directoryName("https://gw.example"))).isTrue();
    assertThat(SpoolQueue.isQueueName("corrupt")).isFalse();
  }

  @Test
  void runsAreListedOldestFirstWithoutFilesBeingWritten() throws Exception {
    SpoolQueue queue = SpoolQueue.of(spool, "http://gw:9091");
    queue.create();
    Path newer = queue.write(run(Instant.parse("2026-11-25T12:00:00Z")));
    Path older = queue.write(run(Instant.parse("2026-11-25T11:00:00Z")));
    Files.writeString(queue.directory().resolve(".tmp-being-written"), "half");

    assertThat(queue.runs()).containsExactly(older, newer);
  }

  @Test
  void anExistingQueueTellsItsGatewayFromItsFileOrElseFromARun() throws Exception {
    SpoolQueue queue = SpoolQueue.of(spool, "http://gw:9091/pgw");
    queue.write(run(Instant.now()));

    assertThat(SpoolQueue.existing(queue.directory()).gateway()).isEqualTo("http://gw:9091/pgw");
    Files.delete(queue.directory().resolve(SpoolQueue.GATEWAY_FILE));
    assertThat(SpoolQueue.existing(queue.directory()).gateway()).isEqualTo("http://gw:9091/pgw");
  }

  @Test
  void anotherGatewaysQueueLosesItsRunsPastTheAgeLimitAndGoesOnceEmpty() throws Exception {
    SpoolQueue queue = SpoolQueue.of(spool, "http://gw:9091");
    Instant now = Instant.parse("2026-11-25T12:00:00Z");
    queue.write(run(now.minus(Duration.ofDays(8))));

    assertThat(queue.tidyIfDue(now, Duration.ofDays(7), true, problems)).isTrue();

    assertThat(queue.directory()).doesNotExist();
  }

  @Test
  void aQueueIsTidiedAtMostOnceAnHour() throws Exception {
    SpoolQueue queue = SpoolQueue.of(spool, "http://gw:9091");
    Instant now = Instant.parse("2026-11-25T12:00:00Z");
    queue.write(run(now));

    assertThat(queue.tidyIfDue(now, Duration.ofDays(7), false, problems)).isTrue();
    assertThat(queue.tidyIfDue(now.plus(Duration.ofMinutes(59)), Duration.ofDays(7), false, problems)).isFalse();
    assertThat(queue.tidyIfDue(now.plus(Duration.ofMinutes(61)), Duration.ofDays(7), false, problems)).isTrue();
    assertThat(Files.getLastModifiedTime(queue.directory().resolve(".tidied")))
        .isEqualTo(FileTime.from(now.plus(Duration.ofMinutes(61))));
  }
}
