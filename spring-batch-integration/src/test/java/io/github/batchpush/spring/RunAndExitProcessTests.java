package io.github.batchpush.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.testing.Pushgateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ExitingBatchApp} as a real separate JVM: its metrics are on the gateway once the process has exited. */
class RunAndExitProcessTests {
  private static final String SECRET = "s3cret-never-in-output";
  static Pushgateway gateway;
  @TempDir
  Path dir;

  @BeforeAll
  static void startGateway() {
    gateway = Pushgateway.start();
  }

  @AfterAll
  static void stopGateway() {
    if (gateway != null) {
      gateway.close();
    }
  }

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
    List<String> command = new ArrayList<>(List.of(
        Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-cp", System.getProperty("java.class.path"),
        ExitingBatchApp.class.getName(),
        "--batchpush.gateway.url=" + gateway.uri(),
        "--batchpush.spool-dir=" + dir.resolve("spool"),
        "--batchpush.username=batch",
        "--spring.main.banner-mode=off"));
    command.addAll(List.of(extra));
    Path output = dir.resolve("output.txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    // The password comes the way secrets should: through the environment, never the command line.
    builder.environment().put("BATCHPUSH_PASSWORD", SECRET);
    builder.environment().remove("BATCHPUSH_GATEWAY");
    Process process = builder.start();
    try {
      if (!process.waitFor(90, TimeUnit.SECONDS)) {
        throw new AssertionError("the app did not exit within 90 s:\n" + Files.readString(output));
      }
      return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } finally {
      process.destroyForcibly();
    }
  }

  private record Result(int exitCode, String output) {}
}
