package io.github.batchpush.reliability;

import static io.github.batchpush.reliability.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.BatchPush;
import io.github.batchpush.SpoolReport;
import io.github.batchpush.testing.FaultServer;
import io.github.batchpush.testing.FaultServer.Fault;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one delivery says about the spool: at most one {@code batchpush:} line per kind of problem; a spooled run is
 * named as a spooled run, never taken for the run just finished; and a deadline used up by the replay is said to be
 * that, not blamed on the gateway.
 */
class SpoolMessagesTest {
  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path spool;

  final TestClock clock = new TestClock(Instant.now().minus(Duration.ofHours(1)).toString());
  final int port = Pushgateway.freePort();
  final URI url = URI.create("http://127.0.0.1:" + port);

  private void spoolWhileDown(String... jobs) {
    BatchPush down = BatchPush.builder().gateway(url).spoolDirectory(spool).clock(clock)
        .deadline(Duration.ofMillis(300)).build();
    for (String job : jobs) {
      run(down, clock, job, 0);
    }
  }

  /** Runs a job in its own JVM (log level warn, as a CLI user sees it); its {@code batchpush:} lines. */
  private List<String> jobLines(URI gatewayUrl, String job, int exitCode, long deadlineMillis) throws Exception {
    Process child = Children.startAfter("true", "job", gatewayUrl.toString(), spool.toString(), job,
        String.valueOf(exitCode), String.valueOf(deadlineMillis));
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(output).isEqualTo(exitCode);
    return output.lines().filter(l -> l.contains("batchpush:")).collect(Collectors.toList());
  }

  @Test
  void aThousandUnreadableFilesInTheSpoolAreOneLineWithTheirCount() throws Exception {
    Files.createDirectories(spool);
    for (int i = 0; i < 1000; i++) {
      Files.writeString(spool.resolve(String.format("%021d-garbage.run", i)), "not a run " + i);
    }

    List<String> lines = jobLines(gateway.uri(), "after_garbage_job", 0, 5000);

    assertThat(lines).singleElement().asString().contains("batchpush: 1000 spool files moved to "
        + spool.resolve("corrupt") + "/ (the first, spooled run 000000000000000000000-garbage.run: unreadable (");
    assertThat(gateway.value("after_garbage_job", Map.of(), "batch_job_exit_code")).isEqualTo(0.0);
  }

  @Test
  void aFailureOfTheRunJustFinishedNamesItNotASpooledRunOfAnotherJob() throws Exception {
    spoolWhileDown("older_job");
    try (FaultServer hang = FaultServer.startOnPort(port, gateway.uri(), List.of(Fault.hang()))) {
      List<String> lines = jobLines(url, "new_job", 3, 1500);

      assertThat(lines).singleElement().asString().contains("batchpush: push of {job=\"new_job\"}")
          .contains("run spooled to").doesNotContain("older_job");
    }
  }

  @Test
  void aRefusedSpooledRunIsNamedAsASpooledRunWithItsGroupAndFinishTime() throws Exception {
    spoolWhileDown("refused_older_job");
    try (FaultServer proxy = FaultServer.startOnPort(port, gateway.uri(),
        List.of(Fault.pass(), Fault.status(403)))) {
      List<String> lines = jobLines(url, "accepted_new_job", 0, 3000);

      assertThat(lines).singleElement().asString()
          .contains("batchpush: spooled run {job=\"refused_older_job\"} of ")
          .contains(" refused: ").contains("(403)").contains("it stays spooled, the other groups go on")
          .doesNotContain("accepted_new_job");
    }
  }

  @Test
  void aRunAheadOfASlowReplayIsDeliveredAndTheReplayRunningOutOfTimeBlamesNoGateway() throws Exception {
    spoolWhileDown("slow_a_job", "slow_b_job");
    try (FaultServer slow = FaultServer.startOnPort(port, gateway.uri(), List.of(Fault.delayed(400)))) {
      List<String> lines = jobLines(url, "ahead_of_replay_job", 0, 1000);

      assertThat(gateway.value("ahead_of_replay_job", Map.of(), "batch_job_exit_code")).isEqualTo(0.0);
      assertThat(lines).noneMatch(l -> l.contains("no complete answer"));
    }
  }

  @Test
  void aFlushRunningOutOfTimeSaysSoRatherThanBlameTheGateway() {
    spoolWhileDown("flush_a_job", "flush_b_job", "flush_c_job");
    try (FaultServer slow = FaultServer.startOnPort(port, gateway.uri(), List.of(Fault.delayed(400)))) {
      SpoolReport report = BatchPush.builder().gateway(url).spoolDirectory(spool)
          .deadline(Duration.ofMillis(1000)).build().flush();

      assertThat(report.delivered()).isEqualTo(2);
      assertThat(report.remaining()).isEqualTo(1);
      assertThat(report.failure().getMessage()).startsWith("the deadline came while replaying the spool " + spool
          + ": 2 spooled runs delivered, 1 left for the next delivery or flush (the last one sent had ")
          .doesNotContain("no complete answer");
    }
  }
}
