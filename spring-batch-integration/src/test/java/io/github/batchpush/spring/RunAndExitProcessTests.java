package io.github.batchpush.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.spring.jobs.AppProcess;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ExitingBatchApp} as a real separate JVM: its metrics are on the gateway once the process has exited. */
class RunAndExitProcessTests {
  private static final String SECRET = "s3cret-never-in-output";
  @RealPushgateway
  static Pushgateway gateway;
  @TempDir
  Path dir;

  @Test
  void aRunAndExitAppDeliversItsSuccessBeforeTheJvmExits() throws Exception {
    Result result = runApp();

    assertThat(result.exitCode).as(result.output).isEqualTo(0);
    Map<String, Double> group = gateway.group("nightly_export", Map.of("kind", "run_and_exit"));
    assertThat(group).containsEntry("batch_job_exit_code", 0.0).containsEntry("batch_job_items_read", 4.0)
        .containsEntry("batch_job_items_written", 3.0).containsEntry("batch_job_items_skipped", 1.0)
        .containsEntry("batch_job_max_age_seconds", 93600.0)
        .containsKey("batch_job_last_success_timestamp_seconds");
    assertThat(result.output).doesNotContain(SECRET).doesNotContain("not eligible for getting processed")
        .contains("Job: [SimpleJob: [name=nightly_export]] completed");
  }

  @Test
  void aFailingRunAndExitAppDeliversItsFailureAndExitsNonZero() throws Exception {
    Result result = runApp("--fail=true");

    assertThat(result.exitCode).as(result.output).isNotEqualTo(0);
    assertThat(gateway.value("nightly_export", Map.of("kind", "run_and_exit"), "batch_job_exit_code"))
        .isEqualTo(1.0);
    assertThat(result.output).doesNotContain(SECRET);
  }

  private Result runApp(String... extra) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of(
        "--batchpush.gateway.url=" + gateway.uri(),
        "--batchpush.spool-dir=" + dir.resolve("spool"),
        "--batchpush.username=batch",
        "--spring.main.banner-mode=off"));
    args.addAll(List.of(extra));
    // The password comes the way secrets should: through the environment, never the command line.
    try (AppProcess app = AppProcess.start(ExitingBatchApp.class, dir.resolve("output.txt"),
        Map.of("BATCHPUSH_PASSWORD", SECRET), args)) {
      int exitCode = app.exitCode(Duration.ofSeconds(90));
      return new Result(exitCode, app.output());
    }
  }

  private record Result(int exitCode, String output) {}
}
