package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.batchpush.testing.FaultServer;
import io.github.batchpush.testing.FaultServer.Fault;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import io.github.batchpush.testing.WebConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link BatchPush#register(String, Duration)} against the real Pushgateway. */
class RegisterTest {
  private static final Duration DAY = Duration.ofHours(26);

  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path tmp;

  private BatchPush.Builder builder() {
    return BatchPush.builder().gateway(gateway.uri()).noSpool().strict(true);
  }

  private static BatchPush.Builder at(BatchPush.Builder builder, Instant now) {
    return builder.clock(Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  void declaresTheMaxAgeAndWhenTheJobWasDeclared() {
    Instant now = Instant.parse("2026-11-20T08:00:00.250Z");

    Instant since = at(builder(), now).build().register("declared", DAY);

    assertThat(since).isEqualTo(now);
    assertThat(gateway.group("declared", Map.of()))
        .containsEntry("batch_job_max_age_seconds", 93600.0)
        .containsEntry("batch_job_registered_timestamp_seconds", 1795161600.25)
        .doesNotContainKeys("batch_job_last_success_timestamp_seconds", "batch_job_exit_code",
            "batch_job_last_completion_timestamp_seconds");
    assertThat(gateway.type("declared", "batch_job_registered_timestamp_seconds")).isEqualTo("GAUGE");
  }

  @Test
  void registeringAgainKeepsTheFirstDeclarationAndTakesTheNewMaxAge() {
    Instant first = Instant.parse("2026-11-20T08:00:00Z");
    at(builder(), first).build().register("redeclared", DAY);

    Instant since = at(builder(), first.plus(Duration.ofDays(3))).build().register("redeclared", Duration.ofHours(2));

    assertThat(since).isEqualTo(first);
    assertThat(gateway.group("redeclared", Map.of()))
        .containsEntry("batch_job_registered_timestamp_seconds", (double) first.getEpochSecond())
        .containsEntry("batch_job_max_age_seconds", 7200.0);
  }

  @Test
  void registeringAJobThatRanLeavesEverythingItsRunsPushed() {
    BatchPush push = builder().build();
    try (JobRun run = push.start("ran_before")) {
      run.succeeded();
    }
    try (JobRun run = push.start("ran_before")) {
      run.failed(3);
    }
    Map<String, Double> before = gateway.group("ran_before", Map.of());

    push.register("ran_before", DAY);

    Map<String, Double> after = gateway.group("ran_before", Map.of());
    for (String metric : new String[] {"batch_job_last_success_timestamp_seconds", "batch_job_exit_code",
        "batch_job_last_completion_timestamp_seconds", "batch_job_last_start_timestamp_seconds",
        "batch_job_duration_seconds"}) {
      assertThat(after.get(metric)).as(metric).isEqualTo(before.get(metric));
    }
    assertThat(after).containsEntry("batch_job_max_age_seconds", 93600.0)
        .containsKey("batch_job_registered_timestamp_seconds");
  }

  @Test
  void aRunAfterTheRegistrationKeepsTheDeclarationAndTheRegisteredMaxAge() {
    Instant declared = Instant.parse("2026-11-20T08:00:00Z");
    at(builder(), declared).build().register("runs_later", DAY);

    builder().build().start("runs_later").succeeded().close();

    assertThat(gateway.group("runs_later", Map.of()))
        .containsEntry("batch_job_registered_timestamp_seconds", (double) declared.getEpochSecond())
        .containsEntry("batch_job_max_age_seconds", 93600.0)
        .containsEntry("batch_job_exit_code", 0.0);
  }

  @Test
  void theFirstDeclarationIsFoundAgainForNamesAndLabelsThatNeedEscaping() {
    String job = "say \"hi\" \\ a/b";
    Map<String, String> labels = Map.of("team", "x\ny", "empty", "");
    Instant first = Instant.parse("2026-11-20T08:00:00Z");
    BatchPush.Builder labelled = builder().label("team", "x\ny").label("empty", "");
    at(labelled, first).build().register(job, DAY);

    Instant since = labelled.clock(Clock.systemUTC()).build().register(job, DAY);

    assertThat(since).isEqualTo(first);
    assertThat(gateway.value(job, labels, "batch_job_registered_timestamp_seconds"))
        .isEqualTo((double) first.getEpochSecond());
  }

  @Test
  void eachGroupHasItsOwnDeclaration() {
    Instant first = Instant.parse("2026-11-20T08:00:00Z");
    at(builder().label("team", "a"), first).build().register("per_group", DAY);

    Instant now = Instant.parse("2026-11-21T08:00:00Z");
    Instant since = at(builder().label("team", "b"), now).build().register("per_group", DAY);

    assertThat(since).isEqualTo(now);
    assertThat(gateway.value("per_group", Map.of("team", "a"), "batch_job_registered_timestamp_seconds"))
        .isEqualTo((double) first.getEpochSecond());
  }

  @Test
  void theMetricPrefixNamesTheDeclaration() {
    builder().metricPrefix("cron").build().register("prefixed", DAY);

    assertThat(gateway.group("prefixed", Map.of())).containsKeys("cron_max_age_seconds",
        "cron_registered_timestamp_seconds");
  }

  @Test
  void aGatewayBehindARoutePrefixIsReadAndWrittenThere() {
    try (Pushgateway prefixed = Pushgateway.startWithRoutePrefix("/pgw")) {
      Instant first = Instant.parse("2026-11-20T08:00:00Z");
      BatchPush.Builder b = BatchPush.builder().gateway(prefixed.uri()).noSpool();
      at(b, first).build().register("behind_prefix", DAY);

      assertThat(b.clock(Clock.systemUTC()).build().register("behind_prefix", DAY)).isEqualTo(first);
    }
  }

  @Test
  void aGatewayWithBasicAuthIsReadWithTheCredentialsAndRefusesWrongOnes() {
    try (Pushgateway secured = WebConfig.in(tmp).basicAuth("pusher", "s3cret").start()) {
      BatchPush.Builder b = BatchPush.builder().gateway(secured.uri()).noSpool();

      b.basicAuth("pusher", "s3cret").build().register("secured", DAY);
      GatewayRejectedException wrong = catchThrowableOfType(GatewayRejectedException.class,
          () -> b.basicAuth("pusher", "wrong").build().register("secured", DAY));

      assertThat(secured.value("secured", Map.of(), "batch_job_max_age_seconds")).isEqualTo(93600.0);
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(wrong).hasMessage("register of {job=\"secured\"} to " + secured.uri() + " failed: reading the "
          + "gateway's metrics: wrong credentials (401): check the username and password or bearer token");
    }
  }

  @Test
  void nothingIsSentWhenTheGatewayCannotBeRead() {
    try (FaultServer refusing = FaultServer.start(gateway.uri(), Fault.status(503), Fault.pass())) {
      BatchPush push = BatchPush.builder().gateway(refusing.uri()).noSpool().build();

      GatewayRejectedException e = catchThrowableOfType(GatewayRejectedException.class,
          () -> push.register("unread", DAY));

      assertThat(e).hasMessage("register of {job=\"unread\"} to " + refusing.uri()
          + " failed: reading the gateway's metrics: HTTP 503: fault injected: HTTP 503");
      assertThat(refusing.requests()).extracting(FaultServer.Request::method).containsExactly("GET");
      assertThat(gateway.group("unread", Map.of())).isEmpty();
    }
  }

  @Test
  void aGatewayThatNeverAnswersFailsWithinTheDeadline() {
    try (FaultServer silent = FaultServer.start(null, Fault.hang())) {
      BatchPush push = BatchPush.builder().gateway(silent.uri()).deadline(Duration.ofSeconds(1)).build();
      long start = System.nanoTime();

      assertThatThrownBy(() -> push.register("hanging", DAY)).isInstanceOf(GatewayUnreachableException.class)
          .hasMessageStartingWith("register of {job=\"hanging\"} to " + silent.uri() + " failed: reading the "
              + "gateway's metrics: ");
      assertThat(Pushgateway.since(start)).isLessThan(Duration.ofMillis(1800));
    }
  }

  @Test
  void aGatewayThatTricklesItsAnswerIsCutOffAtTheDeadline() {
    try (FaultServer trickling = FaultServer.start(null, Fault.trickle())) {
      BatchPush push = BatchPush.builder().gateway(trickling.uri()).deadline(Duration.ofSeconds(1)).build();
      long start = System.nanoTime();

      assertThatThrownBy(() -> push.register("trickled", DAY)).isInstanceOf(PushException.class);
      assertThat(Pushgateway.since(start)).isLessThan(Duration.ofMillis(1800));
    }
  }

  @Test
  void anInstanceWithoutAGatewayCannotRegister() {
    BatchPush textfileOnly = BatchPush.builder().textfileDirectory(tmp).build();

    assertThatThrownBy(() -> textfileOnly.register("local", DAY)).isInstanceOf(IllegalStateException.class)
        .hasMessage("No gateway configured: set one with gateway(URI) or BATCHPUSH_GATEWAY");
  }

  @Test
  void badArgumentsAreRefusedBeforeAnythingIsSent() {
    BatchPush push = builder().build();

    assertThatThrownBy(() -> push.register(null, DAY)).isInstanceOf(NullPointerException.class)
        .hasMessage("job == null");
    assertThatThrownBy(() -> push.register("", DAY)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid job name: '' (a job needs a non-empty name, e.g. nightly_report)");
    assertThatThrownBy(() -> push.register("x", null)).isInstanceOf(NullPointerException.class)
        .hasMessage("maxAge == null");
    assertThatThrownBy(() -> push.register("x", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid maxAge: PT0S (must be positive)");
    assertThat(gateway.group("x", Map.of())).isEmpty();
  }
}
