package io.github.batchpush.cli;

import static io.github.batchpush.cli.Launch.batchpush;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code batchpush delete}, {@code batchpush flush} and {@code --textfile-dir} through the packaged launcher. */
class DeleteFlushTextfileIT {
  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path dir;

  private String nowhere() {
    return "http://127.0.0.1:" + Pushgateway.freePort();
  }

  @Test
  void deleteRemovesExactlyTheGroupWithThoseLabels() {
    String uri = gateway.uri().toString();
    batchpush("run", "--job", "retired", "--label", "env=prod", "--no-spool", "--", "true")
        .env("BATCHPUSH_GATEWAY", uri).run();
    batchpush("run", "--job", "retired", "--label", "env=test", "--no-spool", "--", "true")
        .env("BATCHPUSH_GATEWAY", uri).run();

    Launch.Result r = batchpush("delete", "--job", "retired", "--label", "env=prod", "--gateway", uri).run();

    assertThat(r.exitCode()).isZero();
    assertThat(r.stderr()).isEqualTo("batchpush: deleted group job=retired env=prod from " + uri + "\n");
    assertThat(gateway.groupAfterDelete("retired", Map.of("env", "prod"))).isEmpty();
    assertThat(gateway.group("retired", Map.of("env", "test"))).containsEntry("batch_job_exit_code", 0.0);
  }

  @Test
  void deleteAgainstAnUnreachableGatewayExitsOneWithOneLine() {
    String nowhere = nowhere();

    Launch.Result r = batchpush("delete", "--job", "x", "--gateway", nowhere, "--deadline", "1s", "--quiet").run();

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).startsWith("batchpush: delete of {job=\"x\"} to " + nowhere + " failed: unreachable")
        .endsWith("\n").hasLineCount(1);
  }

  @Test
  void aRunSpooledWhileTheGatewayWasDownIsDeliveredByFlushOnceItIsUp() {
    String spool = dir.resolve("spool").toString();
    int port = Pushgateway.freePort();
    String later = "http://127.0.0.1:" + port;
    Launch.Result down = batchpush("run", "--job", "spooled_job", "--gateway", later, "--deadline", "1s",
        "--spool-dir", spool, "--", "sh", "-c", "exit 5").run();
    assertThat(down.exitCode()).as("a push problem never changes the exit code").isEqualTo(5);
    assertThat(down.stderr()).contains("spooled_job").hasLineCount(1);

    try (Pushgateway up = Pushgateway.startOnPort(port)) {
      Launch.Result r = batchpush("flush", "--spool-dir", spool, "--gateway", later).run();

      assertThat(r.exitCode()).isZero();
      assertThat(r.stdout()).isEqualTo("batchpush: spool " + spool + " -> " + later
          + ": delivered 1, remaining 0, dropped 0, set aside 0, for other gateways 0\n");
      assertThat(up.value("spooled_job", Map.of(), "batch_job_exit_code")).isEqualTo(5.0);
    }
  }

  // Review M1: `delete` then `flush` re-created the retired group from its own spooled run.
  @Test
  void deleteDropsTheGroupsSpooledRunsSoThatFlushCannotBringItBack() {
    String spool = dir.resolve("spool").toString();
    int port = Pushgateway.freePort();
    String later = "http://127.0.0.1:" + port;
    for (String job : new String[] {"retired_job", "live_job"}) {
      batchpush("run", "--job", job, "--gateway", later, "--deadline", "1s", "--spool-dir", spool, "--quiet", "--",
          "true").run();
    }

    try (Pushgateway up = Pushgateway.startOnPort(port)) {
      Launch.Result deleted = batchpush("delete", "--job", "retired_job", "--gateway", later, "--spool-dir", spool)
          .run();
      Launch.Result flushed = batchpush("flush", "--spool-dir", spool, "--gateway", later).run();

      assertThat(deleted.exitCode()).isZero();
      assertThat(deleted.stderr()).isEqualTo("batchpush: deleted group job=retired_job from " + later
          + "; dropped 1 run(s) of it waiting in the spool " + spool + "\n");
      assertThat(flushed.stdout()).startsWith("batchpush: spool " + spool + " -> " + later + ": delivered 1, "
          + "remaining 0,");
      assertThat(up.groupAfterDelete("retired_job", Map.of())).isEmpty();
      assertThat(up.value("live_job", Map.of(), "batch_job_exit_code")).isEqualTo(0.0);
    }
  }

  @Test
  void flushCountsRunsSpooledForAnotherGatewayAndSaysWhereTheyWait() {
    String spool = dir.resolve("spool").toString();
    String old = nowhere();
    batchpush("run", "--job", "moved_job", "--gateway", old, "--deadline", "300ms", "--spool-dir", spool, "--",
        "true").run();
    String current = gateway.uri().toString();

    Launch.Result r = batchpush("flush", "--spool-dir", spool, "--gateway", current).run();

    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).endsWith(": delivered 0, remaining 0, dropped 0, set aside 0, for other gateways 1\n");
    assertThat(r.stderr()).isEqualTo("batchpush: 1 spooled run(s) wait for " + old + "; if that gateway's URL "
        + "changed to " + current + ", deliver them with --from-gateway " + old + "\n");
    assertThat(gateway.group("moved_job", Map.of())).isEmpty();

    Launch.Result quiet = batchpush("flush", "--quiet", "--spool-dir", spool, "--gateway", current).run();
    assertThat(quiet.exitCode()).isZero();
    assertThat(quiet.stdout() + quiet.stderr()).isEmpty();

    Launch.Result adopted = batchpush("flush", "--spool-dir", spool, "--gateway", current, "--from-gateway",
        old + "/").run();
    assertThat(adopted.exitCode()).isZero();
    assertThat(adopted.stdout()).endsWith(": delivered 1, remaining 0, dropped 0, set aside 0, for other gateways 0\n");
    assertThat(adopted.stderr()).isEmpty();
    assertThat(gateway.value("moved_job", Map.of(), "batch_job_exit_code")).isEqualTo(0.0);
  }

  @Test
  void deleteTakesBatchpushLabelsAndSaysWhichGroupItRemoved() {
    String uri = gateway.uri().toString();
    batchpush("run", "--job", "env_retired", "--label", "env=prod", "--label", "team=data", "--no-spool", "--",
        "true").env("BATCHPUSH_GATEWAY", uri).run();

    Launch.Result r = batchpush("delete", "--job", "env_retired", "--label", "team=data", "--gateway", uri)
        .env("BATCHPUSH_LABELS", "team=ops, env=prod").run();

    assertThat(r.exitCode()).isZero();
    assertThat(r.stderr()).isEqualTo("batchpush: deleted group job=env_retired team=data env=prod from " + uri
        + "\n");
    assertThat(gateway.groupAfterDelete("env_retired", Map.of("env", "prod", "team", "data")))
        .isEmpty();
  }

  @Test
  void aBadFromGatewayIsABadOptionAndItsSecretsAreNotRepeated() {
    Launch.Result unparsable = batchpush("flush", "--from-gateway", "http://u:s3cret@old gateway:9091").run();
    assertThat(unparsable.exitCode()).isEqualTo(125);
    assertThat(unparsable.stderr()).isEqualTo("batchpush: Invalid --from-gateway: Invalid gateway URL: "
        + "'http://***@old gateway:9091' (Illegal character in authority; e.g. http://localhost:9091)\n");

    Launch.Result withQuery = batchpush("flush", "--from-gateway", "http://old:9091/?token=s3cret").run();
    assertThat(withQuery.exitCode()).isEqualTo(125);
    assertThat(withQuery.stderr()).isEqualTo("batchpush: Invalid --from-gateway: Invalid gateway URL: "
        + "'http://old:9091/?***' (no query or fragment; a path prefix such as /pgw is fine)\n");

    Launch.Result empty = batchpush("flush", "--from-gateway", "").run();
    assertThat(empty.exitCode()).isEqualTo(125);
    assertThat(empty.stderr()).isEqualTo("batchpush: Invalid --from-gateway: Invalid gateway URL: '' (give one, "
        + "e.g. http://localhost:9091)\n");
  }

  @Test
  void flushHasNoNoSpoolOption() {
    Launch.Result r = batchpush("flush", "--no-spool").run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr()).startsWith("batchpush: Unknown option: '--no-spool'").hasLineCount(1);
    assertThat(batchpush("flush", "--help").run().stdout()).doesNotContain("--no-spool");
  }

  @Test
  void aTextfileOnlyRunWritesThePromFileWithoutAGateway() throws Exception {
    Path textfiles = Files.createDirectory(dir.resolve("textfile"));

    Launch.Result r = batchpush("run", "--job", "local_job", "--no-gateway", "--", "true")
        .env("BATCHPUSH_TEXTFILE_DIR", textfiles.toString()).run();

    assertThat(r.exitCode()).isZero();
    assertThat(r.stderr()).isEmpty();
    assertThat(Files.readString(textfiles.resolve("local_job.prom")))
        .contains("batch_job_exit_code{job=\"local_job\"} 0.0\n")
        .contains("batch_job_last_success_timestamp_seconds{job=\"local_job\"} ");
  }

  @Test
  void noGatewayWithoutATextfileDirectoryIsABadOption() {
    Launch.Result r = batchpush("run", "--job", "x", "--no-gateway", "--", "true").run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr()).isEqualTo(
        "batchpush: --no-gateway leaves nowhere to record the run: add --textfile-dir DIR\n");
  }
}
