package io.github.batchpush.cli;

import static io.github.batchpush.cli.Launch.batchpush;
import static io.github.batchpush.cli.Launch.ownedByTheUnprivilegedUser;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.batchpush.testing.FaultServer;
import io.github.batchpush.testing.FaultServer.Fault;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import io.github.batchpush.testing.WebConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code batchpush check} through the packaged launcher: exact lines and exit codes for a good configuration, a
 * gateway that is down, wrong credentials and bad CAs on a real gateway with {@code --web.config.file}, an unusable
 * spool, and a job that would not page; and that it pushes and spools nothing.
 */
class CheckIT {
  private static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";
  private static final String UNWRITABLE = "is not writable by this user: set --spool-dir to a directory this user "
      + "can write, or run without a spool: --no-spool";

  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path dir;

  private Path spool;

  @BeforeEach
  void letTheUnprivilegedUserIn() throws Exception {
    // JUnit makes the directory for root's eyes only; the unprivileged user must reach what is made in it.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    spool = dir.resolve("spool");
  }

  private String uri() {
    return gateway.uri().toString();
  }

  private static String nowhere() {
    return "http://127.0.0.1:" + Pushgateway.freePort();
  }

  /** {@code batchpush check} with the test's spool directory and these arguments. */
  private Launch check(String... args) {
    List<String> all = new ArrayList<>(List.of("check", "--spool-dir", spool.toString()));
    all.addAll(List.of(args));
    return batchpush(all.toArray(String[]::new));
  }

  private String spoolLine(String gatewayUri) {
    return "batchpush: spool " + spool + ": not created yet (its parent is writable), 0 run(s) waiting for "
        + gatewayUri + ", 0 for other gateways\n";
  }

  @Test
  void aGoodConfigurationIsOneLineEachForTheGatewayTheJobAndTheSpoolOnStdoutAndExitsZero() {
    batchpush("register", "--job", "checked_job", "--label", "team=ops", "--max-age", "26h", "--gateway", uri())
        .run();
    Set<JsonNode> groupsBefore = gateway.groupSet();

    Launch.Result r = check("--job", "checked_job", "--label", "team=ops", "--gateway", uri()).run();

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stderr()).isEmpty();
    assertThat(r.stdout()).matches(Pattern.quote("batchpush: gateway " + uri() + ": Pushgateway "
        + gateway.version() + ", answered in ") + "\\d+ ms; no credentials sent, none asked for\n"
        + Pattern.quote("batchpush: group job=checked_job team=ops: max age 26h, registered ") + TIME
        + " \\(\\d+s ago\\), no run yet; BatchJobNoRecentSuccess fires at " + TIME + " \\(in 2[56]h\\d+m\\) "
        + "unless a run succeeds first\n" + Pattern.quote(spoolLine(uri())));
    assertThat(gateway.groupSet()).as("nothing pushed").isEqualTo(groupsBefore);
    assertThat(spool).as("nothing written").doesNotExist();
  }

  @Test
  void quietPrintsNothingWhenAllIsGood() {
    Launch.Result r = check("--quiet", "--gateway", uri()).run();

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout() + r.stderr()).isEmpty();
  }

  @Test
  void aGatewayThatIsDownIsAGatewayProblemAndTheSpoolIsStillReported() {
    String nowhere = nowhere();

    Launch.Result r = check("--gateway", nowhere).run();

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).isEqualTo("batchpush: gateway " + nowhere
        + ": unreachable (ConnectException: Connection refused)\n");
    assertThat(r.stdout()).isEqualTo(spoolLine(nowhere));
  }

  @Test
  void aWrongPasswordOnAGatewayWithBasicAuthAndTlsIsAGatewayProblem() throws Exception {
    WebConfig web = WebConfig.in(Files.createDirectories(dir.resolve("web"))).basicAuth("pusher", "s3cr3t-pw").tls();
    Path wrong = Files.writeString(dir.resolve("wrong-password"), "not-the-pw\n");
    Path right = Files.writeString(dir.resolve("password"), "s3cr3t-pw\n");
    try (Pushgateway secured = web.start()) {
      String url = secured.uri().toString();
      String ca = web.caFile().toString();

      Launch.Result refused = check("--gateway", url, "--ca-cert", ca, "--username", "pusher", "--password-file",
          wrong.toString()).run();
      Launch.Result accepted = check("--gateway", url, "--ca-cert", ca, "--username", "pusher", "--password-file",
          right.toString(), "--quiet").run();
      Launch.Result anonymous = check("--gateway", url, "--ca-cert", ca, "--quiet").run();

      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.stderr()).isEqualTo("batchpush: gateway " + url + ": wrong credentials (401): check the "
          + "username and password or bearer token\n");
      assertThat(refused.stdout()).isEqualTo(spoolLine(url));
      assertThat(accepted.exitCode()).as(accepted.stderr()).isZero();
      assertThat(anonymous.exitCode()).isEqualTo(1);
      assertThat(anonymous.stderr()).isEqualTo("batchpush: gateway " + url + ": the gateway requires credentials "
          + "(401): set a username and password, or a bearer token\n");
      Launch.Result shown = check("--gateway", url, "--ca-cert", ca, "--username", "pusher", "--password-file",
          right.toString()).run();
      assertThat(shown.stdout()).startsWith("batchpush: gateway " + url + ": Pushgateway ")
          .contains(" ms; certificate trusted (CA file " + ca + "); credentials accepted (basic auth as pusher)\n");
    }
  }

  @Test
  void aCaFileThatHoldsNoCertificateIsBadConfiguration() throws Exception {
    Path junk = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");

    Launch.Result r = check("--gateway", uri().replace("http:", "https:"), "--ca-cert", junk.toString()).run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr()).startsWith("batchpush: Invalid --ca-cert: Cannot load trusted certificates from '" + junk
        + "': ").endsWith(" (give a PEM file of CA certificates, or a PKCS12/JKS truststore and its password)\n")
        .hasLineCount(1);
    assertThat(r.stdout()).isEmpty();
  }

  @Test
  void aCaThatDidNotSignTheGatewaysCertificateIsATlsFailureNamingTheCaFile() throws Exception {
    WebConfig web = WebConfig.in(Files.createDirectories(dir.resolve("web"))).tls();
    Path otherCa = WebConfig.selfSignedCertificate(Files.createDirectories(dir.resolve("other-ca")));
    try (Pushgateway secured = web.start()) {
      String url = secured.uri().toString();

      Launch.Result r = check("--gateway", url, "--ca-cert", otherCa.toString()).run();
      Launch.Result withoutCa = check("--gateway", url).run();

      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.stderr()).startsWith("batchpush: gateway " + url + ": TLS failed (").endsWith("): check that "
          + "--ca-cert '" + otherCa + "' holds the CA that signed the gateway's certificate, and that the "
          + "certificate names this host\n").hasLineCount(1);
      assertThat(withoutCa.exitCode()).isEqualTo(1);
      assertThat(withoutCa.stderr()).startsWith("batchpush: gateway " + url + ": TLS failed (").endsWith("): if the "
          + "gateway's certificate is not publicly trusted, give its CA with --ca-cert\n").hasLineCount(1);
    }
  }

  @Test
  void plainHttpToAnHttpsGatewayShowsTheGatewaysAnswer() throws Exception {
    WebConfig web = WebConfig.in(Files.createDirectories(dir.resolve("web"))).tls();
    try (Pushgateway secured = web.start()) {
      String plain = secured.uri().toString().replace("https:", "http:");

      Launch.Result r = check("--gateway", plain).run();

      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.stderr()).isEqualTo("batchpush: gateway " + plain + ": HTTP 400: Client sent an HTTP request to "
          + "an HTTPS server.\n");
    }
  }

  @Test
  void anUnwritableSpoolIsBadConfigurationAndTheGatewayIsStillChecked() throws Exception {
    Files.setPosixFilePermissions(ownedByTheUnprivilegedUser(Files.createDirectory(spool)),
        PosixFilePermissions.fromString("r-xr-xr-x"));

    Launch.Result r = check("--gateway", uri()).unprivileged().run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr()).isEqualTo("batchpush: The spool directory '" + spool + "' " + UNWRITABLE + "\n");
    assertThat(r.stdout()).startsWith("batchpush: gateway " + uri() + ": Pushgateway ")
        .endsWith("\nbatchpush: spool " + spool + ": 0 run(s) waiting for " + uri() + ", 0 for other gateways\n");
  }

  @Test
  void theWorstFindingDecidesTheExitCodeAndEveryFindingIsPrinted() throws Exception {
    Files.setPosixFilePermissions(ownedByTheUnprivilegedUser(Files.createDirectory(spool)),
        PosixFilePermissions.fromString("r-xr-xr-x"));
    String nowhere = nowhere();

    Launch.Result r = check("--gateway", nowhere).unprivileged().run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr()).isEqualTo("batchpush: gateway " + nowhere + ": unreachable (ConnectException: "
        + "Connection refused)\nbatchpush: The spool directory '" + spool + "' " + UNWRITABLE + "\n");
  }

  @Test
  void aSpoolThatIsAFileIsReportedBesideAConfigurationThatCannotBeBuilt() throws Exception {
    Files.writeString(spool, "");

    Launch.Result r = check("--gateway", uri(), "--username", "ops").run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr()).isEqualTo("batchpush: --username needs a password: set --password-file or "
        + "BATCHPUSH_PASSWORD\nbatchpush: The spool directory '" + spool + "' is not a directory: set --spool-dir to "
        + "a directory this user can write, or run without a spool: --no-spool\n");
  }

  @Test
  void withNoSpoolNoSpoolDirectoryIsChecked() throws Exception {
    Files.writeString(spool, "");

    Launch.Result r = check("--gateway", uri(), "--no-spool").run();

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).endsWith("\nbatchpush: spool: none (--no-spool): a run that cannot be delivered in time "
        + "is lost\n");
  }

  @Test
  void aJobThatIsNotOnTheGatewayWouldNotPageAndSaysHowToDeclareIt() {
    Launch.Result r = check("--job", "never declared", "--label", "team=ops", "--gateway", uri()).run();

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).isEqualTo("batchpush: group job=never declared team=ops: not on the gateway, so nothing "
        + "pages if the job never runs: declare it with batchpush register --job 'never declared' --label team=ops "
        + "--max-age DURATION\n");
  }

  @Test
  void aJobWithoutAMaxAgeWouldNotPageForLackOfSuccess() {
    batchpush("run", "--job", "no_max_age", "--no-spool", "--gateway", uri(), "--", "true").run();

    Launch.Result r = check("--job", "no_max_age", "--gateway", uri()).run();

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stdout()).containsPattern("\nbatchpush: group job=no_max_age: no max age, last run " + TIME
        + " \\(\\d+s ago\\) exit code 0, last success " + TIME + " \\(\\d+s ago\\)\n");
    assertThat(r.stderr()).isEqualTo("batchpush: group job=no_max_age: declares no max age, so "
        + "BatchJobNoRecentSuccess never fires for it: declare one with batchpush register --job no_max_age "
        + "--max-age DURATION\n");
  }

  @Test
  void aJobThatRanAndNeverSucceededIsReportedAsDue() {
    batchpush("run", "--job", "failing", "--max-age", "1h", "--no-spool", "--gateway", uri(), "--", "sh", "-c",
        "exit 3").run();

    Launch.Result r = check("--job", "failing", "--gateway", uri()).run();

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).containsPattern("\nbatchpush: group job=failing: max age 1h, last run " + TIME
        + " \\(\\d+s ago\\) exit code 3, no success yet; BatchJobNoRecentSuccess is due since " + TIME
        + " \\(\\d+s ago\\)\n");
  }

  @Test
  void runsWaitingInTheSpoolAreCountedForThisGatewayAndForOthersAndNotSent() throws Exception {
    int port = Pushgateway.freePort();
    String later = "http://127.0.0.1:" + port;
    String old = nowhere();
    batchpush("run", "--job", "waiting", "--gateway", later, "--deadline", "300ms", "--spool-dir", spool.toString(),
        "--", "true").run();
    batchpush("run", "--job", "moved", "--gateway", old, "--deadline", "300ms", "--spool-dir", spool.toString(),
        "--", "true").run();

    try (Pushgateway up = Pushgateway.startOnPort(port)) {
      Launch.Result r = check("--gateway", later).run();

      assertThat(r.exitCode()).as(r.stderr()).isZero();
      assertThat(r.stdout()).endsWith("\nbatchpush: spool " + spool + ": writable, 1 run(s) waiting for " + later
          + ", 1 for other gateways; the next run delivers them, or batchpush flush now\nbatchpush: 1 spooled run(s) "
          + "wait for " + old + "; if that gateway's URL changed to " + later + ", deliver them with batchpush flush "
          + "--from-gateway " + old + "\n");
      assertThat(up.group("waiting", java.util.Map.of())).as("not sent").isEmpty();
      assertThat(batchpush("flush", "--spool-dir", spool.toString(), "--gateway", later).run().stdout())
          .as("still spooled").contains(": delivered 1, remaining 0");
    }
  }

  @Test
  void aServerThatIsNotAPushgatewayIsAGatewayProblem() {
    try (FaultServer other = FaultServer.start(null, Fault.status(200))) {
      Launch.Result r = check("--job", "x", "--gateway", other.uri().toString()).run();

      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.stderr()).isEqualTo("batchpush: gateway " + other.uri() + ": answers, but is not a Pushgateway "
          + "(no pushgateway_build_info among its metrics): check the URL, its port (9091 unless the gateway was "
          + "told otherwise) and its path prefix\n");
    }
  }

  @Test
  void aGatewayThatHangsIsAGatewayProblemWithinTheDeadline() {
    try (FaultServer hanging = FaultServer.start(null, Fault.hang())) {
      Launch.Result r = check("--gateway", hanging.uri().toString(), "--deadline", "1s").run();

      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.stderr()).startsWith("batchpush: gateway " + hanging.uri() + ": no ").hasLineCount(1);
    }
  }

  @Test
  void aGatewayAnswering503IsAGatewayProblem() {
    try (FaultServer unavailable = FaultServer.start(null, Fault.status(503))) {
      Launch.Result r = check("--gateway", unavailable.uri().toString()).run();

      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.stderr()).isEqualTo("batchpush: gateway " + unavailable.uri() + ": HTTP 503: fault injected: "
          + "HTTP 503\n");
    }
  }

  @Test
  void aBadOptionIsBadConfiguration() {
    Launch.Result r = check("--gateway", "127.0.0.1:9091").run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr()).isEqualTo("batchpush: Invalid --gateway: Invalid gateway URL: '127.0.0.1:9091' (no "
        + "scheme; write it with http:// or https://, e.g. http://127.0.0.1:9091)\n");
  }

  @Test
  void helpShowsTheOptionsTheExitCodesAndAnExample() {
    Launch.Result r = batchpush("check", "--help").run();

    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).contains("Usage: batchpush check", "--job=NAME", "--label=KEY=VALUE", "--gateway=URL",
        "--ca-cert=FILE", "--spool-dir=DIR", "--no-spool", "Exit codes:", "125", "pushes nothing",
        "batchpush check --job nightly_backup --label team=ops");
    assertThat(batchpush("--help").run().stdout()).contains("check     Checks configuration, gateway, job and spool; "
        + "pushes nothing.\n");
  }
}
