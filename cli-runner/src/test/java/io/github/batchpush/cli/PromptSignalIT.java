package io.github.batchpush.cli;

import static io.github.batchpush.cli.Launch.batchpush;
import static io.github.batchpush.cli.RunIT.awaitFile;
import static io.github.batchpush.cli.RunIT.signal;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.testing.FaultServer;
import io.github.batchpush.testing.FaultServer.Fault;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signals to batchpush itself, outside COMMAND's lifetime or not meant for it: a SIGQUIT never prints the JVM's
 * thread dump on COMMAND's stdout, and a TERM or INT that comes while COMMAND is not running ends batchpush within
 * seconds, whatever it was waiting for, with the exit code it would have had.
 */
class PromptSignalIT {
  /** Far longer than the few seconds batchpush may take once told to stop. */
  private static final String LONG_DEADLINE = "45s";
  private static final Duration PROMPTLY = Duration.ofSeconds(15);

  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path dir;

  @Test
  void aSigquitToBatchpushWritesNoThreadDumpAndIsIgnored() throws Exception {
    Path ready = dir.resolve("ready");
    Path quits = dir.resolve("quits");
    Launch.Running running = batchpush("run", "--job", "quit_job", "--", "sh", "-c",
        "trap 'echo QUIT >> " + quits + "' QUIT; touch " + ready + "; sleep 1; sleep 1; echo the backup")
        .env("BATCHPUSH_GATEWAY", gateway.uri().toString()).env("BATCHPUSH_SPOOL_DIR", dir.resolve("spool").toString())
        .start();
    awaitFile(ready);

    signal("QUIT", running.process.pid());
    Launch.Result r = running.await();

    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).isEqualTo("the backup\n");
    assertThat(r.stderr()).isEmpty();
    assertThat(quits).as("batchpush ignores QUIT; it does not pass it on").doesNotExist();
    assertThat(gateway.value("quit_job", Map.of(), "batch_job_exit_code")).isEqualTo(0.0);
  }

  @Test
  void sigtermAfterTheCommandEndedCutsAHangingDeliveryShortAndExitsWithTheCommandsCode() throws Exception {
    Path spool = dir.resolve("spool");
    try (FaultServer hanging = FaultServer.start(null, Fault.hang())) {
      Launch.Running running = batchpush("run", "--job", "late_term_job", "--deadline", LONG_DEADLINE,
          "--gateway", hanging.uri().toString(), "--spool-dir", spool.toString(), "--", "sh", "-c", "exit 3")
          .start();
      assertThat(hanging.awaitRequests(1, 30_000)).as("the push started, so COMMAND has ended").isTrue();
      long term = System.nanoTime();

      signal("TERM", running.process.pid());
      Launch.Result r = running.await();

      assertThat(r.exitCode()).isEqualTo(3);
      assertThat(Pushgateway.since(term)).isLessThan(PROMPTLY);
      assertThat(r.stderr()).isEqualTo("batchpush: received SIGTERM after 'sh' ended; exiting within 2s with its "
          + "code\nbatchpush: still delivering the run of late_term_job 2s after SIGTERM; exiting with 3 (the "
          + "spool's next delivery sends it)\n");

      Launch.Result flush = batchpush("flush", "--gateway", gateway.uri().toString(), "--spool-dir",
          spool.toString(), "--from-gateway", hanging.uri().toString(), "--quiet").run();
      assertThat(flush.exitCode()).as(flush.stdout() + flush.stderr()).isZero();
      assertThat(gateway.value("late_term_job", Map.of(), "batch_job_exit_code")).isEqualTo(3.0);
    }
  }

  @Test
  void sigtermEndsBatchpushPromptlyEvenWhenReadingTheSpoolHangs() throws Exception {
    Path spool = Files.createDirectory(dir.resolve("spool"));
    Path fifo = spool.resolve("000-fifo.run");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).isTrue();
    Path ended = dir.resolve("ended");
    Launch.Running running = batchpush("run", "--job", "fifo_spool_job", "--gateway", gateway.uri().toString(),
        "--spool-dir", spool.toString(), "--", "sh", "-c", "touch " + ended + "; exit 3").start();
    awaitFile(ended);
    Thread.sleep(1000);
    long term = System.nanoTime();

    // A spool that sets such a file aside may have let batchpush finish already; then there is nothing to stop.
    new ProcessBuilder("kill", "-TERM", Long.toString(running.process.pid())).start().waitFor(10, TimeUnit.SECONDS);
    Launch.Result r = running.await();

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(Pushgateway.since(term)).isLessThan(PROMPTLY);
  }

  @Test
  void sigintAfterTheCommandEndedEndsBatchpushPromptlyToo() throws Exception {
    try (FaultServer hanging = FaultServer.start(null, Fault.hang())) {
      Launch.Running running = batchpush("run", "--job", "late_int_job", "--deadline", LONG_DEADLINE,
          "--gateway", hanging.uri().toString(), "--spool-dir", dir.resolve("spool").toString(), "--", "true")
          .withoutTerminal().start();
      assertThat(hanging.awaitRequests(1, 30_000)).isTrue();
      long signalled = System.nanoTime();

      signal("INT", running.process.pid());
      Launch.Result r = running.await();

      assertThat(r.exitCode()).isZero();
      assertThat(Pushgateway.since(signalled)).isLessThan(PROMPTLY);
    }
  }

  @Test
  void sigtermWhileThePushAtStartHangsEndsBatchpushPromptlyWithoutRunningTheCommand() throws Exception {
    Path marker = dir.resolve("ran");
    try (FaultServer hanging = FaultServer.start(null, Fault.hang())) {
      Launch.Running running = batchpush("run", "--job", "early_term_job", "--push-start", "--deadline",
          LONG_DEADLINE, "--gateway", hanging.uri().toString(), "--spool-dir", dir.resolve("spool").toString(), "--",
          "touch", marker.toString()).start();
      assertThat(hanging.awaitRequests(1, 30_000)).as("the push at start is under way").isTrue();
      long term = System.nanoTime();

      signal("TERM", running.process.pid());
      Launch.Result r = running.await();

      assertThat(r.exitCode()).isEqualTo(143);
      assertThat(Pushgateway.since(term)).isLessThan(PROMPTLY);
      assertThat(marker).doesNotExist();
      assertThat(r.stderr()).startsWith("batchpush: received SIGTERM before 'touch' started; not starting it\n");
    }
  }

  @Test
  void aSigtermRepeatedWhileTheCommandRunsIsReportedOnce() throws Exception {
    Path ready = dir.resolve("ready");
    Path terms = dir.resolve("terms");
    Launch.Running running = batchpush("run", "--job", "repeated_term_job", "--", "sh", "-c",
        // stderr to /dev/null: sh would report each sleep the forwarded TERM ends ("Terminated").
        "exec 2>/dev/null; trap 'echo TERM >> " + terms + "; n=$((n+1))' TERM; n=0; touch " + ready + "; "
            + "while [ $n -lt 3 ]; do sleep 0.1; done; exit 5")
        .env("BATCHPUSH_GATEWAY", gateway.uri().toString()).env("BATCHPUSH_SPOOL_DIR", dir.resolve("spool").toString())
        .start();
    awaitFile(ready);

    for (int i = 0; i < 3; i++) {
      signal("TERM", running.process.pid());
      Thread.sleep(300);
    }
    Launch.Result r = running.await();

    assertThat(r.exitCode()).isEqualTo(5);
    assertThat(r.stderr()).isEqualTo("batchpush: received SIGTERM; passing it on to COMMAND\n");
  }
}
