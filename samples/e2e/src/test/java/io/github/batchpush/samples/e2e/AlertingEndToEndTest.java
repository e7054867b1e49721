package io.github.batchpush.samples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.batchpush.BatchPush;
import io.github.batchpush.JobRun;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped {@code samples/prometheus/batchpush-rules.yml} in a real Prometheus that scrapes a real Pushgateway
 * with {@code honor_labels: true}, fed by batchpush-core. Everything is pushed before the first scrape, so one
 * evaluation sees all jobs, and the set of firing alerts is checked as a whole: an alert on a job that should be
 * quiet fails the test as surely as a missing one.
 */
class AlertingEndToEndTest {
  static final Path SAMPLES = Paths.get(System.getProperty("batchpush.samples", ".."));
  private static final Duration MAX_AGE = Duration.ofHours(26);

  @RealPushgateway
  private static Pushgateway gateway;
  private static Prometheus prometheus;
  private static JsonNode firing;

  @BeforeAll
  static void pushJobsAndWaitForTheAlerts() throws Exception {
    Prometheus.requireBinary();
    BatchPush push = BatchPush.builder().gateway(gateway.uri()).noSpool().strict(true).build();
    Instant now = Instant.now();

    // Last succeeded three days ago, against a 26 h max age.
    BatchPush threeDaysAgo = push.newBuilder().clock(Clock.fixed(now.minus(Duration.ofDays(3)), ZoneOffset.UTC))
        .label("team", "data").build();
    try (JobRun run = threeDaysAgo.start("stale_job").maxAge(MAX_AGE)) {
      run.gauge("records_processed", 1200);
      run.stepGauge("load", "items_written", 1200);
      run.succeeded();
    }
    // Its runs since are skipped: the run that started after that success still holds the lock (run --lock).
    push.newBuilder().label("team", "data").build().skipped("stale_job");
    // Succeeded a minute ago, then skipped: a ticket.
    BatchPush aMinuteAgo = push.newBuilder().clock(Clock.fixed(now.minusSeconds(60), ZoneOffset.UTC)).build();
    try (JobRun run = aMinuteAgo.start("skipped_job")) {
      run.succeeded();
    }
    push.skipped("skipped_job");
    // Skipped a minute ago, then succeeded: quiet.
    aMinuteAgo.skipped("skipped_then_succeeded_job");
    try (JobRun run = push.start("skipped_then_succeeded_job")) {
      run.succeeded();
    }
    // Succeeded a minute ago, then failed with exit code 3: a failure, but still within its max age.
    try (JobRun run = aMinuteAgo.start("failing_job").maxAge(MAX_AGE)) {
      run.succeeded();
    }
    try (JobRun run = push.start("failing_job").maxAge(MAX_AGE)) {
      run.failed(3);
    }
    // Declared a max age and has only ever failed.
    try (JobRun run = push.start("never_succeeded_job").maxAge(MAX_AGE)) {
      run.failed();
    }
    // Started two hours ago, pushed its start, never finished.
    BatchPush twoHoursAgo = push.newBuilder().pushAtStart(true)
        .clock(Clock.fixed(now.minus(Duration.ofHours(2)), ZoneOffset.UTC)).build();
    twoHoursAgo.start("hung_job");
    // Just succeeded.
    try (JobRun run = push.start("fresh_job").maxAge(MAX_AGE)) {
      run.succeeded();
    }
    // A push the gateway rejects: a counter where the other groups have a gauge of that name.
    assertThat(gateway.request("POST", "/metrics/job/rejected_job",
        "# TYPE batch_job_exit_code counter\nbatch_job_exit_code 1\n")).isEqualTo(400);

    prometheus = Prometheus.start(gateway.uri(), SAMPLES.resolve("prometheus/batchpush-rules.yml"));
    firing = prometheus.awaitApi("/api/v1/alerts",
        data -> firingAlerts(data).containsAll(Set.of("BatchJobNoRecentSuccess stale_job",
            "BatchJobSkipped skipped_job")), Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopPrometheus() {
    if (prometheus != null) {
      prometheus.close();
    }
  }

  @Test
  void exactlyTheStaleTheFailedTheHungTheSkippedAndTheRejectedJobsAlert() {
    assertThat(firingAlerts(firing)).as("Prometheus log: %s", prometheus.logText()).containsExactly(
        "BatchJobLastRunFailed failing_job",
        "BatchJobLastRunFailed never_succeeded_job",
        "BatchJobNoRecentSuccess never_succeeded_job",
        "BatchJobNoRecentSuccess stale_job",
        "BatchJobRunHung hung_job",
        "BatchJobSkipped skipped_job",
        "BatchJobSkipped stale_job",
        "PushgatewayLastPushFailed rejected_job");
  }

  @Test
  void theSkippedJobsTicketSaysHowLongAgoTheSkipWasAndKeepsTheGroupsLabels() {
    JsonNode skipped = alert("BatchJobSkipped", "skipped_job");
    JsonNode stale = alert("BatchJobSkipped", "stale_job");

    assertThat(skipped.get("labels").path("severity").asText()).isEqualTo("ticket");
    assertThat(Double.parseDouble(skipped.get("value").asText())).isBetween(0.0, 300.0);
    assertThat(skipped.get("annotations").get("summary").asText())
        .isEqualTo("A run of batch job skipped_job was skipped because the previous one still ran");
    assertThat(stale.get("labels").path("team").asText()).isEqualTo("data");
  }

  @Test
  void theStaleJobsAlertKeepsItsGroupingLabelsAndTellsHowOldTheLastSuccessIs() {
    JsonNode alert = alert("BatchJobNoRecentSuccess", "stale_job");

    assertThat(alert.get("labels").path("team").asText()).isEqualTo("data");
    assertThat(alert.get("labels").has("instance")).isFalse();
    assertThat(Double.parseDouble(alert.get("value").asText())).isBetween(3 * 86400.0, 3 * 86400.0 + 300);
    assertThat(alert.get("annotations").get("summary").asText())
        .isEqualTo("Batch job stale_job has not succeeded within its max age");
  }

  @Test
  void theFailedRunsAlertCarriesItsExitCode() {
    assertThat(alert("BatchJobLastRunFailed", "failing_job").get("annotations").get("description").asText())
        .isEqualTo("The last run of failing_job exited with code 3.");
  }

  @Test
  void theQueryApiSeesThePushedJobsUnderTheirOwnJobLabel() {
    JsonNode result = prometheus.query("batch_job_max_age_seconds");

    Set<String> jobs = new TreeSet<>();
    result.get("result").forEach(series -> jobs.add(series.get("metric").get("job").asText()));
    assertThat(jobs).containsExactly("failing_job", "fresh_job", "never_succeeded_job", "stale_job");
    assertThat(prometheus.query("up{job=\"pushgateway\"} == 1").get("result")).hasSize(1);
  }

  @Test
  void theFreshJobIsSeenByPrometheusAndSelectedByNoAlertExpression() {
    JsonNode fresh = prometheus.query(
        "time() - batch_job_last_success_timestamp_seconds{job=\"fresh_job\"} < batch_job_max_age_seconds");

    assertThat(fresh.get("result")).hasSize(1);
    assertThat(prometheus.query("ALERTS{job=\"fresh_job\"}").get("result")).isEmpty();
  }

  @Test
  void everyDashboardQueryReturnsASeriesForTheStaleJob() throws Exception {
    for (String expr : DashboardTest.exprs()) {
      String query = expr.replace("$job", "stale_job");

      assertThat(prometheus.query(query).get("result")).as(query).hasSize(1);
    }
  }

  @Test
  void theDashboardsJobVariableListsEveryJobByItsOwnName() throws Exception {
    JsonNode result = prometheus.query(DashboardTest.jobVariablePromQl());

    assertThat(DashboardTest.jobVariableValues(result))
        .containsExactly("failing_job", "fresh_job", "hung_job", "never_succeeded_job", "skipped_job",
            "skipped_then_succeeded_job", "stale_job");
  }

  static JsonNode alert(String name, String job) {
    return alert(firing, name, job);
  }

  /** The active alert {@code name} for {@code job} in the data of an {@code /api/v1/alerts} answer. */
  static JsonNode alert(JsonNode firing, String name, String job) {
    for (JsonNode alert : firing.get("alerts")) {
      if (name.equals(alert.get("labels").path("alertname").asText())
          && job.equals(alert.get("labels").path("job").asText())) {
        return alert;
      }
    }
    throw new AssertionError("no firing " + name + " for " + job + " in " + firing);
  }

  /** An alert's labels, sorted by name. */
  static Map<String, String> labels(JsonNode alert) {
    Map<String, String> labels = new TreeMap<>();
    alert.get("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  static Set<String> firingAlerts(JsonNode data) {
    Set<String> names = new TreeSet<>();
    for (JsonNode alert : data.get("alerts")) {
      if ("firing".equals(alert.path("state").asText())) {
        names.add(alert.get("labels").path("alertname").asText() + " " + alert.get("labels").path("job").asText());
      }
    }
    return names;
  }
}
