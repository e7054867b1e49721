package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.batchpush.testing.FaultServer;
import io.github.batchpush.testing.FaultServer.Fault;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import io.github.batchpush.testing.WebConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link BatchPush#probe(String)}: reading the gateway and a job's group, pushing nothing. */
class GatewayProbeTest {
  private static final Duration MAX_AGE = Duration.ofHours(26);
  private static final Instant DECLARED = Instant.parse("2026-11-20T08:00:00.250Z");

  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path tmp;

  private BatchPush.Builder builder() {
    return BatchPush.builder().gateway(gateway.uri()).noSpool().strict(true);
  }

  private BatchPush at(Instant now) {
    return builder().clock(Clock.fixed(now, ZoneOffset.UTC)).build();
  }

  @Test
  void tellsWhichPushgatewayAnsweredAndPushesNothing() {
    Set<JsonNode> before = gateway.groupSet();

    GatewayProbe probe = builder().build().probe("never_pushed");

    assertThat(probe.version()).isEqualTo(gateway.version()).isNotEmpty();
    assertThat(probe.gateway()).isEqualTo(gateway.uri());
    assertThat(probe.elapsed()).isPositive();
    assertThat(probe.groupFound()).isFalse();
    assertThat(probe.noRecentSuccessAt()).isNull();
    assertThat(gateway.groupSet()).isEqualTo(before);
  }

  @Test
  void aRegisteredJobThatNeverRanPagesItsMaxAgeAfterItsDeclaration() {
    at(DECLARED).register("declared_only", MAX_AGE);

    GatewayProbe probe = builder().build().probe("declared_only");

    assertThat(probe.groupFound()).isTrue();
    assertThat(probe.registered()).isEqualTo(DECLARED);
    assertThat(probe.maxAge()).isEqualTo(MAX_AGE);
    assertThat(probe.lastSuccess()).isNull();
    assertThat(probe.exitCode()).isNull();
    assertThat(probe.noRecentSuccessAt()).isEqualTo(DECLARED.plus(MAX_AGE));
    assertThat(probe.lastPushRejected()).isNull();
  }

  @Test
  void aJobThatSucceededPagesItsMaxAgeAfterItsLastSuccess() {
    Instant finished = DECLARED.plus(Duration.ofHours(3));
    at(DECLARED).register("succeeded", MAX_AGE);
    at(finished).start("succeeded").succeeded().close();

    GatewayProbe probe = builder().build().probe("succeeded");

    assertThat(probe.lastSuccess()).isEqualTo(finished);
    assertThat(probe.lastCompletion()).isEqualTo(finished);
    assertThat(probe.exitCode()).isZero();
    assertThat(probe.noRecentSuccessAt()).isEqualTo(finished.plus(MAX_AGE));
  }

  @Test
  void aJobThatRanAndNeverSucceededPagesFromItsLastCompletion() {
    Instant finished = DECLARED.plus(Duration.ofHours(1));
    at(DECLARED).register("only_failed", MAX_AGE);
    at(finished).start("only_failed").failed(3).close();

    GatewayProbe probe = builder().build().probe("only_failed");

    assertThat(probe.exitCode()).isEqualTo(3);
    assertThat(probe.noRecentSuccessAt()).isEqualTo(finished);
  }

  @Test
  void aJobWithoutAMaxAgeCanNeverPageForLackOfSuccess() {
    builder().build().start("no_slo").succeeded().close();

    GatewayProbe probe = builder().build().probe("no_slo");

    assertThat(probe.groupFound()).isTrue();
    assertThat(probe.maxAge()).isNull();
    assertThat(probe.noRecentSuccessAt()).isNull();
  }

  @Test
  void theGroupIsTheOneOfTheInstancesLabelsAndMetricPrefix() {
    builder().label("team", "ops").metricPrefix("cron").maxAge(MAX_AGE).build().start("labelled").succeeded()
        .close();

    assertThat(builder().label("team", "ops").metricPrefix("cron").build().probe("labelled").maxAge())
        .isEqualTo(MAX_AGE);
    assertThat(builder().label("team", "ops").build().probe("labelled").maxAge()).isNull();
    assertThat(builder().metricPrefix("cron").build().probe("labelled").groupFound()).isFalse();
  }

  @Test
  void aPushTheGatewayRejectedIsReported() {
    builder().build().start("rejected").succeeded().close();
    // A sample with a timestamp: the gateway refuses the push and keeps the group's metrics.
    assertThat(gateway.request("POST", "/metrics/job/rejected", "batch_job_exit_code 1 1700000000000\n"))
        .isEqualTo(400);

    GatewayProbe probe = builder().build().probe("rejected");

    assertThat(probe.lastPushRejected()).isNotNull();
    assertThat(probe.exitCode()).isZero();
    builder().build().start("rejected").succeeded().close();
    assertThat(builder().build().probe("rejected").lastPushRejected()).as("a later push was taken").isNull();
  }

  @Test
  void aServerThatIsNotAPushgatewayHasNoVersion() {
    try (FaultServer other = FaultServer.start(null, Fault.status(200))) {
      GatewayProbe probe = BatchPush.builder().gateway(other.uri()).noSpool().build().probe();

      assertThat(probe.version()).isNull();
    }
  }

  @Test
  void wrongCredentialsAreRejectedWith401AndTheSecretIsNotInTheMessage() throws Exception {
    WebConfig web = WebConfig.in(tmp).basicAuth("pusher", "s3cr3t-pw").tls();
    try (Pushgateway secured = web.start()) {
      BatchPush.Builder secure = BatchPush.builder().gateway(secured.uri()).noSpool().caCertificates(web.caFile());
      assertThat(secure.basicAuth("pusher", "s3cr3t-pw").build().probe().version()).isEqualTo(secured.version());

      GatewayRejectedException wrong = catchThrowableOfType(GatewayRejectedException.class,
          () -> secure.basicAuth("pusher", "not-the-pw").build().probe());

      assertThat(wrong.status()).isEqualTo(401);
      assertThat(wrong.getMessage()).isEqualTo("gateway " + secured.uri() + ": wrong credentials (401): check the "
          + "username and password or bearer token");
    }
  }

  @Test
  void aCaThatDidNotSignTheGatewaysCertificateIsATlsFailureNamingTheCaFile() throws Exception {
    WebConfig web = WebConfig.in(Files.createDirectories(tmp.resolve("gateway"))).tls();
    Path otherCa = WebConfig.selfSignedCertificate(Files.createDirectories(tmp.resolve("other")));
    try (Pushgateway secured = web.start()) {
      BatchPush push = BatchPush.builder().gateway(secured.uri()).noSpool().caCertificates(otherCa).build();

      GatewayUnreachableException e = catchThrowableOfType(GatewayUnreachableException.class, push::probe);

      assertThat(e.getMessage()).startsWith("gateway " + secured.uri() + ": TLS failed (").endsWith("): check that "
          + "caCertificates(Path) '" + otherCa + "' holds the CA that signed the gateway's certificate, and that the "
          + "certificate names this host");
    }
  }

  @Test
  void anUnreachableGatewayIsNamedInTheMessage() {
    URI nowhere = URI.create("http://127.0.0.1:" + Pushgateway.freePort());
    BatchPush push = BatchPush.builder().gateway(nowhere).noSpool().deadline(Duration.ofSeconds(1)).build();

    GatewayUnreachableException e = catchThrowableOfType(GatewayUnreachableException.class, push::probe);

    assertThat(e.getMessage()).startsWith("gateway " + nowhere + ": unreachable (ConnectException: ");
  }

  @Test
  void aTextfileOnlyInstanceHasNoGatewayToProbe() {
    BatchPush textfileOnly = BatchPush.builder().textfileDirectory(tmp).build();

    assertThatThrownBy(textfileOnly::probe).isInstanceOf(IllegalStateException.class);
  }
}
