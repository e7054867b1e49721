package io.github.batchpush.cli;

import static io.github.batchpush.cli.Launch.batchpush;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code batchpush register} through the packaged launcher, against the real Pushgateway. */
class RegisterIT {
  private static final Pattern SINCE = Pattern.compile("counted from (\\S+) until its first success");

  @RealPushgateway
  static Pushgateway gateway;

  private String uri() {
    return gateway.uri().toString();
  }

  @Test
  void registerDeclaresTheJobsMaxAgeAndWhenItWasDeclared() {
    double before = Instant.now().getEpochSecond();

    Launch.Result r = batchpush("register", "--job", "nightly_backup", "--label", "team=ops", "--max-age", "26h",
        "--gateway", uri()).run();

    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr()).matches("batchpush: registered group job=nightly_backup team=ops on \\Q" + uri()
        + "\\E: max age 26h, counted from \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ until its first success\n");
    Map<String, Double> group = gateway.group("nightly_backup", Map.of("team", "ops"));
    assertThat(group).containsEntry("batch_job_max_age_seconds", 93600.0).doesNotContainKeys(
        "batch_job_last_success_timestamp_seconds", "batch_job_exit_code");
    assertThat(group.get("batch_job_registered_timestamp_seconds")).isBetween(before, before + 60);
  }

  @Test
  void registeringAgainAfterARunKeepsTheLastSuccessAndTheFirstDeclarationAndTakesTheNewMaxAge() {
    Launch.Result first = batchpush("register", "--job", "reregistered", "--max-age", "26h", "--gateway", uri())
        .run();
    batchpush("run", "--job", "reregistered", "--no-spool", "--gateway", uri(), "--", "true").run();
    Map<String, Double> afterTheRun = gateway.group("reregistered", Map.of());

    Launch.Result again = batchpush("register", "--job", "reregistered", "--max-age", "1h", "--gateway", uri())
        .run();

    assertThat(again.exitCode()).isZero();
    assertThat(since(again)).isEqualTo(since(first));
    Map<String, Double> group = gateway.group("reregistered", Map.of());
    assertThat(group).containsEntry("batch_job_max_age_seconds", 3600.0);
    for (String kept : new String[] {"batch_job_registered_timestamp_seconds",
        "batch_job_last_success_timestamp_seconds", "batch_job_exit_code",
        "batch_job_last_completion_timestamp_seconds"}) {
      assertThat(group.get(kept)).as(kept).isNotNull().isEqualTo(afterTheRun.get(kept));
    }
  }

  @Test
  void theLabelsOfTheEnvironmentArePartOfTheGroupAsForRun() {
    Launch.Result r = batchpush("register", "--job", "env_labelled", "--label", "team=data", "--max-age", "1d",
        "--gateway", uri(), "--quiet").env("BATCHPUSH_LABELS", "team=ops,env=prod").run();

    assertThat(r.exitCode()).isZero();
    assertThat(r.stderr()).isEmpty();
    assertThat(gateway.value("env_labelled", Map.of("team", "data", "env", "prod"), "batch_job_max_age_seconds"))
        .isEqualTo(86400.0);
  }

  @Test
  void anUnreachableGatewayExitsOneWithOneLine() {
    String nowhere = "http://127.0.0.1:" + Pushgateway.freePort();

    Launch.Result r = batchpush("register", "--job", "x", "--max-age", "1h", "--gateway", nowhere, "--deadline",
        "1s").run();

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).startsWith("batchpush: register of {job=\"x\"} to " + nowhere
        + " failed: reading the gateway's metrics: unreachable (").hasLineCount(1);
  }

  @Test
  void aMissingMaxAgeIsABadOption() {
    Launch.Result r = batchpush("register", "--job", "x").run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr()).isEqualTo("batchpush: Missing required option: '--max-age=DURATION' "
        + "(see 'batchpush register --help')\n");
  }

  @Test
  void aMaxAgeOfNothingOrZeroIsABadOptionAndNothingIsSent() {
    Launch.Result empty = batchpush("register", "--job", "zero", "--max-age", "", "--gateway", uri()).run();
    Launch.Result zero = batchpush("register", "--job", "zero", "--max-age", "0s", "--gateway", uri()).run();

    assertThat(empty.exitCode()).isEqualTo(125);
    assertThat(empty.stderr()).isEqualTo(
        "batchpush: Invalid --max-age: '' (give the job's freshness SLO, e.g. 26h)\n");
    assertThat(zero.exitCode()).isEqualTo(125);
    assertThat(zero.stderr()).isEqualTo(
        "batchpush: Invalid --max-age: '0s' (give the job's freshness SLO, e.g. 26h)\n");
    assertThat(gateway.group("zero", Map.of())).isEmpty();
  }

  @Test
  void aBadLabelIsABadOption() {
    Launch.Result r = batchpush("register", "--job", "x", "--max-age", "1h", "--label", "team").run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr()).isEqualTo("batchpush: Invalid label: 'team' (write it as key=value, e.g. team=data)\n");
  }

  @Test
  void helpShowsTheOptionsTheExitCodesAndAnExample() {
    Launch.Result r = batchpush("register", "--help").run();

    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).contains("Usage: batchpush register", "--job=NAME", "--max-age=DURATION",
        "--label=KEY=VALUE", "--gateway=URL", "--password-file=FILE", "Exit codes:", "125",
        "batchpush register --job nightly_backup --label team=ops --max-age 26h");
    assertThat(batchpush("--help").run().stdout()).contains("register  Declares a job and its max age before it "
        + "ever runs.");
  }

  private static String since(Launch.Result r) {
    Matcher m = SINCE.matcher(r.stderr());
    assertThat(m.find()).as(r.stderr()).isTrue();
    return m.group(1);
  }
}
