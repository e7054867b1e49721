package io.github.batchpush.samples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the application as a user does, in its own JVM through {@code main}, both ways, against the real
 * Pushgateway. Its own JVM also means its own environment: no {@code BATCHPUSH_*} variable of the build's.
 */
class NightlyReportApplicationTest {
  @TempDir
  Path work;

  @RealPushgateway
  Pushgateway gateway;

  @Test
  void aSuccessfulRunExitsZeroAndPushesItsSuccessAndMaxAge() throws Exception {
    double before = System.currentTimeMillis() / 1000.0;

    assertThat(run()).isZero();

    Map<String, Double> group = gateway.group("nightly_report", Map.of());
    assertThat(group).containsEntry("batch_job_exit_code", 0.0)
        .containsEntry("batch_job_max_age_seconds", 26 * 3600.0)
        .containsEntry("batch_job_step_items_written{step=export}", 250.0);
    assertThat(group.get("batch_job_last_success_timestamp_seconds")).isBetween(before, before + 120);
  }

  @Test
  void aRunWithFailTrueExitsNonZeroAndKeepsThePreviousSuccess() throws Exception {
    assertThat(run()).isZero();
    Double success = gateway.value("nightly_report", Map.of(), "batch_job_last_success_timestamp_seconds");

    // Boot exits with the ordinal of the failed execution's BatchStatus (JobExecutionExitCodeGenerator): FAILED is 5.
    assertThat(run("fail=true")).isEqualTo(5);

    Map<String, Double> group = gateway.group("nightly_report", Map.of());
    assertThat(group).containsEntry("batch_job_exit_code", 1.0)
        .containsEntry("batch_job_last_success_timestamp_seconds", success);
    assertThat(group.get("batch_job_last_completion_timestamp_seconds")).isGreaterThanOrEqualTo(success);
  }

  private int run(String... jobParameters) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), NightlyReportApplication.class.getName(),
        "--batchpush.gateway.url=" + gateway.uri(), "--batchpush.spool-enabled=false"));
    command.addAll(List.of(jobParameters));
    Path log = Files.createTempFile(work, "app-", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("BATCHPUSH_"));
    Process app = builder.start();
    try {
      assertThat(app.waitFor(120, TimeUnit.SECONDS)).as("the application exits; log:\n%s", Files.readString(log))
          .isTrue();
      return app.exitValue();
    } finally {
      app.destroyForcibly();
    }
  }
}
