package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.reliability.TestClock;
import io.github.batchpush.testing.FaultServer;
import io.github.batchpush.testing.FaultServer.Fault;
import io.github.batchpush.testing.Pushgateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A delivery problem is one log line naming gateway, job and cause, and never a secret. */
class DeliveryLogTest {
  private static String stderrOf(Runnable r) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void anUnreachableGatewayIsLoggedOnOneLineWithoutTheSecret() {
    URI closed = URI.create("http://127.0.0.1:" + Pushgateway.freePort());
    BatchPush push = BatchPush.builder().gateway(closed).basicAuth("pusher", "hunter2-secret")
        .deadline(Duration.ofMillis(600)).noSpool().build();
    String log = stderrOf(() -> push.start("logged_job").succeeded().close());
    assertThat(log.lines().filter(l -> l.contains("batchpush:"))).singleElement().asString()
        .contains("WARN io.github.batchpush.BatchPush - batchpush: push of {job=\"logged_job\"} to " + closed
            + " failed: unreachable (ConnectException: Connection refused)")
        .doesNotContain("hunter2-secret");
  }

  @Test
  void inStrictModeAFailedPushAtStartIsLoggedNotThrownAndTheRunKeepsItsStartTime() throws Exception {
    try (Pushgateway gateway = Pushgateway.start();
        FaultServer refusingFirst = FaultServer.start(gateway.uri(), Fault.status(403), Fault.pass())) {
      TestClock clock = new TestClock("2026-11-25T14:00:00Z");
      double started = clock.seconds();
      BatchPush push = BatchPush.builder().gateway(refusingFirst.uri()).pushAtStart(true).strict(true).noSpool()
          .clock(clock).build();

      JobRun[] run = new JobRun[1];
      String log = stderrOf(() -> run[0] = push.start("strict_start_job"));
      clock.advance(Duration.ofSeconds(7));
      run[0].succeeded().close();

      assertThat(log).contains("batchpush: push of {job=\"strict_start_job\"}").contains("(403)");
      assertThat(gateway.group("strict_start_job", java.util.Map.of()))
          .containsEntry("batch_job_last_start_timestamp_seconds", started)
          .containsEntry("batch_job_duration_seconds", 7.0);
    }
  }

  @Test
  void aPushAtStartWithoutAGatewayWritesNoErrorForTheTextfileOnlySetUp(@TempDir Path textfiles) {
    BatchPush push = BatchPush.builder().textfileDirectory(textfiles).pushAtStart(true).build();

    String log = stderrOf(() -> push.start("textfile_only_job").succeeded().close());

    assertThat(log).isEmpty();
    assertThat(textfiles.resolve("textfile_only_job.prom")).exists();
  }

  @Test
  void aRejectionShowsOnlyTheFirstLineOfTheBodyAndNoCredentialsAProxyEchoed() {
    try (FaultServer proxy = FaultServer.start(null, Fault.echo(400))) {
      BatchPush push = BatchPush.builder().gateway(proxy.uri()).basicAuth("ops", "pw-S3CRET-4").noSpool().build();
      String log = stderrOf(() -> push.start("echoed_job").failed(4).close());
      assertThat(log.lines().filter(l -> l.contains("batchpush:"))).singleElement().asString()
          .contains("failed: gateway rejected the metrics (400): upstream refused POST /metrics/job/echoed_job "
              + "HTTP/1.1 sent with Authorization: ***")
          .doesNotContain("S3CRET").doesNotContain("b3Bz").doesNotContain("padding");
    }
  }

  @Test
  void aRejectionIsLoggedWithTheGatewaysReason() {
    try (FaultServer refusing = FaultServer.start(null, Fault.status(400))) {
      BatchPush push = BatchPush.builder().gateway(refusing.uri()).bearerToken("tok-secret-123").noSpool().build();
      String log = stderrOf(() -> push.start("rejected_job").failed(4).close());
      assertThat(log).contains("batchpush: push of {job=\"rejected_job\"} to " + refusing.uri()
          + " failed: gateway rejected the metrics (400): fault injected: HTTP 400").doesNotContain("tok-secret-123");
    }
  }
}
