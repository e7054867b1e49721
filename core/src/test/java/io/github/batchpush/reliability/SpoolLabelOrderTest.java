package io.github.batchpush.reliability;

import static io.github.batchpush.reliability.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.BatchPush;
import io.github.batchpush.testing.Pushgateway;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway takes {@code team=x,env=p} and {@code env=p,team=x} for one group; so must the spool's record of what
 * went out, or an older spooled run overwrites a newer one whose labels came in another order (review 2, finding 4:
 * a failed run ended on the gateway as the older success).
 */
class SpoolLabelOrderTest {
  @TempDir
  Path spool;

  @Test
  void anOlderSpooledRunDoesNotOverwriteANewerRunWhoseLabelsCameInAnotherOrder() {
    int port = Pushgateway.freePort();
    URI uri = URI.create("http://127.0.0.1:" + port);
    TestClock clock = new TestClock(Instant.now().toString());
    BatchPush down = BatchPush.builder().gateway(uri).spoolDirectory(spool).clock(clock)
        .deadline(Duration.ofMillis(300)).label("team", "x").label("env", "p").build();
    run(down, clock, "ordered_job", 0);

    try (Pushgateway up = Pushgateway.startOnPort(port)) {
      BatchPush reordered = BatchPush.builder().gateway(uri).spoolDirectory(spool).clock(clock)
          .label("env", "p").label("team", "x").build();
      run(reordered, clock, "ordered_job", 3);
      reordered.flush();

      assertThat(up.value("ordered_job", Map.of("team", "x", "env", "p"), "batch_job_exit_code")).isEqualTo(3.0);
    }
  }
}
