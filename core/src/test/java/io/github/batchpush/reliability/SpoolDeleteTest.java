package io.github.batchpush.reliability;

import static io.github.batchpush.reliability.Runs.held;
import static io.github.batchpush.reliability.Runs.run;
import static io.github.batchpush.reliability.Runs.spooled;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.BatchPush;
import io.github.batchpush.SpoolReport;
import io.github.batchpush.reliability.Runs.Outcome;
import io.github.batchpush.testing.Pushgateway;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deleting a group retires it: runs of it still waiting in the spool must not bring it back at the next flush (review
 * M1: `batchpush delete --job old` then `batchpush flush` re-created the group from its spooled runs).
 */
class SpoolDeleteTest {
  @TempDir
  Path spool;

  final TestClock clock = new TestClock("2026-11-26T06:00:00Z");

  private BatchPush to(URI uri, Duration deadline) {
    return BatchPush.builder().gateway(uri).spoolDirectory(spool).clock(clock).deadline(deadline).build();
  }

  @Test
  void deletingAGroupDropsItsSpooledRunsForThatGatewayAndNoOthers() {
    int port = Pushgateway.freePort();
    URI uri = URI.create("http://127.0.0.1:" + port);
    BatchPush down = to(uri, Duration.ofMillis(300));
    run(down, clock, "retired_job", 0);
    run(down, clock, "retired_job", 1);
    Outcome kept = run(down, clock, "kept_job", 0);
    // The same job with another label is another group: it stays.
    Outcome otherGroup = run(down.newBuilder().label("region", "eu").build(), clock, "retired_job", 0);
    assertThat(spooled(spool)).hasSize(4);

    try (Pushgateway gateway = Pushgateway.startOnPort(port)) {
      BatchPush up = to(uri, Duration.ofSeconds(5));
      int dropped = up.delete("retired_job");

      assertThat(dropped).isEqualTo(2);
      assertThat(spooled(spool)).hasSize(2);

      SpoolReport report = up.flush();
      assertThat(report.delivered()).isEqualTo(2);
      assertThat(report.remaining()).isZero();
      assertThat(gateway.groupAfterDelete("retired_job", Map.of())).isEmpty();
      assertThat(held(gateway, "kept_job")).isEqualTo(kept.values());
      assertThat(gateway.group("retired_job", Map.of("region", "eu"))).containsAllEntriesOf(otherGroup.values());
    }
  }

  @Test
  void aDeleteCreatesNoSpoolDirectory() {
    try (Pushgateway gateway = Pushgateway.start()) {
      Path none = spool.resolve("not-yet");
      BatchPush push = BatchPush.builder().gateway(gateway.uri()).spoolDirectory(none).clock(clock).build();
      run(BatchPush.builder().gateway(gateway.uri()).noSpool().clock(clock).build(), clock, "job_a", 0);

      assertThat(push.delete("job_a")).isZero();
      assertThat(gateway.groupAfterDelete("job_a", Map.of())).isEmpty();
      assertThat(none).doesNotExist();
    }
  }
}
