package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.batchpush.testing.FaultServer;
import io.github.batchpush.testing.FaultServer.Fault;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import io.github.batchpush.testing.WebConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Delivery to the real Pushgateway, and to a fake one for the faults the real one cannot produce. */
class GatewayDeliveryTest {
  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path tmp;

  private BatchPush.Builder to(URI uri) {
    return BatchPush.builder().gateway(uri).noSpool();
  }

  @ParameterizedTest(name = "job name [{0}] arrives exactly")
  @ValueSource(strings = {"my job", "a/b", "a+b", "100%", "zürich", "a.b", ".", "..", "x?y#z&w=v", "日本"})
  void jobNamesArriveExactlyAsGiven(String job) {
    to(gateway.uri()).strict(true).build().start(job).succeeded().close();
    assertThat(gateway.value(job, Map.of(), "batch_job_exit_code")).isEqualTo(0.0);
  }

  @ParameterizedTest(name = "label value [{0}] arrives exactly")
  @ValueSource(strings = {"", "with space", "a/b/c", "1+1", "50%", "ünïcødé", "/"})
  void labelValuesArriveExactlyAsGiven(String value) {
    to(gateway.uri()).strict(true).label("instance", "").label("value", value).build()
        .start("label_values").succeeded().close();
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("instance", "");
    labels.put("value", value);
    assertThat(gateway.value("label_values", labels, "batch_job_exit_code")).isEqualTo(0.0);
  }

  @Test
  void aPathPrefixReachesAGatewayBehindARoutePrefix() {
    try (Pushgateway prefixed = Pushgateway.startWithRoutePrefix("/pgw")) {
      assertThat(prefixed.uri().getPath()).isEqualTo("/pgw");
      to(prefixed.uri()).strict(true).build().start("prefixed").succeeded().close();
      assertThat(prefixed.value("prefixed", Map.of(), "batch_job_exit_code")).isEqualTo(0.0);
      // a trailing slash on the configured URL makes no difference
      to(URI.create(prefixed.uri() + "/")).strict(true).build().start("prefixed_slash").succeeded().close();
      assertThat(prefixed.value("prefixed_slash", Map.of(), "batch_job_exit_code")).isEqualTo(0.0);
    }
  }

  @Test
  void aTypeConflictIsReportedWithTheGatewaysReasonAndNotRetried() {
    assertThat(gateway.request("POST", "/metrics/job/untyped_first", "batch_job_conflict_exit_code 1\n"))
        .isEqualTo(200);
    BatchPush push = to(gateway.uri()).metricPrefix("batch_job_conflict").strict(true).build();
    long start = System.nanoTime();
    GatewayRejectedException e = catchThrowableOfType(GatewayRejectedException.class,
        () -> push.start("typed_second").close());
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.isTransient()).isFalse();
    assertThat(e.getMessage())
        .startsWith("push of {job=\"typed_second\"} to " + gateway.uri() + " failed: gateway rejected the metrics "
            + "(400): pushed metrics are invalid or inconsistent with existing metrics")
        .contains("batch_job_conflict_exit_code")
        .doesNotContain("gave up after")
        .doesNotContain("\n");
    assertThat(Pushgateway.since(start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void aServerThatNeverAnswersIsBoundedByTheDeadline() {
    try (FaultServer silent = FaultServer.start(null, Fault.hang())) {
      BatchPush push = to(silent.uri()).deadline(Duration.ofMillis(1500)).build();
      long start = System.nanoTime();
      push.start("hangs").succeeded().close();
      Duration took = Pushgateway.since(start);
      assertThat(took).isBetween(Duration.ofMillis(1000), Duration.ofMillis(2500));
    }
  }

  @Test
  void aGatewayThatTricklesItsAnswerIsCutOffAtTheDeadline() {
    try (FaultServer trickling = FaultServer.start(null, Fault.trickle())) {
      BatchPush push = to(trickling.uri()).readTimeout(Duration.ofSeconds(1)).deadline(Duration.ofMillis(1500))
          .build();
      long start = System.nanoTime();
      push.start("trickled").succeeded().close();
      assertThat(Pushgateway.since(start)).isBetween(Duration.ofMillis(1000), Duration.ofMillis(2500));
      GatewayUnreachableException e = catchThrowableOfType(GatewayUnreachableException.class,
          () -> push.newBuilder().strict(true).deadline(Duration.ofMillis(700)).build().start("trickled").close());
      assertThat(e.getMessage()).matches("push of \\{job=\"trickled\"} to " + trickling.uri()
          + " failed: no complete answer within the deadline \\((6\\d\\d|700) ms\\)");
    }
  }

  @Test
  void theDefaultDeadlineBoundsAHangToTenSecondsNotSimpleclientsTwenty() {
    try (FaultServer silent = FaultServer.start(null, Fault.hang())) {
      BatchPush push = to(silent.uri()).build();
      long start = System.nanoTime();
      push.start("hangs_default").succeeded().close();
      assertThat(Pushgateway.since(start)).isBetween(Duration.ofSeconds(5), Duration.ofMillis(10_500));
    }
  }

  @Test
  void transientStatusesAreRetriedUntilTheDeadline() {
    try (FaultServer unavailable = FaultServer.start(null, Fault.status(503))) {
      BatchPush push = to(unavailable.uri()).deadline(Duration.ofSeconds(2)).strict(true).build();
      GatewayRejectedException e = catchThrowableOfType(GatewayRejectedException.class,
          () -> push.start("retried").close());
      assertThat(e.status()).isEqualTo(503);
      assertThat(e.getMessage()).contains("HTTP 503: fault injected: HTTP 503").contains("gave up after");
      assertThat(unavailable.requests().size()).isGreaterThanOrEqualTo(3);
    }
  }

  @ParameterizedTest(name = "{0} is permanent: one request only")
  @ValueSource(ints = {400, 401, 403, 404})
  void permanentStatusesAreNotRetried(int status) {
    try (FaultServer refusing = FaultServer.start(null, Fault.status(status))) {
      BatchPush push = to(refusing.uri()).strict(true).build();
      assertThatThrownBy(() -> push.start("permanent").close()).isInstanceOf(GatewayRejectedException.class);
      assertThat(refusing.requests().size()).isEqualTo(1);
    }
  }

  @Test
  void aClosedPortIsUnreachableAndDoesNotThrowFromClose() {
    URI closed = URI.create("http://127.0.0.1:" + Pushgateway.freePort());
    long start = System.nanoTime();
    to(closed).deadline(Duration.ofSeconds(1)).build().start("down").succeeded().close();
    assertThat(Pushgateway.since(start)).isLessThan(Duration.ofMillis(1500));
    GatewayUnreachableException e = catchThrowableOfType(GatewayUnreachableException.class,
        () -> to(closed).deadline(Duration.ofSeconds(1)).strict(true).build().start("down").close());
    assertThat(e.getMessage()).startsWith("push of {job=\"down\"} to " + closed + " failed: unreachable (");
  }

  @Test
  void aHostNameIsResolvedWithinTheDeadlineAndAnUnknownOneIsUnreachable() {
    URI byName = URI.create("http://localhost:" + gateway.port());
    to(byName).strict(true).build().start("by_name").succeeded().close();
    assertThat(gateway.value("by_name", Map.of(), "batch_job_exit_code")).isEqualTo(0.0);

    URI unknown = URI.create("http://batchpush-test-host.invalid:9091");
    long start = System.nanoTime();
    GatewayUnreachableException e = catchThrowableOfType(GatewayUnreachableException.class,
        () -> to(unknown).deadline(Duration.ofSeconds(1)).strict(true).build().start("nowhere").close());
    assertThat(e.getMessage()).startsWith("push of {job=\"nowhere\"} to " + unknown
        + " failed: unreachable (UnknownHostException: batchpush-test-host.invalid");
    assertThat(Pushgateway.since(start)).isLessThan(Duration.ofMillis(1500));
  }

  @Test
  void basicAuthAndTlsWithACustomCaDeliver() {
    WebConfig web = WebConfig.in(tmp).basicAuth("pusher", "s3cr3t-pw").tls();
    try (Pushgateway secured = web.start()) {
      to(secured.uri()).basicAuth("pusher", "s3cr3t-pw").caCertificates(web.caFile()).strict(true).build()
          .start("secured").succeeded().close();
      assertThat(secured.value("secured", Map.of(), "batch_job_exit_code")).isEqualTo(0.0);

      GatewayRejectedException wrong = catchThrowableOfType(GatewayRejectedException.class,
          () -> to(secured.uri()).basicAuth("pusher", "not-the-pw").caCertificates(web.caFile()).strict(true)
              .build().start("secured").close());
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(wrong.getMessage()).endsWith("wrong credentials (401): check the username and password or "
          + "bearer token").doesNotContain("not-the-pw");

      GatewayRejectedException missing = catchThrowableOfType(GatewayRejectedException.class,
          () -> to(secured.uri()).caCertificates(web.caFile()).strict(true).build().start("secured").close());
      assertThat(missing.getMessage()).contains("the gateway requires credentials (401)");

      GatewayUnreachableException untrusted = catchThrowableOfType(GatewayUnreachableException.class,
          () -> to(secured.uri()).basicAuth("pusher", "s3cr3t-pw").strict(true).build().start("secured").close());
      assertThat(untrusted.getMessage()).contains("TLS failed (").contains("BATCHPUSH_CA_CERT");
    }
  }

  @Test
  void passwordFilesAreReadAndTheirContentNeverPrinted() throws Exception {
    Path pw = tmp.resolve("pw");
    java.nio.file.Files.writeString(pw, "from-a-file\n");
    WebConfig web = WebConfig.in(tmp).basicAuth("pusher", "from-a-file");
    try (Pushgateway secured = web.start()) {
      BatchPush push = to(secured.uri()).basicAuth("pusher", pw).strict(true).build();
      push.start("file_pw").succeeded().close();
      assertThat(secured.value("file_pw", Map.of(), "batch_job_exit_code")).isEqualTo(0.0);
      assertThat(push.toString()).doesNotContain("from-a-file").contains("auth=basic");
    }
  }

  @Test
  void fiveHundredRunsFromFiftyThreadsAllArrive() throws Exception {
    BatchPush push = BatchPush.builder().gateway(gateway.uri()).spoolDirectory(tmp.resolve("spool"))
        .label("suite", "concurrency").strict(true).build();
    ExecutorService pool = Executors.newFixedThreadPool(50);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 50; t++) {
      int thread = t;
      futures.add(pool.submit(() -> {
        for (int i = 0; i < 10; i++) {
          push.start("concurrent_" + thread + "_" + i).gauge("records_processed", thread * 10 + i).succeeded()
              .close();
        }
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    int arrived = 0;
    for (int t = 0; t < 50; t++) {
      for (int i = 0; i < 10; i++) {
        Double v = gateway.value("concurrent_" + t + "_" + i, Map.of("suite", "concurrency"),
            "batch_job_records_processed");
        if (v != null && v == t * 10 + i) {
          arrived++;
        }
      }
    }
    assertThat(arrived).isEqualTo(500);
  }
}
