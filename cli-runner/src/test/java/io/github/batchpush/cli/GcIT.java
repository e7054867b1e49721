package io.github.batchpush.cli;

import static io.github.batchpush.cli.Launch.batchpush;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import io.github.batchpush.testing.WebConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code batchpush gc} against a real Pushgateway holding fresh groups, stale ones and stale ones that declare a max
 * age. Groups are made stale by time, not by a clock of the test's: they are pushed, then a few seconds pass, then
 * the fresh ones are pushed, and gc runs with {@code --older-than 2s}.
 */
class GcIT {
  private static final String MAX_AGE_26H = "# TYPE batch_job_max_age_seconds gauge\nbatch_job_max_age_seconds 93600\n";
  /** The labels of a group whose values a plain path segment could not carry: a '/', and an empty value. */
  private static final String SPECIAL = "job@base64/YS9i/path@base64/L3Zhci9sb2c/team@base64/=";
  private static final String OLDER_THAN = "2s";

  @RealPushgateway
  Pushgateway gateway; // an empty one for each test

  @TempDir
  Path dir;

  private static void push(Pushgateway to, String path, String body) {
    assertThat(to.request("POST", "/metrics/" + path, body)).as(path).isEqualTo(200);
  }

  /** Pushes the stale groups, lets more than OLDER_THAN pass, then pushes the fresh ones. */
  private static void pushAged(Pushgateway to, List<String> stale, List<String> fresh) {
    for (String path : stale) {
      push(to, path, path.startsWith("job/slo") ? MAX_AGE_26H : "x 1\n");
    }
    Pushgateway.sleep(3000);
    for (String path : fresh) {
      push(to, path, "x 1\n");
    }
  }

  private Launch gc(Pushgateway at, String... options) {
    List<String> args = new ArrayList<>(List.of("gc", "--older-than", OLDER_THAN));
    args.addAll(List.of(options));
    return batchpush(args.toArray(new String[0])).env("BATCHPUSH_GATEWAY", at.uri().toString());
  }

  /** The output with each timestamp as T, which the test cannot know to the second. */
  private static String timesAsT(String output) {
    return output.replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ", "T");
  }

  @Test
  void deletesAndListsTheStaleGroupsAndKeepsTheFreshOnesAndThoseWithAMaxAge() {
    pushAged(gateway, List.of("job/stale_job", SPECIAL, "job/slo_job"), List.of("job/fresh_job"));

    Launch.Result r = gc(gateway).run();

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stderr()).isEmpty();
    assertThat(timesAsT(r.stdout())).isEqualTo(""
        + "deleted {job=\"a/b\",path=\"/var/log\",team=\"\"} (last push T)\n"
        + "deleted {job=\"stale_job\"} (last push T)\n"
        + "kept {job=\"slo_job\"} (last push T, max age 26h)\n"
        + "batchpush: gc on " + gateway.uri() + ": deleted 2 group(s) last pushed more than 2s ago; kept 1 such "
        + "group(s) that declare a max age (deleting one would silence its freshness alert; --include-slo deletes "
        + "them too); 1 group(s) pushed to more recently\n");
    assertThat(gateway.groupAfterDelete("stale_job", Map.of())).isEmpty();
    assertThat(gateway.groupAfterDelete("a/b", Map.of("path", "/var/log", "team", ""))).isEmpty();
    assertThat(gateway.group("slo_job", Map.of())).containsEntry("batch_job_max_age_seconds", 93600.0);
    assertThat(gateway.group("fresh_job", Map.of())).containsEntry("x", 1.0);
  }

  @Test
  void dryRunListsWhatWouldBeDeletedAndDeletesNothing() {
    pushAged(gateway, List.of("job/stale_job"), List.of("job/fresh_job"));

    Launch.Result r = gc(gateway, "--dry-run").run();

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(timesAsT(r.stdout())).isEqualTo("would delete {job=\"stale_job\"} (last push T)\n"
        + "batchpush: gc on " + gateway.uri() + ": would delete 1 group(s) last pushed more than 2s ago; kept 0 "
        + "such group(s) that declare a max age (deleting one would silence its freshness alert; --include-slo "
        + "deletes them too); 1 group(s) pushed to more recently\n");
    assertThat(gateway.group("stale_job", Map.of())).containsEntry("x", 1.0);
  }

  @Test
  void jobLimitsGcToTheJobsWhoseWholeNameMatches() {
    pushAged(gateway, List.of("job/legacy_export", "job/export_legacy_x"), List.of());

    Launch.Result r = gc(gateway, "--job", "legacy_.*").run();

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(timesAsT(r.stdout())).startsWith("deleted {job=\"legacy_export\"} (last push T)\nbatchpush: ");
    assertThat(gateway.groupAfterDelete("legacy_export", Map.of())).isEmpty();
    assertThat(gateway.group("export_legacy_x", Map.of())).containsEntry("x", 1.0);
  }

  @Test
  void includeSloDeletesStaleGroupsThatDeclareAMaxAgeToo() {
    pushAged(gateway, List.of("job/slo_job"), List.of());

    Launch.Result r = gc(gateway, "--include-slo").run();

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(timesAsT(r.stdout())).startsWith("deleted {job=\"slo_job\"} (last push T)\nbatchpush: ");
    assertThat(gateway.groupAfterDelete("slo_job", Map.of())).isEmpty();
  }

  @Test
  void worksUnderTheGatewaysPathPrefix() {
    try (Pushgateway prefixed = Pushgateway.startWithRoutePrefix("/pgw")) {
      pushAged(prefixed, List.of("job/stale_job"), List.of("job/fresh_job"));

      Launch.Result r = gc(prefixed).run();

      assertThat(r.exitCode()).as(r.stderr()).isZero();
      assertThat(r.stdout()).startsWith("deleted {job=\"stale_job\"}").contains(" on " + prefixed.uri() + ": ");
      assertThat(prefixed.groupAfterDelete("stale_job", Map.of())).isEmpty();
      assertThat(prefixed.group("fresh_job", Map.of())).isNotEmpty();
    }
  }

  @Test
  void worksWithBasicAuthOverTlsAndSaysWhenCredentialsAreMissing() throws Exception {
    WebConfig web = WebConfig.in(dir).basicAuth("pusher", "s3cret").tls();
    Path password = Files.writeString(dir.resolve("password"), "s3cret\n");
    try (Pushgateway secured = web.start()) {
      pushAged(secured, List.of("job/stale_job"), List.of());

      Launch.Result anonymous = gc(secured, "--ca-cert", web.caFile().toString()).run();
      Launch.Result r = gc(secured, "--ca-cert", web.caFile().toString(), "--username", "pusher",
          "--password-file", password.toString()).run();

      assertThat(anonymous.exitCode()).isEqualTo(1);
      assertThat(anonymous.stdout()).isEmpty();
      assertThat(anonymous.stderr()).isEqualTo("batchpush: gc on " + secured.uri() + " failed: reading the "
          + "gateway's groups: the gateway requires credentials (401): set a username and password, or a bearer "
          + "token\n");
      assertThat(r.exitCode()).as(r.stderr()).isZero();
      assertThat(r.stdout()).startsWith("deleted {job=\"stale_job\"}");
      assertThat(secured.groupAfterDelete("stale_job", Map.of())).isEmpty();
    }
  }

  @Test
  void anUnreachableGatewayExitsOneWithOneLine() {
    String nowhere = "http://127.0.0.1:" + Pushgateway.freePort();

    Launch.Result r = batchpush("gc", "--older-than", "30d", "--gateway", nowhere, "--deadline", "1s").run();

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr()).startsWith("batchpush: gc on " + nowhere + " failed: reading the gateway's groups: "
        + "unreachable (").hasLineCount(1);
  }

  @Test
  void aBadPatternOrAMissingAgeIsABadOption() {
    Launch.Result pattern = batchpush("gc", "--older-than", "30d", "--job", "legacy_[").run();
    Launch.Result missing = batchpush("gc").run();
    Launch.Result zero = batchpush("gc", "--older-than", "0s").run();

    assertThat(pattern.exitCode()).isEqualTo(125);
    assertThat(pattern.stderr()).isEqualTo("batchpush: Invalid --job: 'legacy_[' (Unclosed character class at "
        + "index 7; give a Java regular expression, e.g. 'legacy_.*')\n");
    assertThat(missing.exitCode()).isEqualTo(125);
    assertThat(missing.stderr()).isEqualTo("batchpush: Missing required option: '--older-than=DURATION' (see "
        + "'batchpush gc --help')\n");
    assertThat(zero.exitCode()).isEqualTo(125);
    assertThat(zero.stderr()).isEqualTo("batchpush: Invalid --older-than: '0s' (give how long a group may go "
        + "without a push, e.g. 30d)\n");
  }
}
