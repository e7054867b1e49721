package io.github.batchpush.cli;

import static io.github.batchpush.cli.Launch.batchpush;
import static io.github.batchpush.cli.Launch.ownedByTheUnprivilegedUser;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration that can be known to be bad before COMMAND runs stops batchpush with exit 125, one line naming the
 * value and the fix, and COMMAND not run: a gateway port outside 1-65535, a spool directory this user cannot use,
 * secret and CA files that are unreadable, special or oversized. None of them may hang or print a stack trace.
 */
class BadConfigurationIT {
  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path dir;

  private Path marker;

  @BeforeEach
  void letTheUnprivilegedUserIn() throws Exception {
    // JUnit makes the directory for root's eyes only; the unprivileged user must reach what is made in it.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    marker = dir.resolve("ran");
  }

  private Launch run(String... options) {
    String[] args = new String[options.length + 6];
    args[0] = "run";
    args[1] = "--job";
    args[2] = "config_job";
    System.arraycopy(options, 0, args, 3, options.length);
    args[options.length + 3] = "--";
    args[options.length + 4] = "touch";
    args[options.length + 5] = marker.toString();
    return batchpush(args).env("BATCHPUSH_GATEWAY", gateway.uri().toString());
  }

  private void assertRefused(Launch.Result r, String line) {
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(125);
    assertThat(r.stderr()).isEqualTo("batchpush: " + line + "\n");
    assertThat(marker).as("COMMAND ran").doesNotExist();
  }

  @Test
  void aGatewayPortAbove65535IsRefusedBeforeTheCommandRuns() {
    Path spool = dir.resolve("spool");

    Launch.Result r = run("--gateway", "http://127.0.0.1:99999", "--spool-dir", spool.toString()).run();

    assertRefused(r, "Invalid --gateway: Invalid gateway URL: 'http://127.0.0.1:99999' (port 99999 is outside "
        + "1-65535)");
    assertThat(spool).as("nothing spooled for a gateway that cannot exist").doesNotExist();
  }

  @Test
  void aGatewayPortZeroIsRefusedBeforeTheCommandRuns() {
    Launch.Result r = run().env("BATCHPUSH_GATEWAY", "http://127.0.0.1:0").run();

    assertRefused(r, "Invalid BATCHPUSH_GATEWAY: Invalid gateway URL: 'http://127.0.0.1:0' (port 0 is outside "
        + "1-65535)");
  }

  @Test
  void aGatewayWithoutASchemeIsRefusedSuggestingHttp() {
    Launch.Result r = run("--gateway", "127.0.0.1:9091").run();

    assertRefused(r, "Invalid --gateway: Invalid gateway URL: '127.0.0.1:9091' (no scheme; write it with http:// "
        + "or https://, e.g. http://127.0.0.1:9091)");
  }

  // Review M7: the timeout overflowed only once COMMAND had run: "internal error: ArithmeticException".
  @Test
  void aTimeoutLongerThanAHundredYearsIsRefusedBeforeTheCommandRuns() {
    Launch.Result r = run("--timeout", "999999999999d").run();

    assertRefused(r, "Invalid value for option '--timeout': Invalid duration: '999999999999d' (longer than 36500d, "
        + "the most batchpush takes) (see 'batchpush run --help')");
  }

  @Test
  void aDeadlineLongerThanAHundredYearsIsRefusedBeforeTheCommandRuns() {
    Launch.Result r = run("--deadline", "999999999999999d").run();

    assertRefused(r, "Invalid --deadline: Invalid duration: '999999999999999d' (longer than 36500d, the most "
        + "batchpush takes)");
  }

  // Review L6: the second value silently won.
  @Test
  void aLabelGivenTwiceIsRefusedWithBothValues() {
    Launch.Result r = run("--label", "env=prod", "--label", "env=test").run();

    assertRefused(r, "Invalid labels: 'env' is given twice (env=prod, env=test); give each label once");
  }

  // Review L6: a gateway variable that a template left empty pushed to localhost:9091, and no one was paged.
  @Test
  void anEmptyGatewayVariableIsRefusedBeforeTheCommandRuns() {
    Launch.Result r = run().env("BATCHPUSH_GATEWAY", "").run();

    assertRefused(r, "BATCHPUSH_GATEWAY is set but empty: give it a value, or unset it for the default "
        + "(http://localhost:9091)");
  }

  // Review L5: found only after COMMAND ran; with --no-gateway the run was lost and the exit code was COMMAND's.
  @Test
  void aTextfileDirectoryThatIsAFileIsRefusedBeforeTheCommandRuns() throws Exception {
    Path file = Files.writeString(dir.resolve("textfiles"), "");

    Launch.Result r = run("--no-gateway", "--textfile-dir", file.toString()).run();

    assertRefused(r, "The textfile directory '" + file + "' is not a directory: set --textfile-dir to a directory "
        + "this user can write");
  }

  @Test
  void aSpoolDirectoryThatIsAFileIsRefusedBeforeTheCommandRuns() throws Exception {
    Path file = Files.writeString(dir.resolve("spool"), "");

    Launch.Result r = run("--spool-dir", file.toString()).run();

    assertRefused(r, "The spool directory '" + file + "' is not a directory: set --spool-dir to a directory this "
        + "user can write, or run without a spool: --no-spool");
  }

  @Test
  void aSpoolDirectoryUnderAFileIsRefusedNamingTheFile() throws Exception {
    Path file = Files.writeString(dir.resolve("state"), "");
    Path spool = file.resolve("spool");

    Launch.Result r = run().env("BATCHPUSH_SPOOL_DIR", spool.toString()).run();

    assertRefused(r, "The spool directory '" + spool + "' cannot be created: '" + file + "' is not a directory: set "
        + "BATCHPUSH_SPOOL_DIR to a directory this user can write, or run without a spool: --no-spool");
  }

  @Test
  void aReadOnlySpoolDirectoryIsRefusedBeforeTheCommandRuns() throws Exception {
    Path spool = ownedByTheUnprivilegedUser(Files.createDirectory(dir.resolve("spool")));
    Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("r-xr-xr-x"));

    Launch.Result r = run("--spool-dir", spool.toString()).unprivileged().run();

    assertRefused(r, "The spool directory '" + spool + "' is not writable by this user: set --spool-dir to a "
        + "directory this user can write, or run without a spool: --no-spool");
  }

  @Test
  void aSpoolDirectoryOfAnotherUserIsRefusedNamingItsOwner() throws Exception {
    // The tests' own directory when batchpush runs as another user than they do, else root's.
    Path spool = Launch.RUNS_AS_ROOT ? Files.createDirectory(dir.resolve("spool")) : Path.of("/");

    Launch.Result r = run("--spool-dir", spool.toString()).unprivileged().run();

    assertRefused(r, "The spool directory '" + spool + "' is not writable by this user (it belongs to uid "
        + Files.getAttribute(spool, "unix:uid") + "): set --spool-dir to a directory this user can write, or run "
        + "without a spool: --no-spool");
  }

  @Test
  void withNoSpoolAnUnusableSpoolDirectoryDoesNotMatter() throws Exception {
    Path file = Files.writeString(dir.resolve("spool"), "");

    Launch.Result r = run("--spool-dir", file.toString(), "--no-spool").run();

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(marker).exists();
  }

  @Test
  void anUnreadablePasswordFileIsRefusedBeforeTheCommandRuns() throws Exception {
    Path password = ownedByTheUnprivilegedUser(Files.writeString(dir.resolve("password"), "pw\n"));
    Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("---------"));

    Launch.Result r = run("--username", "ops", "--password-file", password.toString(), "--spool-dir",
        ownedByTheUnprivilegedUser(Files.createDirectory(dir.resolve("spool"))).toString()).unprivileged().run();

    assertRefused(r, "Invalid --password-file: Cannot read the password file '" + password + "': "
        + "AccessDeniedException (check that it exists and is readable by this user)");
  }

  @Test
  void aPasswordFileOnDevZeroIsRefusedInOneLine() {
    Launch.Result r = run("--username", "ops", "--password-file", "/dev/zero").run();

    assertRefused(r, "Invalid --password-file: The password file '/dev/zero' is not a regular file (a FIFO, socket "
        + "or device): give the file itself");
  }

  @Test
  void aTokenFileThatIsAFifoWithoutAWriterIsRefusedRatherThanWaitedOn() throws Exception {
    Path fifo = dir.resolve("token");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).isTrue();

    Launch.Result r = run("--bearer-token-file", fifo.toString()).run();

    assertRefused(r, "Invalid --bearer-token-file: The bearer token file '" + fifo + "' is not a regular file (a "
        + "FIFO, socket or device): give the file itself");
  }

  @Test
  void aCaCertificateOnDevZeroIsRefusedInOneLine() {
    Launch.Result r = run().env("BATCHPUSH_CA_CERT", "/dev/zero").run();

    assertRefused(r, "Invalid BATCHPUSH_CA_CERT: The CA certificate file '/dev/zero' is not a regular file (a FIFO, "
        + "socket or device): give the file itself");
  }

  @Test
  void anOversizedPasswordFileIsRefusedInOneLine() throws Exception {
    Path big = dir.resolve("password");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(100L * 1024 * 1024);
    }

    Launch.Result r = run("--username", "ops", "--password-file", big.toString()).run();

    assertRefused(r, "Invalid --password-file: The password file '" + big + "' is larger than 64 KiB: is it the "
        + "right file?");
  }

  @Test
  void aPasswordFileThatIsNotUtf8SaysSo() throws Exception {
    Path latin1 = Files.write(dir.resolve("password"), new byte[] {'p', (byte) 0xe4, 's', 's', '\n'});

    Launch.Result r = run("--username", "ops", "--password-file", latin1.toString()).run();

    assertRefused(r, "Invalid --password-file: The password file '" + latin1 + "' is not UTF-8 text: save the "
        + "secret in it as UTF-8");
  }
}
