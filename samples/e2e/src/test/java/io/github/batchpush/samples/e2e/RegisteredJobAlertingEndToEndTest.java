package io.github.batchpush.samples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.batchpush.BatchPush;
import io.github.batchpush.JobRun;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A job declared with {@link BatchPush#register} that never runs, in a real Prometheus running the shipped rules
 * against a real Pushgateway: {@code BatchJobNoRecentSuccess} fires for it once its max age (a few seconds here) has
 * passed since the declaration, and stops with its first successful run. The tests run in order: the last one
 * pushes that success.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegisteredJobAlertingEndToEndTest {
  private static final Duration SHORT_MAX_AGE = Duration.ofSeconds(3);

  @RealPushgateway
  private static Pushgateway gateway;
  private static Prometheus prometheus;
  private static BatchPush push;
  private static Instant declared;
  private static JsonNode firing;

  @BeforeAll
  static void registerTwoJobsThatNeverRunAndWaitForTheAlert() throws Exception {
    Prometheus.requireBinary();
    prometheus = Prometheus.start(gateway.uri(), AlertingEndToEndTest.SAMPLES.resolve(
        "prometheus/batchpush-rules.yml"));
    push = BatchPush.builder().gateway(gateway.uri()).noSpool().strict(true).label("team", "ops").build();

    declared = push.register("never_ran", SHORT_MAX_AGE);
    push.register("not_due_yet", Duration.ofHours(26));

    firing = prometheus.awaitApi("/api/v1/alerts", data -> AlertingEndToEndTest.firingAlerts(data)
        .contains("BatchJobNoRecentSuccess never_ran"), Duration.ofSeconds(60));
    // The closing note of issue 12 quotes this: the alert as Prometheus reported it.
    System.out.println("Declared with register, never ran: GET /api/v1/alerts -> " + firing);
  }

  @AfterAll
  static void stopPrometheus() {
    if (prometheus != null) {
      prometheus.close();
    }
  }

  @Test
  @Order(1)
  void theDeclaredJobThatNeverRanPagesUnderItsOwnNameAndLabels() {
    JsonNode alert = AlertingEndToEndTest.alert(firing, "BatchJobNoRecentSuccess", "never_ran");

    assertThat(AlertingEndToEndTest.labels(alert)).containsExactly(
        Map.entry("alertname", "BatchJobNoRecentSuccess"), Map.entry("job", "never_ran"),
        Map.entry("severity", "page"), Map.entry("team", "ops"));
    assertThat(alert.get("annotations").get("summary").asText())
        .isEqualTo("Batch job never_ran has not succeeded within its max age");
  }

  @Test
  @Order(1)
  void itBecameActiveOnlyOnceItsMaxAgeHadPassedSinceTheDeclaration() {
    JsonNode alert = AlertingEndToEndTest.alert(firing, "BatchJobNoRecentSuccess", "never_ran");

    Instant activeAt = Instant.parse(alert.get("activeAt").asText());

    assertThat(activeAt).isAfterOrEqualTo(declared.plus(SHORT_MAX_AGE));
    assertThat(Double.parseDouble(alert.get("value").asText())).isGreaterThan(SHORT_MAX_AGE.toSeconds());
  }

  @Test
  @Order(1)
  void aDeclaredJobWithinItsMaxAgeDoesNotAlert() {
    assertThat(AlertingEndToEndTest.firingAlerts(firing)).containsExactly("BatchJobNoRecentSuccess never_ran");
    assertThat(prometheus.query("batch_job_registered_timestamp_seconds{job=\"not_due_yet\"}").get("result"))
        .hasSize(1);
  }

  @Test
  @Order(2)
  void theFirstSuccessfulRunClearsTheAlert() {
    try (JobRun run = push.start("never_ran")) {
      run.succeeded();
    }

    JsonNode scraped = prometheus.awaitApi("/api/v1/query?query=batch_job_last_success_timestamp_seconds",
        data -> data.get("result").size() > 0, Duration.ofSeconds(30));
    JsonNode after = prometheus.awaitApi("/api/v1/alerts", data -> !data.get("alerts").elements().hasNext(),
        Duration.ofSeconds(30));

    assertThat(scraped.get("result")).hasSize(1);
    assertThat(after.get("alerts")).as("Prometheus log: %s", prometheus.logText()).isEmpty();
  }
}
