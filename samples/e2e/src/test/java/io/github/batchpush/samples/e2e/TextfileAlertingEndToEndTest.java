package io.github.batchpush.samples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.batchpush.BatchPush;
import io.github.batchpush.JobRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Textfile mode as the README recommends it for machine-level cron jobs: batchpush writes {@code *.prom} files, a
 * real node_exporter serves them through its textfile collector, and a real Prometheus scrapes it with a default
 * scrape config ({@code job_name: node}, no {@code honor_labels}) and evaluates the shipped rules. Prometheus stores
 * the batch job's name as {@code exported_job}; the shipped alerts must still name the batch job, not "node".
 */
class TextfileAlertingEndToEndTest {
  private static final Duration MAX_AGE = Duration.ofHours(26);

  @TempDir
  static Path textfiles;

  private static NodeExporter node;
  private static Prometheus prometheus;
  private static JsonNode firing;

  @BeforeAll
  static void writeTextfilesAndWaitForTheAlerts() throws Exception {
    Prometheus.requireBinary();
    BatchPush local = BatchPush.builder().textfileDirectory(textfiles).strict(true).build();
    Instant now = Instant.now();

    // A machine-level backup that last succeeded three days ago, against a 26 h max age.
    BatchPush threeDaysAgo = local.newBuilder().clock(Clock.fixed(now.minus(Duration.ofDays(3)), ZoneOffset.UTC))
        .build();
    try (JobRun run = threeDaysAgo.start("backup").maxAge(MAX_AGE)) {
      run.succeeded();
    }
    // Skipped now: the run that started after that success still holds the lock (run --lock).
    local.skipped("backup");
    // Log rotation: succeeded a minute ago, then failed with exit code 2.
    BatchPush aMinuteAgo = local.newBuilder().clock(Clock.fixed(now.minusSeconds(60), ZoneOffset.UTC)).build();
    try (JobRun run = aMinuteAgo.start("rotate_logs").maxAge(MAX_AGE)) {
      run.succeeded();
    }
    try (JobRun run = local.start("rotate_logs").maxAge(MAX_AGE)) {
      run.failed(2);
    }
    // Just succeeded.
    try (JobRun run = local.start("fresh_cleanup").maxAge(MAX_AGE)) {
      run.succeeded();
    }

    node = NodeExporter.start(textfiles);
    prometheus = Prometheus.startScrapingNode(node.uri(), AlertingEndToEndTest.SAMPLES.resolve(
        "prometheus/batchpush-rules.yml"));
    firing = prometheus.awaitApi("/api/v1/alerts", data -> AlertingEndToEndTest.firingAlerts(data).containsAll(
        Set.of("BatchJobNoRecentSuccess backup", "BatchJobLastRunFailed rotate_logs", "BatchJobSkipped backup")),
        Duration.ofSeconds(60));
    // The closing note of issue 12 quotes this: the alerts as Prometheus reported them.
    System.out.println("Textfile mode, node_exporter scraped without honor_labels: GET /api/v1/alerts -> " + firing);
  }

  @AfterAll
  static void stopPrometheusAndNodeExporter() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void prometheusStoresTheBatchJobsNameAsExportedJobBesideTheScrapesOwnJob() {
    JsonNode series = prometheus.query("batch_job_max_age_seconds{exported_job=\"backup\"}").get("result");

    assertThat(series).hasSize(1);
    assertThat(series.get(0).get("metric").path("job").asText()).isEqualTo("node");
    assertThat(series.get(0).get("metric").path("instance").asText()).isEqualTo(instance());
  }

  @Test
  void exactlyTheStaleTheFailedAndTheSkippedJobsAlertUnderTheirOwnNames() {
    assertThat(AlertingEndToEndTest.firingAlerts(firing)).as("Prometheus log: %s", prometheus.logText())
        .containsExactly("BatchJobLastRunFailed rotate_logs", "BatchJobNoRecentSuccess backup",
            "BatchJobSkipped backup");
  }

  @Test
  void theSkippedJobsTicketNamesTheBatchJobAndItsHost() {
    JsonNode alert = AlertingEndToEndTest.alert(firing, "BatchJobSkipped", "backup");

    assertThat(AlertingEndToEndTest.labels(alert)).containsExactly(Map.entry("alertname", "BatchJobSkipped"),
        Map.entry("instance", instance()), Map.entry("job", "backup"), Map.entry("severity", "ticket"));
  }

  @Test
  void theStaleJobsAlertNamesTheBatchJobAndItsHost() {
    JsonNode alert = AlertingEndToEndTest.alert(firing, "BatchJobNoRecentSuccess", "backup");

    assertThat(AlertingEndToEndTest.labels(alert)).containsExactly(Map.entry("alertname", "BatchJobNoRecentSuccess"),
        Map.entry("instance", instance()), Map.entry("job", "backup"), Map.entry("severity", "page"));
    assertThat(alert.get("annotations").get("summary").asText())
        .isEqualTo("Batch job backup has not succeeded within its max age");
    assertThat(Double.parseDouble(alert.get("value").asText())).isBetween(3 * 86400.0, 3 * 86400.0 + 300);
  }

  @Test
  void theFailedRunsAlertNamesTheBatchJobAndItsExitCode() {
    JsonNode alert = AlertingEndToEndTest.alert(firing, "BatchJobLastRunFailed", "rotate_logs");

    assertThat(AlertingEndToEndTest.labels(alert)).containsEntry("job", "rotate_logs").containsEntry("instance", instance())
        .doesNotContainKey("exported_job");
    assertThat(alert.get("annotations").get("description").asText())
        .isEqualTo("The last run of rotate_logs exited with code 2.");
  }

  @Test
  void everyDashboardQueryReturnsASeriesNamedByTheBatchJob() throws Exception {
    for (String expr : DashboardTest.exprs()) {
      String query = expr.replace("$job", "backup");

      JsonNode result = prometheus.query(query).get("result");

      assertThat(result).as(query).hasSize(1);
      assertThat(result.get(0).get("metric").path("job").asText()).as(query).isEqualTo("backup");
    }
  }

  @Test
  void theDashboardsJobVariableListsTheBatchJobsNotNode() throws Exception {
    JsonNode result = prometheus.query(DashboardTest.jobVariablePromQl());

    assertThat(DashboardTest.jobVariableValues(result)).containsExactly("backup", "fresh_cleanup", "rotate_logs");
  }

  @Test
  void batchpushWritesTheFilesNodeExporterServes() throws Exception {
    assertThat(Files.readString(textfiles.resolve("backup.prom")))
        .contains("batch_job_max_age_seconds{job=\"backup\"} 93600.0\n")
        .contains("batch_job_last_skip_timestamp_seconds{job=\"backup\"} ");
    assertThat(node.metrics()).contains("batch_job_max_age_seconds{job=\"backup\"} 93600");
  }

  private static String instance() {
    return node.uri().getHost() + ":" + node.uri().getPort();
  }
}
