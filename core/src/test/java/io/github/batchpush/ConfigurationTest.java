package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad configuration fails at build time, with one line naming the value and the rule. */
class ConfigurationTest {
  @TempDir
  Path tmp;

  private static void assertInvalid(Runnable r, String message) {
    assertThatThrownBy(r::run).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @Test
  void emptyJobIsRejected() {
    BatchPush push = BatchPush.builder().gateway(URI.create("http://localhost:9091")).noSpool().build();
    assertInvalid(() -> push.start(""), "Invalid job name: '' (a job needs a non-empty name, e.g. nightly_report)");
  }

  @ParameterizedTest(name = "label name [{0}]")
  @CsvSource(delimiter = '|', value = {
      "1abc|Invalid label name: '1abc' (must match [a-zA-Z_][a-zA-Z0-9_]*, e.g. team)",
      "te-am|Invalid label name: 'te-am' (must match [a-zA-Z_][a-zA-Z0-9_]*, e.g. team)",
      "__name|Invalid label name: '__name' (names starting with '__' are reserved by Prometheus; drop the leading "
          + "underscores)",
      "job|Invalid label name: 'job' (the job name is the group's job label; give it as the job name, not as a label)",
  })
  void badLabelNamesAreRejected(String name, String message) {
    assertInvalid(() -> BatchPush.builder().label(name, "x"), message);
  }

  @Test
  void labelAssignmentsNeedAnEqualsSign() {
    assertInvalid(() -> BatchPush.builder().label("team"),
        "Invalid label: 'team' (write it as key=value, e.g. team=data)");
    assertInvalid(() -> BatchPush.builder().label("=data"),
        "Invalid label: '=data' (write it as key=value, e.g. team=data)");
  }

  @Test
  void labelAssignmentsKeepEverythingAfterTheFirstEqualsSign() {
    BatchPush.Builder b = BatchPush.builder().gateway(URI.create("http://h:1")).label("q=a=b").label("e=");
    assertThat(b.noSpool().build().labels()).containsEntry("q", "a=b").containsEntry("e", "");
  }

  @ParameterizedTest(name = "metric prefix [{0}]")
  @CsvSource({"9lives", "batch-job", "batch_job_", "''"})
  void badMetricPrefixesAreRejected(String prefix) {
    assertInvalid(() -> BatchPush.builder().metricPrefix(prefix), "Invalid metric prefix: '" + prefix
        + "' (use letters, digits and underscores, not starting with a digit or ending with '_', e.g. batch_job)");
  }

  @Test
  void gaugesMayNotShadowTheBuiltInMetrics() {
    JobRun run = BatchPush.builder().gateway(URI.create("http://h:1")).noSpool().build().start("j");
    assertInvalid(() -> run.gauge("exit_code", 1),
        "Invalid gauge name: 'exit_code' is recorded by batchpush itself; pick another name");
    assertInvalid(() -> run.gauge("records-processed", 1), "Invalid gauge name: 'records-processed' (use letters, "
        + "digits and underscores, not starting with a digit, e.g. records_processed)");
    assertInvalid(() -> run.failed(0), "Invalid exit code for a failed run: 0 (0 means success; call succeeded())");
  }

  @ParameterizedTest(name = "gateway [{0}]")
  @CsvSource(delimiter = '|', value = {
      "ftp://gw:9091|Invalid gateway URL: 'ftp://gw:9091' (use http:// or https://, e.g. http://localhost:9091)",
      "localhost:9091|Invalid gateway URL: 'localhost:9091' (use http:// or https://, e.g. http://localhost:9091)",
      "http://u:secret@gw:9091|Invalid gateway URL: 'http://***@gw:9091' (credentials in the URL would end up in "
          + "logs; remove them and use a username and password: BATCHPUSH_USERNAME, BATCHPUSH_PASSWORD)",
      "http://gw:9091/?token=s3cret|Invalid gateway URL: 'http://gw:9091/?***' (no query or fragment; a path "
          + "prefix such as /pgw is fine)",
      "http://gw:9091/#s3cret|Invalid gateway URL: 'http://gw:9091/#***' (no query or fragment; a path prefix such "
          + "as /pgw is fine)",
      "ftp://u:s3cret@gw:9091|Invalid gateway URL: 'ftp://***@gw:9091' (use http:// or https://, e.g. "
          + "http://localhost:9091)",
  })
  void badGatewayUrlsAreRejected(String url, String message) {
    assertInvalid(() -> BatchPush.builder().gateway(URI.create(url)), message);
  }

  @Test
  void aGatewayOrTextfileDirectoryIsRequired() {
    assertThatThrownBy(() -> BatchPush.builder().build()).isInstanceOf(IllegalStateException.class)
        .hasMessage("No gateway configured: set gateway(URI) (or textfileDirectory(Path) to only write textfiles)");
  }

  @Test
  void secretsLoseTheirTrailingLineBreakAndMayNotHideControlCharacters() {
    assertThat(BatchPush.builder().gateway(URI.create("http://h:1")).bearerToken("tok-123\n").noSpool().build()
        .toString()).contains("auth=bearer");
    assertThatThrownBy(() -> BatchPush.builder().gateway(URI.create("http://h:1")).bearerToken("tok\n-SECRET")
        .build()).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("The bearer token contains a control character (a line break or tab inside it?): remove it");
    assertInvalid(() -> BatchPush.builder().gateway(URI.create("http://h:1")).basicAuth("u", "pw\tSECRET").build(),
        "The password contains a control character (a line break or tab inside it?): remove it");
  }

  @Test
  void runLevelGaugesMayNotTakeTheStepGaugesNames() {
    JobRun run = BatchPush.builder().gateway(URI.create("http://h:1")).noSpool().build().start("j");
    assertInvalid(() -> run.gauge("step_items_read", 1), "Invalid gauge name: 'step_items_read' (names starting "
        + "with step_ are for step gauges: use stepGauge(step, name, value))");
  }

  @Test
  void basicAuthAndBearerTokenTogetherAreRejected() {
    assertInvalid(() -> BatchPush.builder().gateway(URI.create("http://h:1")).basicAuth("u", "p").bearerToken("t")
        .build(), "username(String) and bearerToken(String) are both set: use basic auth or a bearer token, not both");
  }

  @Test
  void unreadableSecretFilesNameTheFileNotTheSecret() throws Exception {
    Path missing = tmp.resolve("missing");
    assertInvalid(() -> BatchPush.builder().gateway(URI.create("http://h:1")).bearerToken(missing).build(),
        "Cannot read the bearer token file '" + missing + "': NoSuchFileException (check that it exists and is "
            + "readable by this user)");
    Path empty = Files.writeString(tmp.resolve("empty"), "\n");
    assertInvalid(() -> BatchPush.builder().gateway(URI.create("http://h:1")).basicAuth("u", empty).build(),
        "The password file '" + empty + "' is empty: put the secret in it");
  }

  @Test
  void environmentVariablesConfigureEverythingAndNameTheVariableWhenBad() throws Exception {
    Path token = Files.writeString(tmp.resolve("token"), "tok\n");
    BatchPush push = BatchPush.builder().environment(Map.of(
        "BATCHPUSH_GATEWAY", "https://gw.example:9443/pgw",
        "BATCHPUSH_LABELS", "team=data, env=prod",
        "BATCHPUSH_METRIC_PREFIX", "etl",
        "BATCHPUSH_BEARER_TOKEN_FILE", token.toString(),
        "BATCHPUSH_SPOOL_DIR", tmp.resolve("spool").toString())).build();
    assertThat(push.gateway()).isEqualTo(URI.create("https://gw.example:9443/pgw"));
    assertThat(push.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("team", "data", "env", "prod"));
    assertThat(push.metricPrefix()).isEqualTo("etl");
    assertThat(push.spoolDirectory()).isEqualTo(tmp.resolve("spool"));
    assertThat(push.toString()).contains("auth=bearer").doesNotContain("tok");

    assertInvalid(() -> BatchPush.builder().environment(Map.of("BATCHPUSH_DEADLINE", "soon")),
        "Invalid BATCHPUSH_DEADLINE: Invalid duration: 'soon' (use a whole number with ms, s, m, h or d such as 90s, "
            + "5m, 26h, 1d, or ISO-8601 such as PT90S)");
    assertInvalid(() -> BatchPush.builder().gateway(URI.create("http://h:1"))
            .environment(Map.of("BATCHPUSH_USERNAME", "u")).build(),
        "BATCHPUSH_USERNAME needs a password: set BATCHPUSH_PASSWORD_FILE or BATCHPUSH_PASSWORD");
    assertInvalid(() -> BatchPush.builder().environment(Map.of("BATCHPUSH_LABELS", "job=x")),
        "Invalid BATCHPUSH_LABELS: Invalid label name: 'job' (the job name is the group's job label; give it as "
            + "the job name, not as a label)");
  }

  @Test
  void newBuilderMakesAChangedCopyAndLeavesTheOriginalAlone() {
    BatchPush base = BatchPush.builder().gateway(URI.create("http://h:1")).label("team", "data").noSpool().build();
    BatchPush copy = base.newBuilder().label("tier", "gold").build();
    assertThat(base.labels()).containsOnlyKeys("team");
    assertThat(copy.labels()).containsOnlyKeys("team", "tier");
  }

  @ParameterizedTest(name = "duration [{0}] = {1}")
  @CsvSource({"90s,PT1M30S", "5m,PT5M", "2h,PT2H", "1d,PT24H", "26h,PT26H", "250ms,PT0.25S", "PT15M,PT15M",
      "p1d,PT24H", "' 10s ',PT10S"})
  void durationsParseTheShortAndTheIsoForms(String text, String expected) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest(name = "bad duration [{0}]")
  @CsvSource({"10", "-5s", "1.5h", "PT-5S", "tomorrow", "''"})
  void badDurationsNameTheTextAndTheAcceptedForms(String text) {
    assertInvalid(() -> Durations.parse(text), "Invalid duration: '" + text + "' (use a whole number with ms, s, "
        + "m, h or d such as 90s, 5m, 26h, 1d, or ISO-8601 such as PT90S)");
  }
}
