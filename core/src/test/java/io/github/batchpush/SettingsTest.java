package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.batchpush.testing.WebConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one table of settings, their precedence and their defaults, as every face of batchpush uses it. */
class SettingsTest {
  @TempDir
  Path tmp;

  private static void assertInvalid(Runnable r, String message) {
    assertThatThrownBy(r::run).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  private static BatchPush.Builder toSomeGateway() {
    return BatchPush.builder().gateway(URI.create("http://127.0.0.1:9")).noSpool();
  }

  @Test
  void everyVariableOfTheTableReachesTheBatchPush() throws Exception {
    Path password = Files.writeString(tmp.resolve("pw"), "s3cret\n");
    Path ca = WebConfig.selfSignedCertificate(tmp);
    Map<String, String> env = new HashMap<>();
    env.put("BATCHPUSH_GATEWAY", "https://gw.example:9443/pgw/");
    env.put("BATCHPUSH_USERNAME", "ops");
    env.put("BATCHPUSH_PASSWORD_FILE", password.toString());
    env.put("BATCHPUSH_LABELS", "team=data,env=prod");
    env.put("BATCHPUSH_METRIC_PREFIX", "etl");
    env.put("BATCHPUSH_CONNECT_TIMEOUT", "1s");
    env.put("BATCHPUSH_READ_TIMEOUT", "2s");
    env.put("BATCHPUSH_DEADLINE", "7s");
    env.put("BATCHPUSH_SPOOL_DIR", tmp.resolve("spool").toString());
    env.put("BATCHPUSH_TEXTFILE_DIR", tmp.resolve("textfiles").toString());
    env.put("BATCHPUSH_CA_CERT", ca.toString());
    // Every variable but the secrets and the token file (basic auth and a token together are refused).
    assertThat(env).hasSize((int) Arrays.stream(Setting.values()).filter(s -> !s.isSecret()
        && s != Setting.BEARER_TOKEN_FILE).count());

    BatchPush push = BatchPush.builder().environment(env).build();

    assertThat(push.gateway()).isEqualTo(URI.create("https://gw.example:9443/pgw"));
    assertThat(push.authentication()).isEqualTo(BatchPush.Authentication.BASIC);
    assertThat(push.username()).isEqualTo("ops");
    assertThat(push.labels()).containsExactly(Map.entry("team", "data"), Map.entry("env", "prod"));
    assertThat(push.metricPrefix()).isEqualTo("etl");
    assertThat(push.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(push.readTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(push.deadline()).isEqualTo(Duration.ofSeconds(7));
    assertThat(push.spoolDirectory()).isEqualTo(tmp.resolve("spool"));
    assertThat(push.textfileDirectory()).isEqualTo(tmp.resolve("textfiles"));
    assertThat(push.caCertificates()).isEqualTo(ca);
  }

  @Test
  void aBuilderStartsFromTheDeclaredDefaults() {
    BatchPush push = toSomeGateway().build();
    assertThat(push.metricPrefix()).isEqualTo(Defaults.METRIC_PREFIX).isEqualTo(Setting.METRIC_PREFIX.defaultValue());
    assertThat(push.connectTimeout()).isEqualTo(Defaults.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(push.readTimeout()).isEqualTo(Defaults.readTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(push.deadline()).isEqualTo(Defaults.deadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(Durations.parse(Setting.DEADLINE.defaultValue())).isEqualTo(push.deadline());
    assertThat(BatchPush.fromEnvironment().gateway()).isEqualTo(URI.create(Setting.GATEWAY.defaultValue()));
  }

  @Test
  void newBuilderCopiesEverySettingAndTheResolvedCredentials() throws Exception {
    Path token = Files.writeString(tmp.resolve("token"), "tok\n");
    BatchPush base = BatchPush.builder().gateway(URI.create("http://127.0.0.1:9")).bearerToken(token)
        .metricPrefix("etl").connectTimeout(Duration.ofMillis(300)).readTimeout(Duration.ofMillis(400))
        .deadline(Duration.ofSeconds(4)).pushAtStart(true).maxAge(Duration.ofHours(26)).strict(true)
        .spoolDirectory(tmp.resolve("spool")).textfileDirectory(tmp.resolve("tf")).label("team", "data").build();
    Files.delete(token);

    BatchPush copy = base.newBuilder().label("tier", "gold").build();

    assertThat(copy.authentication()).isEqualTo(BatchPush.Authentication.BEARER);
    assertThat(copy.metricPrefix()).isEqualTo("etl");
    assertThat(copy.connectTimeout()).isEqualTo(Duration.ofMillis(300));
    assertThat(copy.readTimeout()).isEqualTo(Duration.ofMillis(400));
    assertThat(copy.deadline()).isEqualTo(Duration.ofSeconds(4));
    assertThat(copy.pushAtStart()).isTrue();
    assertThat(copy.maxAge()).isEqualTo(Duration.ofHours(26));
    assertThat(copy.strict()).isTrue();
    assertThat(copy.spoolDirectory()).isEqualTo(tmp.resolve("spool"));
    assertThat(copy.textfileDirectory()).isEqualTo(tmp.resolve("tf"));
    assertThat(copy.labels()).containsExactly(Map.entry("team", "data"), Map.entry("tier", "gold"));
    assertThat(base.labels()).containsOnlyKeys("team");
    assertThat(base.newBuilder().build().spoolDirectory()).isEqualTo(tmp.resolve("spool"));
    assertThat(toSomeGateway().build().newBuilder().build().spoolDirectory()).isNull();
  }

  @Test
  void aValueGivenThroughAKeyIsNamedByThatKeyWhenBad() {
    assertInvalid(() -> BatchPush.builder().set(Setting.DEADLINE, "soon", "--deadline"),
        "Invalid --deadline: Invalid duration: 'soon' (use a whole number with ms, s, m, h or d such as 90s, 5m, 26h, "
            + "1d, or ISO-8601 such as PT90S)");
    assertInvalid(() -> BatchPush.builder().set(Setting.LABELS, "team", "batchpush.labels"),
        "Invalid batchpush.labels: Invalid label: 'team' (write it as key=value, e.g. team=data)");
  }

  @Test
  void anOptionGivenAfterTheEnvironmentWinsAndIsNamedInConflicts() {
    BatchPush.Builder b = toSomeGateway().environment(Map.of("BATCHPUSH_DEADLINE", "3s", "BATCHPUSH_BEARER_TOKEN",
        "tok")).set(Setting.DEADLINE, "5s", "--deadline").set(Setting.USERNAME, "ops", "--username")
        .set(Setting.PASSWORD, "pw", "BATCHPUSH_PASSWORD");
    assertInvalid(b::build, "--username and BATCHPUSH_BEARER_TOKEN are both set: use basic auth or a bearer token, "
        + "not both");
    assertThat(toSomeGateway().environment(Map.of("BATCHPUSH_DEADLINE", "3s")).set(Setting.DEADLINE, "5s",
        "--deadline").build().deadline()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void conflictsNameTheKeysAsTheFaceCallsThem() {
    Map<Setting, String> properties = new EnumMap<>(Setting.class);
    properties.put(Setting.USERNAME, "batchpush.username");
    properties.put(Setting.PASSWORD, "batchpush.password");
    properties.put(Setting.PASSWORD_FILE, "batchpush.password-file");
    assertInvalid(() -> toSomeGateway().keyNames(properties::get).username("ops").build(),
        "batchpush.username needs a password: set batchpush.password-file or batchpush.password");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "BATCHPUSH_PASSWORD|BATCHPUSH_PASSWORD needs a user: set BATCHPUSH_USERNAME",
      "BATCHPUSH_PASSWORD_FILE|BATCHPUSH_PASSWORD_FILE needs a user: set BATCHPUSH_USERNAME",
  })
  void aPasswordWithoutAUserIsRefusedRatherThanIgnored(String variable, String message) {
    assertInvalid(() -> toSomeGateway().environment(Map.of(variable, "/some/where")).build(), message);
  }

  @Test
  void aFileWinsOverTheInlineSecret() throws Exception {
    Path file = Files.writeString(tmp.resolve("pw"), "from-file");
    BatchPush push = toSomeGateway().environment(Map.of("BATCHPUSH_USERNAME", "ops", "BATCHPUSH_PASSWORD", "inline",
        "BATCHPUSH_PASSWORD_FILE", file.toString())).build();
    assertThat(push.newBuilder()).extracting("password").isEqualTo("from-file");
  }

  @Test
  void labelsParseOneOrManyAssignments() {
    assertThat(Labels.label("q=a=b")).isEqualTo(Map.entry("q", "a=b"));
    assertThat(Labels.labels(" team=data, env=prod,, ")).containsExactly(Map.entry("team", "data"),
        Map.entry("env", "prod"));
    assertThat(Labels.labels(List.of("team=data", "path=/a,b"))).containsExactly(Map.entry("team", "data"),
        Map.entry("path", "/a,b"));
    assertThat(Labels.labels("")).isEmpty();
    assertInvalid(() -> Labels.labels("team=data,step=x"),
        "Invalid label name: 'step' (reserved for step gauges; pick another name)");
  }

  // Review L6: BATCHPUSH_GATEWAY= (a template that expanded to nothing) pushed to localhost:9091 without a word.
  @Test
  void aVariableSetToNothingIsRefusedUnlessTheSettingIsGivenAfterwards() {
    assertInvalid(() -> BatchPush.builder().environment(Map.of("BATCHPUSH_GATEWAY", " ")).build(),
        "BATCHPUSH_GATEWAY is set but empty: give it a value, or unset it for the default (http://localhost:9091)");
    assertInvalid(() -> toSomeGateway().environment(Map.of("BATCHPUSH_TEXTFILE_DIR", "")).build(),
        "BATCHPUSH_TEXTFILE_DIR is set but empty: give it a value, or unset it");
    BatchPush given = BatchPush.builder().environment(Map.of("BATCHPUSH_GATEWAY", "", "BATCHPUSH_SPOOL_DIR", "",
        "BATCHPUSH_LABELS", "")).set(Setting.GATEWAY, "http://127.0.0.1:9", "--gateway").noSpool().build();
    assertThat(given.gateway()).isEqualTo(URI.create("http://127.0.0.1:9"));
    assertThat(given.labels()).isEmpty();
  }

  // Review L6: `--label env=prod --label env=test` and BATCHPUSH_LABELS=env=prod,env=test silently kept the last.
  @Test
  void aLabelGivenTwiceInOnePlaceIsRefusedWithBothValues() {
    assertInvalid(() -> Labels.labels("env=prod, team=data, env=test"),
        "Invalid labels: 'env' is given twice (env=prod, env=test); give each label once");
    assertInvalid(() -> Labels.labels(List.of("env=prod", "env=prod")),
        "Invalid labels: 'env' is given twice (env=prod, env=prod); give each label once");
  }

  @Test
  void deleteAppliesTheJobNameRuleToo() {
    assertInvalid(() -> toSomeGateway().build().delete(""),
        "Invalid job name: '' (a job needs a non-empty name, e.g. nightly_report)");
  }

  @Test
  void theVariablesOfTheTableAreTheDocumentedOnes() {
    assertThat(Setting.values()).extracting(Setting::environmentVariable).containsExactly("BATCHPUSH_GATEWAY",
        "BATCHPUSH_USERNAME", "BATCHPUSH_PASSWORD", "BATCHPUSH_PASSWORD_FILE", "BATCHPUSH_BEARER_TOKEN",
        "BATCHPUSH_BEARER_TOKEN_FILE", "BATCHPUSH_CA_CERT", "BATCHPUSH_LABELS", "BATCHPUSH_METRIC_PREFIX",
        "BATCHPUSH_CONNECT_TIMEOUT", "BATCHPUSH_READ_TIMEOUT", "BATCHPUSH_DEADLINE", "BATCHPUSH_SPOOL_DIR",
        "BATCHPUSH_TEXTFILE_DIR");
    assertThat(Setting.values()).filteredOn(Setting::isSecret).containsExactly(Setting.PASSWORD,
        Setting.BEARER_TOKEN);
  }
}
