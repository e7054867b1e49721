package io.github.batchpush.spring.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.spring.jobs.BatchTables.JobRow;
import io.github.batchpush.spring.jobs.BatchTables.StepRow;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real SIGTERM to {@link InterruptibleBatchApp} (a separate JVM, a JDBC JobRepository in an H2 file) while its
 * job is in its third chunk: Boot's shutdown hook closes the DataSource, Spring Batch never gets to afterJob, and
 * batchpush still pushes the run, as interrupted, before the JVM exits.
 */
class SigtermMidRunTests {
  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path dir;

  @Test
  void aSigtermMidRunPushesTheRunAsInterruptedWithWhatTheRepositoryCommitted() throws Exception {
    assertThat(run(gateway.uri(), false)).isZero();
    double lastSuccess = Group.of(gateway, "settlement").get("batch_job_last_success_timestamp_seconds");

    assertThat(run(gateway.uri(), true)).isEqualTo(143);

    BatchTables tables = BatchTables.at(jdbcUrl());
    long id = tables.lastExecutionId("settlement");
    JobRow job = tables.job(id);
    StepRow load = tables.steps(id).get(0);
    Group group = Group.of(gateway, "settlement");
    // Spring Batch never recorded an end: the repository still says STARTED.
    assertThat(job.status()).isEqualTo("STARTED");
    assertThat(job.endTime()).isNull();
    assertThat(group.get("batch_job_exit_code")).isEqualTo(2.0);
    assertThat(group.get("batch_job_last_success_timestamp_seconds")).isEqualTo(lastSuccess);
    assertThat(load.read()).isPositive().isLessThan(InterruptibleBatchApp.TRADES);
    assertThat(group.get("batch_job_items_read")).isEqualTo((double) load.read());
    assertThat(group.step("batch_job_step_items_written", "load")).isEqualTo((double) load.written());
    assertThat(group.step("batch_job_step_exit_code", "load")).isEqualTo(2.0);
    Observed.print("SIGTERM to a Boot app mid-run", tables, id, group);
  }

  @Test
  void aSigtermMidRunWithTheGatewayDownSpoolsTheRun() throws Exception {
    URI down = URI.create("http://127.0.0.1:" + Pushgateway.freePort());

    assertThat(run(down, true)).isEqualTo(143);

    // The spool keeps a directory per gateway.
    try (Stream<Path> spooled = Files.walk(dir.resolve("spool"))) {
      assertThat(spooled.filter(p -> p.toString().endsWith(".run"))).hasSize(1);
    }
  }

  /** Runs the application to its end, or with {@code hold} until it is mid-run and then SIGTERMs it. */
  private int run(URI gatewayUrl, boolean hold) throws IOException, InterruptedException {
    Path marker = dir.resolve("holding-" + System.nanoTime());
    List<String> args = new ArrayList<>(List.of(
        "--spring.datasource.url=" + jdbcUrl(),
        "--spring.batch.jdbc.initialize-schema=always",
        "--batchpush.gateway.url=" + gatewayUrl,
        "--batchpush.spool-dir=" + dir.resolve("spool"),
        "--batchpush.deadline=3s",
        "--spring.main.banner-mode=off",
        "run=" + System.nanoTime()));
    if (hold) {
      args.add("--hold-marker=" + marker);
    }
    try (AppProcess app = AppProcess.start(InterruptibleBatchApp.class, dir.resolve("app.log"), Map.of(), args)) {
      if (hold) {
        app.awaitFile(marker, Duration.ofSeconds(90));
        app.terminate();
      }
      int exitCode = app.exitCode(Duration.ofSeconds(90));
      System.out.println(app.output());
      return exitCode;
    }
  }

  private String jdbcUrl() {
    return "jdbc:h2:file:" + dir.resolve("batch").toAbsolutePath();
  }
}
